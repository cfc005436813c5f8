import { randomBytes } from 'node:crypto';
import { link, mkdir, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UsageError } from '../errors.js';

/** Writes `text` to `path` atomically and never over an existing file: a temporary file, then a no-clobber link. */
export async function writeNewFileAtomic(path: string, text: string): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
  } catch (err) {
    throw new UsageError(`cannot create folder ${dirname(path)}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, text, { flag: 'wx' });
    // link() fails with EEXIST instead of replacing, so another run's file is never overwritten.
    await link(tmp, path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new UsageError(`${path} already exists; wattbench never overwrites results (choose another --out)`);
    throw new UsageError(`cannot write ${path}: ${code ?? String(err)}`);
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}
