import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Where a C library is, found the way the dynamic loader finds it, without loading anything: machines without it
 * learn so from a few `access()` calls and never import the FFI package.
 */

/** Where to load a library from, or why it is not there. */
export type LibraryLocation = { found: true; path: string } | { found: false; reason: string };

/** What to look for. */
export interface LibrarySpec {
  /** The file name to load (`libnvidia-ml.so.1`, `libdcmi.so`). */
  soname: string;
  /** The library's name in reasons (`NVML`, `DCMI`). */
  label: string;
  /** The vendor's install folders, searched after the loader's own (answered with the full path: dlopen would not look there). */
  vendorDirs?: readonly string[];
}

/** Multiarch folders of Debian-like systems. */
function multiarch(): string[] {
  const triplet = process.arch === 'arm64' ? 'aarch64-linux-gnu' : process.arch === 'x64' ? 'x86_64-linux-gnu' : null;
  return triplet ? [`/lib/${triplet}`, `/usr/lib/${triplet}`] : [];
}

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

/**
 * Finds a library: an explicit `override` path as given, otherwise `LD_LIBRARY_PATH` first (answered with the full
 * path, so the folder counts even where the loader read the variable before it was set), then the loader's cache and
 * default folders (answered with the bare name, so dlopen makes the choice), then the vendor's folders.
 */
export async function locateLibrary(spec: LibrarySpec, env: NodeJS.ProcessEnv, override?: string): Promise<LibraryLocation> {
  const { soname, label, vendorDirs = [] } = spec;
  // A bare name (`libnvidia-ml.so.1`) is left to dlopen's own search; a path must exist.
  if (override && !override.includes('/')) return { found: true, path: override };
  if (override) return (await exists(override)) ? { found: true, path: override } : { found: false, reason: `${override} not found` };
  if (process.platform !== 'linux') return { found: false, reason: `${label} is read on Linux only (this is ${process.platform})` };
  for (const dir of (env.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d !== '')) {
    const path = join(dir, soname);
    if (await exists(path)) return { found: true, path };
  }
  const cache = await readFile('/etc/ld.so.cache').catch(() => null);
  if (cache?.includes(soname)) return { found: true, path: soname };
  for (const dir of ['/lib64', '/usr/lib64', '/lib', '/usr/lib', ...multiarch()]) {
    if (await exists(join(dir, soname))) return { found: true, path: soname };
  }
  for (const dir of vendorDirs) {
    const path = join(dir, soname);
    if (await exists(path)) return { found: true, path };
  }
  const where = ['LD_LIBRARY_PATH', '/etc/ld.so.cache', '/usr/lib…', ...vendorDirs].join(', ');
  return { found: false, reason: `${soname} not found (${where})` };
}

/** Where a vendor library is, or why it is not used: its environment variable says `off`, or it is nowhere to be found. */
export type LibraryChoice = { found: true; path: string } | { found: false; reason: string; off: boolean };

/**
 * The library to load: `setting` (an explicit path, or the value of the library's environment variable) names it or
 * turns it `off`; otherwise it is looked for as `locateLibrary` does. Callers load the library's code only when it is
 * found, so a machine without the vendor's driver pays nothing for it.
 */
export async function findLibrary(spec: LibrarySpec & { envVar: string }, env: NodeJS.ProcessEnv, setting: string | undefined): Promise<LibraryChoice> {
  const chosen = setting ?? env[spec.envVar];
  if (chosen === 'off') return { found: false, reason: `turned off (${setting === undefined ? `${spec.envVar}=off` : 'its library option is off'})`, off: true };
  const where = await locateLibrary(spec, env, chosen || undefined);
  return where.found ? where : { ...where, off: false };
}
