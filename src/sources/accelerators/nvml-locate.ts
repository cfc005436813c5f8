import { locateLibrary, type LibraryLocation } from '../io/locate-library.js';

/** The file name NVML's users load (the driver installs it; the unversioned `.so` comes only with development files). */
export const NVML_SONAME = 'libnvidia-ml.so.1';

/** Where to load NVML from, or why it is not there. */
export type NvmlLocation = LibraryLocation;

/** Finds `libnvidia-ml.so.1` as the loader would (`locateLibrary`), or at `override`. */
export function locateNvml(env: NodeJS.ProcessEnv, override?: string): Promise<NvmlLocation> {
  return locateLibrary({ soname: NVML_SONAME, label: 'NVML' }, env, override);
}
