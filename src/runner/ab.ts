import { type Arm, armBenchmark } from './ab-plan.js';
import { measureCommand } from './command.js';
import type { Session } from './session.js';
import type { CommandWindow } from './types.js';

/** The ABBA experiment of `wattbench ab`: two commands run one window at a time in a seeded interleaved order. */

/** What `runAb` runs. */
export interface AbPlan {
  /** Command A (the baseline) and its arguments. */
  a: readonly string[];
  /** Command B (the current build); the same as A for an A/A calibration. */
  b: readonly string[];
  /** Measured runs of each command, in this order (see `abbaSchedule`). */
  schedule: readonly Arm[];
  /** Runs of each command first, measured like the others and thrown away. */
  warmupRuns: number;
  /** Aborting stops after the window in progress; finished windows are kept. */
  abort?: AbortSignal;
  /** Called with each kept window, in run order. */
  onWindow?: (w: CommandWindow) => void;
}

/** The first run that failed: the experiment stops there, since a failing command has nothing to compare. */
export interface AbFailure {
  arm: Arm;
  /** The repetition that failed, or 0 for a warm-up run. */
  repetition: number;
  window: CommandWindow;
}

/** What `runAb` measured: each command's windows (named `[A] …`/`[B] …`), the order, and the failure if any. */
export interface AbOutcome {
  windows: Record<Arm, CommandWindow[]>;
  schedule: readonly Arm[];
  failure: AbFailure | null;
}

/** Runs the warm-up runs, then the schedule, one window per run; stops at the first failing run or on abort. */
export async function runAb(session: Session, plan: AbPlan): Promise<AbOutcome> {
  const argvOf: Record<Arm, string[]> = { A: [...plan.a], B: [...plan.b] };
  const windows: Record<Arm, CommandWindow[]> = { A: [], B: [] };
  const abort = plan.abort;
  let failure: AbFailure | null = null;
  // Warm-up runs are measured like the others (same code path) and thrown away: caches, JIT and disk settle first.
  for (let i = 0; i < plan.warmupRuns && !failure && !abort?.aborted; i++) {
    for (const arm of ['A', 'B'] as const) {
      const [w] = await measureCommand(session, argvOf[arm], { repeat: 1, stdout: 'stderr', ...(abort ? { abort } : {}) });
      if (w && w.exitCode !== 0) {
        failure = { arm, repetition: 0, window: w };
        break;
      }
    }
  }
  for (const arm of failure ? [] : plan.schedule) {
    if (abort?.aborted) break;
    const [w] = await measureCommand(session, argvOf[arm], { repeat: 1, stdout: 'stderr', ...(abort ? { abort } : {}) });
    if (!w) continue;
    const window: CommandWindow = { ...w, benchmark: armBenchmark(arm, argvOf[arm]), repetition: windows[arm].length + 1 };
    windows[arm].push(window);
    plan.onWindow?.(window);
    if (window.exitCode !== 0) {
      failure = { arm, repetition: window.repetition, window };
      break;
    }
  }
  return { windows, schedule: plan.schedule, failure };
}

/** Says in one line which command failed on which run and why nothing is compared. */
export function abFailureText(failure: AbFailure, argvOf: Readonly<Record<Arm, readonly string[]>>): string {
  const w = failure.window;
  const how = w.exitCode === null ? `was killed by ${w.signal ?? 'a signal'}` : `exited with code ${w.exitCode}`;
  const what = failure.repetition === 0 ? 'its warm-up run' : `repetition ${failure.repetition}`;
  return `command ${failure.arm} (${argvOf[failure.arm].join(' ')}) ${how} on ${what}: both commands must succeed to be compared`;
}
