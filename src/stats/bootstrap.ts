/**
 * Seeded percentile bootstrap confidence intervals. Every interval is reproducible from its seed:
 * resampling draws indices from one mulberry32 stream, never from Math.random.
 */
import { assertConfidence, assertFiniteValues, assertIntegerAtLeast } from './input-checks.js';
import { mulberry32 } from './prng.js';
import { quantileOfSorted } from './sorted-values.js';

/** Default number of bootstrap resamples. */
export const DEFAULT_BOOTSTRAP_RESAMPLES = 10_000;

/** Options of a percentile bootstrap. */
export interface BootstrapOptions {
  /** Number of resamples (default 10 000); the Monte Carlo error of the bounds shrinks as 1/√resamples. */
  resamples?: number;
  /** 32-bit seed of the mulberry32 stream that draws the resampled indices. */
  seed: number;
  /** Two-sided confidence level of the interval (default 0.95). */
  confidence?: number;
}

/** A point estimate with its bootstrap confidence interval. */
export interface BootstrapInterval {
  /** The statistic of the original sample. */
  estimate: number;
  /** Lower bound: the (1 - confidence)/2 quantile of the resampled statistics. */
  lo: number;
  /** Upper bound: the (1 + confidence)/2 quantile of the resampled statistics. */
  hi: number;
}

/** The ratio of medians current/baseline with its bootstrap confidence interval. */
export interface RatioInterval {
  /** median(current) / median(baseline): above 1 means current is larger than baseline. */
  ratio: number;
  /** Lower bound of the ratio's percentile bootstrap interval. */
  lo: number;
  /** Upper bound of the ratio's percentile bootstrap interval. */
  hi: number;
}

interface ResolvedOptions {
  resamples: number;
  seed: number;
  confidence: number;
}

function resolveOptions(opts: BootstrapOptions, where: string): ResolvedOptions {
  const resamples = opts.resamples ?? DEFAULT_BOOTSTRAP_RESAMPLES;
  const confidence = opts.confidence ?? 0.95;
  assertIntegerAtLeast(resamples, 1, 'resamples', where);
  assertConfidence(confidence, where);
  if (!Number.isFinite(opts.seed)) throw new RangeError(`${where}: seed must be a finite number, got ${String(opts.seed)}`);
  return { resamples, seed: opts.seed, confidence };
}

/** Returns the percentile interval of the replicates (sorted in place), or null if any replicate is not finite. */
function percentileInterval(replicates: Float64Array, confidence: number): [number, number] | null {
  for (const replicate of replicates) if (!Number.isFinite(replicate)) return null;
  replicates.sort();
  const tail = (1 - confidence) / 2;
  return [quantileOfSorted(replicates, tail), quantileOfSorted(replicates, 1 - tail)];
}

/** Fills `target` with a with-replacement resample of `source` drawn from `random`. */
function resampleInto(target: Float64Array, source: ArrayLike<number>, random: () => number): void {
  const n = source.length;
  for (let i = 0; i < target.length; i++) target[i] = source[Math.floor(random() * n)] as number;
}

/** Arrays up to this length are sorted by insertion sort, which beats the native sort's call overhead there. */
const INSERTION_SORT_MAX_LENGTH = 64;

/** Returns the median of the values, sorting the scratch array in place. */
function medianInPlace(values: Float64Array): number {
  if (values.length <= INSERTION_SORT_MAX_LENGTH) {
    for (let i = 1; i < values.length; i++) {
      const value = values[i] as number;
      let j = i - 1;
      while (j >= 0 && (values[j] as number) > value) {
        values[j + 1] = values[j] as number;
        j--;
      }
      values[j + 1] = value;
    }
  } else {
    values.sort();
  }
  const middle = values.length >> 1;
  const upper = values[middle] as number;
  return values.length % 2 === 1 ? upper : ((values[middle - 1] as number) + upper) / 2;
}

/**
 * Returns the percentile bootstrap confidence interval of any statistic of one sample, or null when the
 * sample is empty or the statistic is not finite on the sample or on some resample.
 * The statistic receives each resample as a scratch array that is reused afterwards, so it must not keep it.
 */
export function bootstrapCi(
  sample: readonly number[],
  statistic: (values: readonly number[]) => number,
  opts: BootstrapOptions,
): BootstrapInterval | null {
  const { resamples, seed, confidence } = resolveOptions(opts, 'bootstrapCi');
  assertFiniteValues(sample, 'bootstrapCi');
  const n = sample.length;
  if (n === 0) return null;
  const estimate = statistic(sample);
  if (!Number.isFinite(estimate)) return null;
  const random = mulberry32(seed);
  const scratch: number[] = new Array<number>(n).fill(0);
  const replicates = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) scratch[i] = sample[Math.floor(random() * n)] as number;
    replicates[r] = statistic(scratch);
  }
  const bounds = percentileInterval(replicates, confidence);
  return bounds === null ? null : { estimate, lo: bounds[0], hi: bounds[1] };
}

/**
 * Returns the ratio of medians median(current) / median(baseline) of two independent samples with its
 * seeded percentile bootstrap confidence interval (each sample resampled with replacement on its own),
 * or null when either sample is empty or holds a value <= 0 (a ratio of medians needs positive data).
 * Direction: ratio 1.10 means current is 10% larger than baseline, whatever the metric.
 */
export function bootstrapRatioOfMedians(
  baseline: readonly number[],
  current: readonly number[],
  opts: BootstrapOptions,
): RatioInterval | null {
  const { resamples, seed, confidence } = resolveOptions(opts, 'bootstrapRatioOfMedians');
  assertFiniteValues(baseline, 'bootstrapRatioOfMedians (baseline)');
  assertFiniteValues(current, 'bootstrapRatioOfMedians (current)');
  if (baseline.length === 0 || current.length === 0) return null;
  if (baseline.some((value) => value <= 0) || current.some((value) => value <= 0)) return null;
  const ratio = medianInPlace(Float64Array.from(current)) / medianInPlace(Float64Array.from(baseline));
  const random = mulberry32(seed);
  const baselineScratch = new Float64Array(baseline.length);
  const currentScratch = new Float64Array(current.length);
  const replicates = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    resampleInto(baselineScratch, baseline, random);
    resampleInto(currentScratch, current, random);
    replicates[r] = medianInPlace(currentScratch) / medianInPlace(baselineScratch);
  }
  const bounds = percentileInterval(replicates, confidence);
  return bounds === null ? null : { ratio, lo: bounds[0], hi: bounds[1] };
}
