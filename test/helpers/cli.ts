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
