import { spawn } from 'node:child_process';
import type { Clock } from '../clock.js';
import { UsageError } from '../errors.js';
import type { Measurement } from '../sampler/window.js';
import type { Session } from './session.js';
import type { CommandWindow } from './types.js';
import { WorkDir } from './work-dir.js';
import { WORK_FILE_ENV, windowWork, workSpecProblem, type WindowWork, type WorkSpec } from './work-file.js';

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
  /** Work per window (`--work`, `--work-unit`); the command may report its own in `$WATTBENCH_WORK_FILE`. Default 1 run. */
  work?: WorkSpec;
  /** Seconds at the start of each run left out of the window (`--skip`): power ramps, thermal transients. */
  skipS?: number;
}

interface Exit {
  exitCode: number | null;
  signal: string | null;
}

function runOnce(argv: string[], stdout: 'inherit' | 'stderr', clock: Clock, workFile: string, abort?: AbortSignal): Promise<Exit> {
  const [file, ...args] = argv;
  if (!file) return Promise.reject(new UsageError('no command given: use wattbench measure -- <command> [args...]'));
  return new Promise((resolve, reject) => {
    const env = { ...process.env, [WORK_FILE_ENV]: workFile };
    const child = spawn(file, args, { stdio: ['inherit', stdout === 'inherit' ? 'inherit' : 'pipe', 'inherit'], shell: false, env });
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

/**
 * Measures `argv` `repeat` times in the session; rejects with a UsageError when the command cannot start or the work
 * spec is unusable. Every run gets a fresh empty `$WATTBENCH_WORK_FILE` in a private folder, removed at the end.
 */
export async function measureCommand(session: Session, argv: string[], options: CommandOptions = {}): Promise<CommandWindow[]> {
  const repeat = options.repeat ?? 1;
  const spec = options.work ?? {};
  const problem = workSpecProblem(spec);
  if (problem !== null) throw new UsageError(problem);
  const skipS = options.skipS ?? 0;
  if (!Number.isFinite(skipS) || skipS < 0) throw new UsageError(`--skip must be a number of seconds >= 0, got ${String(skipS)}`);
  const windows: CommandWindow[] = [];
  const dir = await WorkDir.create();
  let bound: string | undefined;
  try {
    for (let repetition = 1; repetition <= repeat; repetition++) {
      if (options.abort?.aborted) break;
      const file = await dir.next();
      const { measurement, result, runS, skipped } = await session.measure(() => runOnce(argv, options.stdout ?? 'inherit', session.clock, file, options.abort), { skipS });
      if (options.abort?.aborted) break;
      const work = windowWork(await dir.take(file), spec, bound);
      if (work.reported && spec.unit === undefined) bound = work.unit;
      const window = commandWindow(argv, repetition, measurement, result, work, skipS > 0 ? { skipS, runS, skipped } : undefined);
      windows.push(window);
      options.onWindow?.(window);
      if (options.bail && window.exitCode !== 0) break;
    }
  } finally {
    await dir.remove();
  }
  return windows;
}

/** How `--skip` cut one run: the seconds left out, how long the command ran in all, and whether it ran past them. */
export interface SkipCut {
  skipS: number;
  runS: number;
  skipped: boolean;
}

/**
 * Builds the window of one command run: work is 1 run unless given or reported; invalid when the command failed,
 * energy is missing, the work it reported is unusable, or it ended before `--skip` seconds. With `--skip`, the window
 * is the measured part: its work is the command's work times the share of the run measured (the work is taken to be
 * done at an even rate), so throughput is the run's average rate and work per joule that rate over the steady power.
 */
export function commandWindow(argv: string[], repetition: number, measurement: Measurement, exit: Exit, work?: WindowWork, skip?: SkipCut): CommandWindow {
  const failed = exit.exitCode !== 0;
  const energyMissing = measurement.energyJ === null && measurement.source !== 'none';
  const warnings = [...measurement.warnings];
  const problems: string[] = [];
  if (work?.problem) problems.push(work.problem);
  if (skip && !skip.skipped) problems.push(`the command ran ${skip.runS.toFixed(3)} s, not longer than --skip ${skip.skipS} s: nothing was left to measure`);
  warnings.unshift(...problems);
  if (failed) warnings.push(exit.signal ? `command killed by ${exit.signal}` : `command exited with code ${exit.exitCode}`);
  const runWork = work?.work ?? 1;
  const share = skip?.skipped && skip.runS > 0 ? measurement.durationS / skip.runS : 1;
  return {
    ...measurement,
    warnings,
    benchmark: argv.join(' '),
    kind: 'command',
    repetition,
    work: runWork * share,
    workUnit: work?.unit ?? 'run',
    exitCode: exit.exitCode,
    signal: exit.signal,
    ...(skip ? { skip: { skipS: skip.skipS, runDurationS: skip.runS, runWork } } : {}),
    valid: !failed && !energyMissing && problems.length === 0,
  };
}
