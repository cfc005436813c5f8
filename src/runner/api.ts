import { measureCommand } from './command.js';
import { measureFunction } from './function.js';
import { Session, type SessionOptions } from './session.js';
import type { RunResult } from './types.js';

/** Options of the one-call library API. */
export interface MeasureOptions extends SessionOptions {
  /** Repetitions, one window each (default 1). */
  repeat?: number;
  /** Machine name for the results (default: host name). */
  label?: string;
  /** Name of a measured function (default `function`). */
  name?: string;
}

/** Measures a command (argv array, no shell) or an async function from code and returns the run with its windows. */
export async function measure(target: string[] | (() => unknown), options: MeasureOptions = {}): Promise<RunResult> {
  const session = await Session.open(options);
  const run = session.newRun(options.label, { repeat: options.repeat ?? 1, intervalMs: options.intervalMs ?? 100 },);
  try {
    const onWindow = (w: RunResult['windows'][number]): void => void run.windows.push(w);
    if (Array.isArray(target)) await measureCommand(session, target, { repeat: options.repeat ?? 1, onWindow });
    else await measureFunction(session, options.name ?? 'function', target, { repeat: options.repeat ?? 1, onWindow });
  } finally {
    await session.close();
  }
  return run;
}
