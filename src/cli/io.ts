import { fstat } from 'node:fs';
import type { FileIdentity } from '../results/paths.js';

/** Where the CLI writes: stdout for results and JSON, stderr for people. Tests pass their own. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** The regular file stdout is redirected to (`> run.json`), or null; absent: stdout is not a file. */
  stdoutFile?(): Promise<FileIdentity | null>;
}

/** The process's own streams. */
export const processIo: Io = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  stdoutFile: () =>
    new Promise((resolve) => {
      fstat(1, (err, s) => resolve(err || !s.isFile() ? null : { dev: s.dev, ino: s.ino }));
    }),
};

/** Checks `--out` before anything is measured (see `assertOutFree`), telling a shell redirect of stdout apart. */
export async function assertOutFreeFor(out: string | undefined, io: Io): Promise<void> {
  if (!out) return;
  const { assertOutFree } = await import('../results/paths.js');
  await assertOutFree(out, (await io.stdoutFile?.()) ?? null);
}
