import { spawn } from 'node:child_process';
import type { Clock } from '../clock.js';
import { UsageError } from '../errors.js';
import type { Measurement } from '../sampler/window.js';
import type { Session } from './session.js';
import type { CommandWindow } from './types.js';

/** Runs a command (no shell) inside measurement windows, one window per repetition. */

/** Options for measuring a command. */
export interface CommandOptions {
  /** Repetitions, one window each (default 1). */
  repeat?: number;
  /** Where the command's stdout goes: inherited (default), or sent to our stderr so stdout stays one JSON document. */
  stdout?: 'inherit' | 'stderr';
  /** Called after each window. */
  onWindow?: (window: CommandWindow) => void;
  /** Aborting stops the command (SIGTERM, then SIGKILL after 2 s) and ends the run; the unfinished window is not returned. */
  abort?: AbortSignal;
  /** Stop after the first repetition that fails (by default the others still run, each failure recorded). */
  bail?: boolean;
}

interface Exit {
  exitCode: number | null;
  signal: string | null;
}

function runOnce(argv: string[], stdout: 'inherit' | 'stderr', clock: Clock, abort?: AbortSignal): Promise<Exit> {
  const [file, ...args] = argv;
  if (!file) return Promise.reject(new UsageError('no command given: use wattbench measure -- <command> [args...]'));
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['inherit', stdout === 'inherit' ? 'inherit' : 'pipe', 'inherit'], shell: false });
    if (stdout === 'stderr') child.stdout?.pipe(process.stderr, { end: false });
    child.once('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'ENOENT' ? 'not found on PATH' : err.code === 'EACCES' ? 'not executable' : err.message;
      reject(new UsageError(`cannot start ${JSON.stringify(file)}: ${why}`));
    });
    const stop = (): void => {
      child.kill('SIGTERM');
      clock.setTimer(() => child.kill('SIGKILL'), 2000);
    };
    abort?.addEventListener('abort', stop, { once: true });
    child.once('close', (exitCode, signal) => {
      abort?.removeEventListener('abort', stop);
      resolve({ exitCode, signal });
    });
  });
}

/** Measures `argv` `repeat` times in the session; rejects with a UsageError when the command cannot start. */
export async function measureCommand(session: Session, argv: string[], options: CommandOptions = {}): Promise<CommandWindow[]> {
  const repeat = options.repeat ?? 1;
  const windows: CommandWindow[] = [];
  for (let repetition = 1; repetition <= repeat; repetition++) {
    if (options.abort?.aborted) break;
    const { measurement, result } = await session.measure(() => runOnce(argv, options.stdout ?? 'inherit', session.clock, options.abort));
    if (options.abort?.aborted) break;
    const window = commandWindow(argv, repetition, measurement, result);
    windows.push(window);
    options.onWindow?.(window);
    if (options.bail && window.exitCode !== 0) break;
  }
  return windows;
}

/** Builds the window of one command run: work is 1 run; invalid when the command failed or energy is missing. */
export function commandWindow(argv: string[], repetition: number, measurement: Measurement, exit: Exit): CommandWindow {
  const failed = exit.exitCode !== 0;
  const energyMissing = measurement.energyJ === null && measurement.source !== 'none';
  const warnings = [...measurement.warnings];
  if (failed) warnings.push(exit.signal ? `command killed by ${exit.signal}` : `command exited with code ${exit.exitCode}`);
  return {
    ...measurement,
    warnings,
    benchmark: argv.join(' '),
    kind: 'command',
    repetition,
    work: 1,
    workUnit: 'run',
    exitCode: exit.exitCode,
    signal: exit.signal,
    valid: !failed && !energyMissing,
  };
}
