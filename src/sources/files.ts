import { readFile, readdir } from 'node:fs/promises';
import type { FileReader, ProbeState } from './types.js';

/** The default file reader: asynchronous, so reads never stall the sampler. */
export const nodeFileReader: FileReader = {
  readText: (path) => readFile(path, 'utf8'),
  list: (path) => readdir(path),
};

/** Maps a filesystem error to a probe state: EACCES/EPERM is `permission`, a missing path `absent`, anything else `error`. */
export function stateOfError(err: unknown): ProbeState {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission';
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'absent';
  return 'error';
}

/** Returns a short reason for a filesystem error, such as `EACCES reading /sys/.../energy_uj`. */
export function reasonOfError(err: unknown, path: string): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const what = code ?? (err instanceof Error ? err.message : String(err));
  return `${what} reading ${path}`;
}

/** Reads a file and parses a finite number from it, or returns the reason it could not. */
export async function readNumber(
  files: FileReader,
  path: string,
): Promise<{ ok: true; value: number } | { ok: false; reason: string; state: ProbeState }> {
  let text: string;
  try {
    text = await files.readText(path);
  } catch (err) {
    return { ok: false, reason: reasonOfError(err, path), state: stateOfError(err) };
  }
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value)) {
    return { ok: false, reason: `not a number in ${path}: ${JSON.stringify(text.trim().slice(0, 40))}`, state: 'error' };
  }
  return { ok: true, value };
}
