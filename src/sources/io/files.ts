import { open, readdir, readFile, type FileHandle } from 'node:fs/promises';
import type { FileReader, ProbeState } from '../types.js';

/**
 * Reads files through handles kept open and re-read from offset 0 (one pread each time): sysfs and procfs
 * regenerate a file's content on every read at offset 0, and this costs a quarter of open+read+close, which
 * matters in a sampler that reads every 100 ms.
 */
export class HandleFileReader implements FileReader {
  private readonly handles = new Map<string, Promise<{ handle: FileHandle; buffer: Buffer }>>();

  async readText(path: string): Promise<string> {
    let entry = this.handles.get(path);
    if (!entry) {
      entry = open(path, 'r').then((handle) => ({ handle, buffer: Buffer.alloc(4096) }));
      this.handles.set(path, entry);
      entry.catch(() => this.handles.delete(path));
    }
    const opened = await entry;
    try {
      for (;;) {
        const { bytesRead } = await opened.handle.read(opened.buffer, 0, opened.buffer.length, 0);
        if (bytesRead < opened.buffer.length) return opened.buffer.toString('utf8', 0, bytesRead);
        opened.buffer = Buffer.alloc(opened.buffer.length * 2);
      }
    } catch (err) {
      // A handle that stopped working (a process that exited, a device that went away) is dropped, not retried forever.
      this.handles.delete(path);
      await opened.handle.close().catch(() => undefined);
      throw err;
    }
  }

  list(path: string): Promise<string[]> {
    return readdir(path);
  }

  /** Closes every handle held. */
  async close(): Promise<void> {
    const entries = [...this.handles.values()];
    this.handles.clear();
    await Promise.all(entries.map((e) => e.then((o) => o.handle.close()).catch(() => undefined)));
  }
}

/** A reader that opens each file anew: for one-off reads outside the sampler. */
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

/** Maps a reason made by `reasonOfError` back to a probe state, from the error code it starts with. */
export function stateOfReason(reason: string): ProbeState {
  return stateOfError({ code: reason.split(' ')[0] });
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
