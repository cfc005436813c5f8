import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { ProbeState } from '../types.js';

/** Running measurement tools (nvidia-smi, npu-smi, ipmitool…): never through a shell, always with a timeout. */

/** The outcome of running a tool once. */
export type ToolResult =
  | { ok: true; stdout: string; stderr: string; code: number | null; signal: string | null }
  | { ok: false; reason: string; state: Exclude<ProbeState, 'ok'> };

/** Options for one tool run. */
export interface ToolOptions {
  /** Kill the tool and report a timeout after this many milliseconds. */
  timeoutMs: number;
  /** Bytes kept of each output stream; the rest is dropped (a garbage-spewing tool cannot exhaust memory). */
  maxBytes?: number;
  env?: NodeJS.ProcessEnv;
}

/** Maps a spawn error to a probe state and a one-line reason. */
export function spawnFailure(file: string, err: NodeJS.ErrnoException): { reason: string; state: Exclude<ProbeState, 'ok'> } {
  if (err.code === 'ENOENT') return { reason: `${file} not found on PATH`, state: 'absent' };
  if (err.code === 'EACCES' || err.code === 'EPERM') return { reason: `${file} is not executable for this user (${err.code})`, state: 'permission' };
  return { reason: `${file} could not start: ${err.code ?? err.message}`, state: 'error' };
}

/** Tools found on a PATH (`PATH\0name`); a tool that disappears later fails its spawn as before. */
const foundOnPath = new Set<string>();

/**
 * Whether a file of that name is in any folder of `PATH` (or at that path, for a name with a slash). Probing asks for
 * a dozen vendor tools most machines lack, and a spawn that fails still forks this process first (milliseconds
 * each); a file that is there but not executable is left to the spawn, so its error stays the system's own.
 */
export async function onPath(file: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  // Windows adds PATHEXT to the name, and without PATH the system's default path applies: the spawn decides there.
  if (process.platform === 'win32' || env.PATH === undefined) return true;
  const key = `${env.PATH}\0${file}`;
  // A tool polled while measuring (npu-smi, ipmitool, amd-smi) was found when probed: it is not looked up again.
  if (foundOnPath.has(key)) return true;
  const isFile = (path: string): Promise<boolean> => stat(path).then((s) => s.isFile(), () => false);
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  const found = file.includes('/') ? await isFile(file) : (await Promise.all(dirs.map((dir) => isFile(join(dir, file))))).includes(true);
  if (found) foundOnPath.add(key);
  return found;
}

/** Runs `file args` once and collects its output; a timeout kills it (SIGKILL) and says so. */
export async function runTool(file: string, args: string[], options: ToolOptions): Promise<ToolResult> {
  if (!(await onPath(file, options.env ?? process.env))) return { ok: false, ...spawnFailure(file, Object.assign(new Error(`spawn ${file} ENOENT`), { code: 'ENOENT' })) };
  const maxBytes = options.maxBytes ?? 1 << 20;
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: ToolResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], shell: false, env: options.env ?? process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    child.stdout.on('data', (b: Buffer) => {
      if (outBytes < maxBytes) out.push(b.subarray(0, maxBytes - outBytes));
      outBytes += b.length;
    });
    child.stderr.on('data', (b: Buffer) => {
      if (errBytes < maxBytes) err.push(b.subarray(0, maxBytes - errBytes));
      errBytes += b.length;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      done({ ok: false, reason: `${file} ${args.join(' ')} gave no answer within ${options.timeoutMs} ms (killed)`, state: 'error' });
    }, options.timeoutMs);
    child.once('error', (e: NodeJS.ErrnoException) => done({ ok: false, ...spawnFailure(file, e) }));
    child.once('close', (code, signal) =>
      done({ ok: true, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), code, signal }),
    );
  });
}

/** The first non-empty line of a text, trimmed and cut to 200 characters, for one-line reasons. */
export function firstLine(text: string): string {
  const line = text.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
