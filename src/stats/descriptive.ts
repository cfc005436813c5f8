/**
 * Descriptive statistics of one sample of repetitions (one number per measurement window).
 * Empty or too-small samples give null rather than NaN or an exception; NaN or infinite values are
 * bugs upstream and throw a RangeError.
 */
import { studentTQuantile } from './distributions.js';
import { assertConfidence, assertFiniteValues } from './input-checks.js';
import { isSortedAscending, quantileOfSorted, sortedAscending } from './sorted-values.js';

/** A closed interval [lo, hi]. */
export type Interval = [lo: number, hi: number];

/** The smallest and largest value of a sample. */
export interface MinMax {
  /** Smallest value. */
  min: number;
  /** Largest value. */
  max: number;
}

/** A distribution-free confidence interval for the median, with the order statistics it uses. */
export interface MedianInterval {
  /** The interval [x(lowerRank), x(upperRank)] of the sorted sample. */
  interval: Interval;
  /** 1-based rank of the lower bound in the sorted sample. */
  lowerRank: number;
  /** 1-based rank of the upper bound in the sorted sample (n + 1 - lowerRank). */
  upperRank: number;
  /** Exact coverage probability for continuous data, 1 - 2·P(Binomial(n, 1/2) <= lowerRank - 1). */
  coverage: number;
}

/** Summary statistics of one sample; every statistic is null when the sample is too small to define it. */
export interface Summary {
  /** Number of values. */
  n: number;
  /** Arithmetic mean (null when n = 0). */
  mean: number | null;
  /** Median, the type-7 0.5 quantile (null when n = 0). */
  median: number | null;
  /** Sample standard deviation with the n - 1 denominator (null when n < 2). */
  stddev: number | null;
  /** Coefficient of variation stddev / |mean| as a fraction (null when n < 2 or the mean is 0). */
  cv: number | null;
  /** Smallest value (null when n = 0). */
  min: number | null;
  /** Largest value (null when n = 0). */
  max: number | null;
  /** Two-sided 95% Student t confidence interval of the mean (null when n < 2). */
  meanCi95: Interval | null;
  /** Distribution-free 95% order-statistic confidence interval of the median (null when n < 6). */
  medianCi95: Interval | null;
}

/** Returns the arithmetic mean, or null for an empty sample. */
export function mean(values: readonly number[]): number | null {
  assertFiniteValues(values, 'mean');
  return meanOfFinite(values);
}

function meanOfFinite(values: readonly number[]): number | null {
  const n = values.length;
  if (n === 0) return null;
  let sum = 0;
  for (const value of values) sum += value;
  const first = sum / n;
  // A second pass over the residuals removes most of the rounding error of the naive sum.
  let residual = 0;
  for (const value of values) residual += value - first;
  return first + residual / n;
}

/**
 * Returns the p-quantile (p in [0, 1]) of sorted or unsorted values, or null for an empty sample.
 * Uses Hyndman–Fan type 7: with the values sorted as x[0..n-1], h = (n - 1)·p and the result is
 * x[⌊h⌋] + (h - ⌊h⌋)·(x[⌊h⌋ + 1] - x[⌊h⌋]), the default of R, NumPy and spreadsheet PERCENTILE.INC.
 */
export function quantile(values: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile: p must be in [0, 1], got ${String(p)}`);
  assertFiniteValues(values, 'quantile');
  if (values.length === 0) return null;
  return quantileOfSorted(isSortedAscending(values) ? values : sortedAscending(values), p);
}

/** Returns the median (the type-7 0.5 quantile: the middle value, or the mean of the two middle values), or null for an empty sample. */
export function median(values: readonly number[]): number | null {
  return quantile(values, 0.5);
}

/** Returns the sample variance with the n - 1 (Bessel) denominator, or null when n < 2. */
export function variance(values: readonly number[]): number | null {
  assertFiniteValues(values, 'variance');
  return varianceOfFinite(values);
}

function varianceOfFinite(values: readonly number[]): number | null {
  const n = values.length;
  const center = meanOfFinite(values);
  if (n < 2 || center === null) return null;
  let sumSquares = 0;
  let sumDeviations = 0;
  for (const value of values) {
    const deviation = value - center;
    sumSquares += deviation * deviation;
    sumDeviations += deviation;
  }
  // Corrected two-pass formula (Chan, Golub & LeVeque): subtracting the residual term cancels rounding in the mean.
  return Math.max(0, (sumSquares - (sumDeviations * sumDeviations) / n) / (n - 1));
}

/** Returns the sample standard deviation (square root of the n - 1 variance), or null when n < 2. */
export function stddev(values: readonly number[]): number | null {
  const v = variance(values);
  return v === null ? null : Math.sqrt(v);
}

/** Returns the coefficient of variation stddev / |mean| as a fraction (0.03 = 3%), or null when n < 2 or the mean is 0. */
export function coefficientOfVariation(values: readonly number[]): number | null {
  const center = mean(values);
  const spread = stddev(values);
  if (center === null || spread === null || center === 0) return null;
  return spread / Math.abs(center);
}

/** Returns the smallest and largest value, or null for an empty sample. */
export function minMax(values: readonly number[]): MinMax | null {
  assertFiniteValues(values, 'minMax');
  if (values.length === 0) return null;
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return { min, max };
}

/**
 * Returns the two-sided Student t confidence interval of the mean, mean ± t(1 - (1 - c)/2, n - 1)·s/√n,
 * or null when n < 2.
 */
export function meanConfidenceInterval(values: readonly number[], confidence = 0.95): Interval | null {
  assertConfidence(confidence, 'meanConfidenceInterval');
  const center = mean(values);
  const spread = stddev(values);
  if (center === null || spread === null) return null;
  const halfWidth = studentTQuantile(1 - (1 - confidence) / 2, values.length - 1) * (spread / Math.sqrt(values.length));
  return [center - halfWidth, center + halfWidth];
}

/**
 * Returns a distribution-free confidence interval of the median from order statistics, or null when no
 * symmetric pair of ranks reaches the requested coverage (for 95%: when n < 6).
 * For continuous data the interval [x(l), x(n+1-l)] of the sorted sample covers the population median
 * with probability 1 - 2·P(Binomial(n, 1/2) <= l - 1) exactly; the largest l whose coverage is still at
 * least `confidence` is chosen, so the interval is the narrowest symmetric one that is not anti-conservative
 * (n = 6 gives [x(1), x(6)] at 96.9%; n = 20 gives [x(6), x(15)] at 95.9%). Ties make it conservative.
 */
export function medianConfidenceInterval(values: readonly number[], confidence = 0.95): MedianInterval | null {
  assertConfidence(confidence, 'medianConfidenceInterval');
  assertFiniteValues(values, 'medianConfidenceInterval');
  const n = values.length;
  if (n === 0) return null;
  const allowedTailMass = (1 - confidence) / 2;
  // Binomial(n, 1/2) probabilities in log space, so that 2^-n does not underflow for long samples.
  let logProbability = -n * Math.LN2;
  let cumulative = 0;
  let lowerRank = 0;
  for (let k = 0; 2 * k < n; k++) {
    const probability = Math.exp(logProbability);
    if (cumulative + probability > allowedTailMass * (1 + 1e-12)) break;
    cumulative += probability;
    lowerRank = k + 1;
    logProbability += Math.log((n - k) / (k + 1));
  }
  if (lowerRank === 0) return null;
  const sorted = sortedAscending(values);
  const upperRank = n + 1 - lowerRank;
  return {
    interval: [sorted[lowerRank - 1] as number, sorted[upperRank - 1] as number],
    lowerRank,
    upperRank,
    coverage: 1 - 2 * cumulative,
  };
}

/** Returns n, mean, median, stddev, cv, min, max and 95% intervals of the mean and the median of one sample. */
export function summarize(values: readonly number[]): Summary {
  assertFiniteValues(values, 'summarize');
  const range = minMax(values);
  return {
    n: values.length,
    mean: mean(values),
    median: median(values),
    stddev: stddev(values),
    cv: coefficientOfVariation(values),
    min: range?.min ?? null,
    max: range?.max ?? null,
    meanCi95: meanConfidenceInterval(values, 0.95),
    medianCi95: medianConfidenceInterval(values, 0.95)?.interval ?? null,
  };
}
