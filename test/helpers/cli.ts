import { execFile } from 'node:child_process';
import { sandboxEnv } from './sandbox-path.js';

/** Path of the launcher of the built CLI (npm test builds before running vitest). */
export const BIN = new URL('../../bin/wattbench.js', import.meta.url).pathname;

/** Runs the built CLI without a shell (PATH sandboxed unless `env` is given) and returns its exit code and output. */
export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: options.cwd, env: options.env ?? sandboxEnv(), timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err && typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : err ? 1 : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Runs the CLI in this process through `main(argv, io)`, with `process.env` swapped for `env` (default: the sandboxed
 * PATH, so no real tool of this machine is found) while it runs, and returns its exit code and output.
 * Test files run in processes of their own and their tests one at a time, so the swap is seen by nothing else.
 */
export function runMain(args: string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  // One at a time, so calls started together (Promise.all) never see each other's environment.
  const run = queue.then(() => runMainNow(args, options));
  queue = run.then(
    () => undefined,
    () => undefined,
  );
  return run;
}

let queue: Promise<void> = Promise.resolve();

async function runMainNow(args: string[], options: { env?: NodeJS.ProcessEnv }): Promise<{ code: number; stdout: string; stderr: string }> {
  const { main } = await import('../../src/cli/main.js');
  let stdout = '';
  let stderr = '';
  const saved = process.env;
  process.env = options.env ?? sandboxEnv();
  try {
    const code = await main(args, { out: (t) => void (stdout += t), err: (t) => void (stderr += t) });
    return { code, stdout, stderr };
  } finally {
    process.env = saved;
  }
}
