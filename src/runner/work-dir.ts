import { constants } from 'node:fs';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseWorkFile, WORK_FILE_MAX_BYTES, type WorkFileResult } from './work-file.js';

/** The private folder of the work files of one measured command: a fresh empty file per run, read once, bounded. */
export class WorkDir {
  private runs = 0;

  private constructor(private readonly dir: string) {}

  /** Creates the folder (mode 0700: only this user can see or replace the files in it). */
  static async create(): Promise<WorkDir> {
    return new WorkDir(await mkdtemp(join(tmpdir(), 'wattbench-work-')));
  }

  /** Creates a fresh empty file for the next run and returns its path. */
  async next(): Promise<string> {
    const path = join(this.dir, `work-${++this.runs}`);
    await writeFile(path, '', { flag: 'wx', mode: 0o600 });
    return path;
  }

  /** Reads and parses what a run wrote, then removes the file. */
  async take(path: string): Promise<WorkFileResult> {
    try {
      return await readWorkFile(path);
    } finally {
      await rm(path, { force: true });
    }
  }

  /** Removes the folder and whatever the command left in it. */
  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

/**
 * Reads at most `WORK_FILE_MAX_BYTES` (+1, to see that there is more) of a work file and parses it. The command may
 * have replaced the file: a link is not followed and a FIFO or device is refused, so the read can never block.
 */
export async function readWorkFile(path: string): Promise<WorkFileResult> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'empty' };
    if (code === 'ELOOP') return { kind: 'invalid', reason: 'the work file was replaced by a symbolic link, which is not followed' };
    return { kind: 'invalid', reason: `the work file cannot be read: ${code ?? (err as Error).message}` };
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return { kind: 'invalid', reason: 'the work file was replaced by something that is not a plain file' };
    const buffer = Buffer.alloc(WORK_FILE_MAX_BYTES + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    const truncated = length > WORK_FILE_MAX_BYTES;
    return parseWorkFile(buffer.subarray(0, Math.min(length, WORK_FILE_MAX_BYTES)).toString('utf8'), truncated);
  } catch (err) {
    return { kind: 'invalid', reason: `the work file cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
  } finally {
    await handle.close();
  }
}
