/**
 * Paired A/B on one machine: the verdict of B against A, and A/A calibration of the noise.
 *
 * The schedule and the row names are in `runner/ab-plan.ts`, the experiment in `runner/ab.ts`.
 *
 * Calibration (A/A, a command against itself): each side is divided by its own median and the pooled values give
 * the noise (coefficient of variation); `minDetectableChangePct` turns it into the smallest change a comparison with
 * this many repetitions per side can tell from noise, and the recommended threshold is CALIBRATION_FACTOR times
 * that (rounded up to 0.5%), and never below the half-width of the A/A ratio's own CI: at that threshold a repeated
 * A/A comparison is `unchanged` in at least 95% of trials (see test/compare/ab.test.ts).
 */
import { bootstrapRatioOfMedians } from '../stats/bootstrap.js';
import { coefficientOfVariation, median } from '../stats/descriptive.js';
import { DEFAULT_ALPHA, DEFAULT_COMPARE_SEED, minDetectableChangePct } from '../stats/verdict.js';
import type { GroupSamples, ResultSet } from '../results/read.js';
import { UsageError } from '../errors.js';
import { type Arm, parseArmBenchmark } from '../runner/ab-plan.js';
import { groupQuality, type Metric, metricSpec } from './check.js';
import { resamplesFor, thin } from './thin.js';

export { abbaSchedule, ARM_PREFIX, type Arm, armBenchmark, parseArmBenchmark, splitAbArgs } from '../runner/ab-plan.js';

/** Multiple of the minimum detectable change recommended as the threshold (chosen by simulation, see the module notes). */
export const CALIBRATION_FACTOR = 2.25;


/** Noise of one metric observed in an A/A run, and the threshold it supports. */
export interface Calibration {
  metric: Metric;
  /** Repetitions per side (the smaller side). */
  n: number;
  /** Pooled coefficient of variation of the median-normalised values, in percent. */
  noiseCvPct: number | null;
  /** Change of the median from A to B, in percent (noise only, in an A/A run). */
  observedChangePct: number | null;
  /** 95% bootstrap CI of the A/A ratio of medians. */
  ratioCi: [number, number] | null;
  /** Smallest change a comparison with n repetitions per side tells from noise at alpha (about 50% power). */
  minDetectableChangePct: number | null;
  /** Threshold to use with `check --threshold` for comparisons with n repetitions per side. */
  recommendedThresholdPct: number | null;
}

function roundUpHalf(x: number): number {
  return Math.ceil(x * 2 - 1e-9) / 2;
}

/** Calibrates one metric from the two sides of an A/A run (see the module notes). */
export function calibrate(a: readonly number[], b: readonly number[], metric: Metric, options: { alpha?: number; seed?: number } = {}): Calibration {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const seed = options.seed ?? DEFAULT_COMPARE_SEED;
  const n = Math.min(a.length, b.length);
  const ma = median(a);
  const mb = median(b);
  const empty: Calibration = { metric, n, noiseCvPct: null, observedChangePct: null, ratioCi: null, minDetectableChangePct: null, recommendedThresholdPct: null };
  if (n < 2 || ma === null || mb === null || !(ma > 0) || !(mb > 0)) return empty;
  const pooled = [...a.map((x) => x / ma), ...b.map((x) => x / mb)];
  const cv = coefficientOfVariation(pooled);
  const mdc = minDetectableChangePct(pooled, { alpha, repetitions: n });
  const ta = thin(a, undefined, seed);
  const tb = thin(b, undefined, seed);
  const ratio = bootstrapRatioOfMedians(ta, tb, { seed, resamples: resamplesFor(ta.length, tb.length), confidence: 1 - alpha });
  const halfWidthPct = ratio === null ? 0 : Math.max(ratio.hi - 1, 1 - ratio.lo, 0) * 100;
  return {
    metric,
    n,
    noiseCvPct: cv === null ? null : cv * 100,
    observedChangePct: ratio === null ? null : (ratio.ratio - 1) * 100,
    ratioCi: ratio === null ? null : [ratio.lo, ratio.hi],
    minDetectableChangePct: mdc,
    recommendedThresholdPct: mdc === null ? null : roundUpHalf(Math.max(CALIBRATION_FACTOR * mdc, halfWidthPct, 0.5)),
  };
}

/** Metrics calibrated for a pair of A/A groups: time, plus energy when both sides are measured. */
export function calibrationMetrics(a: GroupSamples, b: GroupSamples): Metric[] {
  return groupQuality(a) === 'measured' && groupQuality(b) === 'measured' ? ['time', 'energy'] : ['time'];
}

/** Calibrates every metric of an A/A pair of groups. */
export function calibrateGroups(a: GroupSamples, b: GroupSamples, options: { alpha?: number; seed?: number } = {}): Calibration[] {
  return calibrationMetrics(a, b).map((metric) => {
    const spec = metricSpec(metric, a.kind, a.workUnit);
    return calibrate(a.series[spec.series] ?? [], b.series[spec.series] ?? [], metric, options);
  });
}

/** A threshold taken from an A/A results file, with what it came from. */
export interface ThresholdFromCalibration {
  thresholdPct: number;
  /** The command line and calibration that set it (the largest recommendation in the file). */
  command: string;
  calibration: Calibration;
  calibrations: Array<{ command: string; calibration: Calibration }>;
}

/**
 * Reads the threshold from a set read from an `ab` A/A results file: the largest recommended threshold over its
 * A/A pairs and metrics. Throws a UsageError when the file holds no A/A pair or too few repetitions.
 */
export function thresholdFromCalibration(set: ResultSet, file: string, options: { alpha?: number; seed?: number } = {}): ThresholdFromCalibration {
  const arms = new Map<string, Partial<Record<Arm, GroupSamples>>>();
  for (const g of set.groups.values()) {
    const parsed = parseArmBenchmark(g.benchmark);
    if (!parsed) continue;
    const entry = arms.get(parsed.command) ?? {};
    entry[parsed.arm] = g;
    arms.set(parsed.command, entry);
  }
  const calibrations: ThresholdFromCalibration['calibrations'] = [];
  for (const [command, pair] of arms) {
    if (!pair.A || !pair.B) continue;
    for (const calibration of calibrateGroups(pair.A, pair.B, options)) calibrations.push({ command, calibration });
  }
  if (calibrations.length === 0) {
    throw new UsageError(`${file}: no A/A calibration in it (rows "[A] <command>" and "[B] <command>" of one command); make one with wattbench ab --out ${file.endsWith('.csv') ? file : 'aa.csv'} -- <command>`);
  }
  let best: ThresholdFromCalibration['calibrations'][number] | null = null;
  for (const c of calibrations) {
    if (c.calibration.recommendedThresholdPct !== null && (best === null || c.calibration.recommendedThresholdPct > (best.calibration.recommendedThresholdPct ?? 0))) best = c;
  }
  if (best === null || best.calibration.recommendedThresholdPct === null) {
    throw new UsageError(`${file}: the A/A calibration has too few valid repetitions (at least 2 per side are needed; use --repeat 10 or more)`);
  }
  return { thresholdPct: best.calibration.recommendedThresholdPct, command: best.command, calibration: best.calibration, calibrations };
}
