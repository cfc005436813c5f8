import { randomBytes } from 'node:crypto';
import { link, mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UsageError } from '../errors.js';

/**
 * The one atomic writer: `text` goes to a temporary file beside `path`, which then takes the name in one step, so a
 * reader never sees half a file. Results are never replaced (`replace: false`: a no-clobber link, EEXIST refused);
 * a report is (`replace: true`: a rename over the earlier one).
 */
export async function writeFileAtomic(path: string, text: string, options: { replace: boolean }): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
  } catch (err) {
    throw new UsageError(`cannot create folder ${dirname(path)}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, text, { flag: 'wx' });
    // link() fails with EEXIST instead of replacing, so another run's file is never overwritten.
    await (options.replace ? rename(tmp, path) : link(tmp, path));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && !options.replace) throw new UsageError(`${path} already exists; wattbench never overwrites results (choose another --out)`);
    throw new UsageError(`cannot write ${path}: ${code === 'EISDIR' ? 'is a folder' : (code ?? String(err))}`);
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

/** Writes a results file atomically and never over an existing file. */
export function writeNewFileAtomic(path: string, text: string): Promise<void> {
  return writeFileAtomic(path, text, { replace: false });
}

/** Writes a file atomically, replacing an earlier one at `path` (reports). */
export function writeFileReplacing(path: string, text: string): Promise<void> {
  return writeFileAtomic(path, text, { replace: true });
}
