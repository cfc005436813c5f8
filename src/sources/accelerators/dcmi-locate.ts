import { findLibrary, type LibraryChoice } from '../io/locate-library.js';

/** The environment variable naming the library, or `off`. */
export const DCMI_LIBRARY_ENV = 'WATTBENCH_DCMI_LIBRARY';

/** The file DCMI's users load. */
export const DCMI_SONAME = 'libdcmi.so';

/** Where the Ascend driver and the DCMI package install it, searched after the loader's own folders. */
export const DCMI_DIRS: readonly string[] = ['/usr/local/Ascend/driver/lib64/driver', '/usr/local/Ascend/driver/lib64/common', '/usr/local/dcmi'];

/** The DCMI library to load: `setting` or `$WATTBENCH_DCMI_LIBRARY` (a path, or `off`), else the loader's and the driver's folders. */
export function findDcmi(env: NodeJS.ProcessEnv, setting?: string): Promise<LibraryChoice> {
  return findLibrary({ soname: DCMI_SONAME, label: 'DCMI', vendorDirs: DCMI_DIRS, envVar: DCMI_LIBRARY_ENV }, env, setting);
}
