import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Where `libnvidia-ml.so.1` is, found the way the dynamic loader finds it, without loading anything: machines
 * without NVIDIA learn it from a few `access()` calls and never import the FFI package.
 */

/** The file name NVML's users load (the driver installs it; the unversioned `.so` comes only with development files). */
export const NVML_SONAME = 'libnvidia-ml.so.1';

/** Where to load NVML from, or why it is not there. */
export type NvmlLocation = { found: true; path: string } | { found: false; reason: string };

/** Multiarch folders of Debian-like systems, and the NVIDIA container toolkit's. */
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
 * Finds NVML: an explicit `override` path as given, otherwise `LD_LIBRARY_PATH` first (answered with the full path,
 * so the folder counts even where the loader read the variable before it was set), then the loader's cache and
 * default folders (answered with the bare name, so dlopen makes the choice).
 */
export async function locateNvml(env: NodeJS.ProcessEnv, override?: string): Promise<NvmlLocation> {
  if (override) return (await exists(override)) ? { found: true, path: override } : { found: false, reason: `${override} not found` };
  if (process.platform !== 'linux') return { found: false, reason: `NVML is read on Linux only (this is ${process.platform})` };
  for (const dir of (env.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d !== '')) {
    const path = join(dir, NVML_SONAME);
    if (await exists(path)) return { found: true, path };
  }
  const cache = await readFile('/etc/ld.so.cache').catch(() => null);
  if (cache?.includes(NVML_SONAME)) return { found: true, path: NVML_SONAME };
  for (const dir of ['/lib64', '/usr/lib64', '/lib', '/usr/lib', ...multiarch()]) {
    if (await exists(join(dir, NVML_SONAME))) return { found: true, path: NVML_SONAME };
  }
  return { found: false, reason: `${NVML_SONAME} not found (LD_LIBRARY_PATH, /etc/ld.so.cache, /usr/lib…)` };
}
