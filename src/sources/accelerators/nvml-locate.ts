import { findLibrary, locateLibrary, type LibraryChoice, type LibraryLocation } from '../io/locate-library.js';

/** The file name NVML's users load (the driver installs it; the unversioned `.so` comes only with development files). */
export const NVML_SONAME = 'libnvidia-ml.so.1';

/** Where to load NVML from, or why it is not there. */
export type NvmlLocation = LibraryLocation;

/** Finds `libnvidia-ml.so.1` as the loader would (`locateLibrary`), or at `override`. */
export function locateNvml(env: NodeJS.ProcessEnv, override?: string): Promise<NvmlLocation> {
  return locateLibrary({ soname: NVML_SONAME, label: 'NVML' }, env, override);
}

/** The environment variable naming the library, or `off`. */
export const NVML_LIBRARY_ENV = 'WATTBENCH_NVML_LIBRARY';

/** The NVML library to load: `setting` or `$WATTBENCH_NVML_LIBRARY` (a path, or `off`), else where the loader finds it. */
export function findNvml(env: NodeJS.ProcessEnv, setting?: string): Promise<LibraryChoice> {
  return findLibrary({ soname: NVML_SONAME, label: 'NVML', envVar: NVML_LIBRARY_ENV }, env, setting);
}
