import { DEFAULT_SEED, type Kernel } from '../../benchmarks/kernel.js';
import { runOnTeam } from './kernel.js';
import { KernelTeam } from './kernel-team.js';
import { readOnBattery } from '../sources/system/power-supply.js';
import type { Session } from './session.js';
import type { KernelWindow } from './types.js';

/** The suite: idle baseline, then every kernel at every thread count, then idle again. */

/** Settings of a suite run. */
export interface SuiteOptions {
  kernels: readonly Kernel[];
  threads: number[];
  repetitions: number;
  durationS: number;
  warmupS: number;
  /** Seconds of idle measurement before and after the suite (0: none). */
  idleS: number;
  seed?: number;
  size?: number;
  workerUrl?: URL;
  /** Aborting stops the kernels at once; the windows finished so far are returned and `aborted` is set. */
  abort?: AbortSignal;
  /** Called before each kernel × threads step, with its position. */
  onStep?: (step: { kernel: Kernel; threads: number; index: number; total: number }) => void;
  onWindow?: (w: KernelWindow) => void;
}

/** Idle power measured around the suite. */
export interface IdleBaseline {
  beforeW: number | null;
  afterW: number | null;
  /** Mean of the two (or the one readable), used for `idle_power_w` and `net_energy_j`. */
  powerW: number | null;
}

/** Measures idle power: a window in which wattbench does nothing. */
export async function measureIdle(session: Session, seconds: number): Promise<number | null> {
  if (seconds <= 0) return null;
  const { measurement } = await session.measure(() => session.clock.sleep(seconds * 1000));
  return measurement.powerW;
}

/** Runs the suite and returns its windows with the idle baseline filled in. */
export async function runSuite(session: Session, options: SuiteOptions): Promise<{ windows: KernelWindow[]; idle: IdleBaseline; aborted: boolean }> {
  const batteryBefore = await readOnBattery(session.context);
  const beforeW = await measureIdle(session, options.idleS);
  const windows: KernelWindow[] = [];
  const frequency = { highestMhz: null as number | null };
  const total = options.kernels.length * options.threads.length;
  let index = 0;
  const maxThreads = Math.max(...options.threads);
  const abort = options.abort;
  for (const kernel of options.kernels) {
    if (abort?.aborted) break;
    // One team per kernel, prepared and warmed up once, serves every thread count (its first N workers).
    const team = await KernelTeam.start(kernel, maxThreads, {
      seed: options.seed ?? DEFAULT_SEED,
      size: options.size ?? kernel.defaultSize,
      ...(options.workerUrl ? { workerUrl: options.workerUrl } : {}),
    });
    // Terminating the workers makes a window in progress fail at once; the loop then stops with what is finished.
    const stopTeam = (): void => void team.stop();
    abort?.addEventListener('abort', stopTeam, { once: true });
    try {
      if (options.warmupS > 0) await team.run(options.warmupS * 1000);
      for (const threads of options.threads) {
        if (abort?.aborted) break;
        options.onStep?.({ kernel, threads, index: index++, total });
        // Windows are collected as each finishes, so an interrupt mid-step keeps the ones already done.
        await runOnTeam(session, team, kernel, {
          threads,
          repetitions: options.repetitions,
          durationS: options.durationS,
          frequency,
          idlePowerW: beforeW,
          ...(options.seed !== undefined ? { seed: options.seed } : {}),
          ...(options.size !== undefined ? { size: options.size } : {}),
          onWindow: (w) => {
            windows.push(w);
            options.onWindow?.(w);
          },
        });
      }
    } catch (err) {
      if (!abort?.aborted) throw err;
    } finally {
      abort?.removeEventListener('abort', stopTeam);
      await team.stop();
    }
  }
  if (abort?.aborted) return { windows, idle: { beforeW, afterW: null, powerW: beforeW }, aborted: true };
  const afterW = await measureIdle(session, options.idleS);
  const known = [beforeW, afterW].filter((w): w is number => w !== null);
  const powerW = known.length ? known.reduce((a, b) => a + b, 0) / known.length : null;
  // Rows get the mean of both baselines, so drift over a long suite is shared evenly.
  for (const w of windows) w.idlePowerW = powerW;
  if (batteryBefore || (await readOnBattery(session.context))) {
    // Laptops on battery cap power and frequency: their figures do not compare with mains-powered runs.
    for (const w of windows) w.warnings.push('machine on battery during the run: power and frequency limits differ from mains');
  }
  return { windows, idle: { beforeW, afterW, powerW }, aborted: false };
}
