/** A suite plan: the settings of `wattbench run` resolved from the presets, the minimum-window rule and the ETA. */

/** Settings of a suite run that a preset fills in. */
export interface SuitePreset {
  repetitions: number;
  durationS: number;
  warmupS: number;
  idleS: number;
}

/** The full suite. */
export const FULL: Readonly<SuitePreset> = Object.freeze({ repetitions: 5, durationS: 2, warmupS: 1, idleS: 5 });
/** `--quick`: the whole default suite in under 90 s on 2 cores. */
export const QUICK: Readonly<SuitePreset> = Object.freeze({ repetitions: 3, durationS: 1, warmupS: 0.2, idleS: 1 });

/** What a plan is made from: the choices of the person (undefined: the preset's) and what the session can sample. */
export interface PlanInput extends Partial<SuitePreset> {
  quick?: boolean;
  kernelCount: number;
  threads: readonly number[];
  intervalMs: number;
  /** Update periods of the sources in the energy total, in seconds (null or undefined: unknown). */
  periodsS: ReadonlyArray<number | null | undefined>;
}

/** A resolved plan. */
export interface SuitePlan extends SuitePreset {
  /** The shortest window that can be measured: 10 sampler intervals and one period of the slowest source. */
  minWindowS: number;
  /** The duration asked for, when it was below `minWindowS` and raised to it; otherwise null. */
  raisedFromS: number | null;
  /** Windows the plan measures. */
  totalWindows: number;
  /** Rough wall time of the whole run, in seconds. */
  etaS: number;
}

/** The minimum window: 10 sampler intervals, and one period of the slowest source (periods above 60 s count as 60 s). */
export function minWindowS(intervalMs: number, periodsS: ReadonlyArray<number | null | undefined>): number {
  const slowestS = Math.max(0, ...periodsS.map((p) => Math.min(p ?? 0, 60)));
  return Math.max((10 * intervalMs) / 1000, slowestS);
}

/** Resolves the settings of a suite run. */
export function suitePlan(input: PlanInput): SuitePlan {
  const preset = input.quick ? QUICK : FULL;
  const repetitions = input.repetitions ?? preset.repetitions;
  const idleS = input.idleS ?? preset.idleS;
  const warmupS = input.warmupS ?? preset.warmupS;
  const min = minWindowS(input.intervalMs, input.periodsS);
  const asked = input.durationS ?? preset.durationS;
  const durationS = Math.max(asked, min);
  const threads = input.threads.length;
  // Per window ~30 ms of set-up; per kernel its warm-up and ~0.2 s to start its workers; 2 s of session start and end.
  const etaS = Math.round(input.kernelCount * (threads * repetitions * (durationS + 0.03) + warmupS + 0.2) + 2 * idleS + 2);
  return { repetitions, durationS, warmupS, idleS, minWindowS: min, raisedFromS: asked < min ? asked : null, totalWindows: input.kernelCount * threads * repetitions, etaS };
}
