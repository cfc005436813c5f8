import { existsSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Programs tests may run; nothing else on the machine (a real nvidia-smi, npu-smi…) is visible to them. */
const ALLOWED = ['node', 'sleep', 'true', 'false', 'env'];

let dir: string | null = null;

/**
 * A PATH folder holding only symlinks to the allowed programs, so tests behave the same on a machine that has real
 * measurement tools installed (a GPU host) as on one that has none.
 */
export function sandboxPath(): string {
  if (dir) return dir;
  dir = mkdtempSync(join(tmpdir(), 'wb-path-'));
  for (const name of ALLOWED) {
    const found = (process.env.PATH ?? '').split(delimiter).map((d) => join(d, name)).find((p) => existsSync(p));
    if (name === 'node') symlinkSync(process.execPath, join(dir, name));
    else if (found) symlinkSync(found, join(dir, name));
  }
  return dir;
}

/**
 * This process's environment with PATH narrowed to the sandbox (plus `first`, searched before it), and NVML and DCMI
 * turned off: the loader would otherwise find a GPU or NPU host's real libnvidia-ml.so.1 or libdcmi.so (tests of
 * those libraries name their fake library).
 */
export function sandboxEnv(first: string[] = [], extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, PATH: [...first, sandboxPath()].join(delimiter), WATTBENCH_NVML_LIBRARY: 'off', WATTBENCH_DCMI_LIBRARY: 'off', ...extra };
}
