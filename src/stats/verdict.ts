/**
 * The comparison verdict of a current sample against a baseline sample (one number per repetition).
 *
 * Decision rules, applied in order (δ = thresholdPct/100, ratio = median(current)/median(baseline),
 * CI = percentile bootstrap interval of the ratio at confidence 1 - alpha, p = two-sided Mann–Whitney U):
 * 1. `inconclusive` when either side has fewer than `minRepetitions` values, or the ratio is undefined
 *    (a value <= 0).
 * 2. `regressed` / `improved` when the change is significant in one direction AND larger than the threshold:
 *    a drop needs p < alpha, CI hi < 1 and ratio < 1 - δ; a rise needs p < alpha, CI lo > 1 and ratio > 1 + δ.
 *    A drop is a regression when higher is better (throughput, work per joule) and an improvement otherwise.
 * 3. `inconclusive` (too noisy to decide) when either side's coefficient of variation exceeds `maxCvFraction`, or
 *    the CI is wider than the threshold band, hi - lo > 2δ: a threshold-sized change could then neither be
 *    told apart from no change nor ruled out, whatever the point estimate.
 * 4. `inconclusive` when the point estimate is beyond 1 ± δ but the change is not significant by both tests.
 * 5. `unchanged` otherwise: the estimate is within 1 ± δ and the CI is narrow enough to trust it (a change
 *    that is significant but smaller than the threshold is also `unchanged`).
 * Rule 3 looks at the CI's width rather than at where it lies: in A/A runs the point estimate wanders by
 * one standard error, about half the CI's half-width, so a location rule such as "the CI straddles 1 and
 * reaches beyond 1 - δ" calls about 10% of identical runs inconclusive (10 reps each, CV 3%, δ = 5%, seeded
 * simulation), while the width rule calls about 2% inconclusive.
 */
import { bootstrapRatioOfMedians, DEFAULT_BOOTSTRAP_RESAMPLES } from './bootstrap.js';
import { type Interval, type Summary, coefficientOfVariation, summarize } from './descriptive.js';
import { studentTQuantile } from './distributions.js';
import { assertIntegerAtLeast } from './input-checks.js';
import { mannWhitneyU } from './mann-whitney.js';
import { DEFAULT_ALPHA, DEFAULT_COMPARE_SEED, DEFAULT_MAX_CV_FRACTION, DEFAULT_MIN_REPETITIONS, DEFAULT_THRESHOLD_PCT } from './verdict-defaults.js';

export { DEFAULT_ALPHA, DEFAULT_COMPARE_SEED, DEFAULT_MAX_CV_FRACTION, DEFAULT_MIN_REPETITIONS, DEFAULT_THRESHOLD_PCT };

/** Outcome of a comparison. */
export type Verdict = 'regressed' | 'improved' | 'unchanged' | 'inconclusive';

/** Options of a baseline/current comparison. */
export interface CompareOptions {
  /** True for throughput-like metrics (ops/s, work per joule), false for cost-like ones (seconds, joules). */
  higherIsBetter: boolean;
  /** Smallest change in percent that counts as a regression or improvement (default 5). */
  thresholdPct?: number;
  /** Significance level (default 0.05); the ratio's bootstrap CI is computed at confidence 1 - alpha. */
  alpha?: number;
  /** Fewer repetitions than this on either side makes the verdict `inconclusive` (default 3). */
  minRepetitions?: number;
  /** Seed of the bootstrap (default DEFAULT_COMPARE_SEED). */
  seed?: number;
  /** Bootstrap resamples (default 10 000). */
  resamples?: number;
  /** Largest coefficient of variation (fraction) on either side at which `unchanged` may be claimed (default 0.2; null disables). */
  maxCvFraction?: number | null;
}

/** Result of comparing a current sample with a baseline sample. */
export interface Comparison {
  /** The decision, by the rules documented in this module. */
  verdict: Verdict;
  /** median(current) / median(baseline), or null when undefined (an empty sample or a value <= 0). */
  ratio: number | null;
  /** Bootstrap confidence interval (confidence 1 - alpha) of the ratio, or null when the ratio is undefined. */
  ci: Interval | null;
  /** Two-sided Mann–Whitney U p-value, or null when a sample is empty. */
  pValue: number | null;
  /** (ratio - 1)·100: the change of the median from baseline to current in percent, or null. */
  changePct: number | null;
  /** One human sentence explaining the verdict. */
  reason: string;
  /** Summary of the baseline sample. */
  baseline: Summary;
  /** Summary of the current sample. */
  current: Summary;
}

/** Options of the minimum detectable change estimate. */
export interface DetectableChangeOptions {
  /** Significance level of the planned comparison (default 0.05). */
  alpha?: number;
  /** Repetitions per side of the planned comparison (default: the number of A/A samples given). */
  repetitions?: number;
}

function formatPercent(value: number): string {
  // One decimal reads best, but a tiny non-zero change must not print as "0%".
  const rounded = Math.abs(value) < 0.1 && value !== 0 ? Number(value.toPrecision(1)) : Number(value.toFixed(1));
  return `${rounded.toString()}%`;
}

function formatRatio(value: number): string {
  return value.toFixed(3);
}

function formatP(p: number): string {
  return p < 0.0001 ? 'p < 0.0001' : `p = ${Number(p.toPrecision(2)).toString()}`;
}

function describeChange(changePct: number): string {
  if (changePct === 0) return 'did not change';
  return `${changePct < 0 ? 'fell' : 'rose'} ${formatPercent(Math.abs(changePct))}`;
}

/**
 * Compares `current` with `baseline` (one value per repetition) and returns a verdict with the ratio of
 * medians, its bootstrap CI, the Mann–Whitney p-value and a one-sentence reason; see the module rules.
 */
export function compareSamples(baseline: readonly number[], current: readonly number[], opts: CompareOptions): Comparison {
  const thresholdPct = opts.thresholdPct ?? DEFAULT_THRESHOLD_PCT;
  const alpha = opts.alpha ?? DEFAULT_ALPHA;
  const minRepetitions = opts.minRepetitions ?? DEFAULT_MIN_REPETITIONS;
  const maxCv = opts.maxCvFraction === undefined ? DEFAULT_MAX_CV_FRACTION : opts.maxCvFraction;
  if (!(thresholdPct >= 0) || !Number.isFinite(thresholdPct)) throw new RangeError(`compareSamples: thresholdPct must be a finite number >= 0, got ${String(thresholdPct)}`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`compareSamples: alpha must be strictly between 0 and 1, got ${String(alpha)}`);
  if (maxCv !== null && !(maxCv >= 0)) throw new RangeError(`compareSamples: maxCvFraction must be >= 0 or null, got ${String(maxCv)}`);
  assertIntegerAtLeast(minRepetitions, 1, 'minRepetitions', 'compareSamples');

  const baselineSummary = summarize(baseline);
  const currentSummary = summarize(current);
  const test = mannWhitneyU(baseline, current);
  const confidence = 1 - alpha;
  const bootstrap = bootstrapRatioOfMedians(baseline, current, {
    seed: opts.seed ?? DEFAULT_COMPARE_SEED,
    resamples: opts.resamples ?? DEFAULT_BOOTSTRAP_RESAMPLES,
    confidence,
  });
  const ratio = bootstrap?.ratio ?? null;
  const ci: Interval | null = bootstrap === null ? null : [bootstrap.lo, bootstrap.hi];
  const pValue = test?.pValue ?? null;
  const changePct = ratio === null ? null : (ratio - 1) * 100;
  const decide = (verdict: Verdict, reason: string): Comparison => ({
    verdict,
    ratio,
    ci,
    pValue,
    changePct,
    reason,
    baseline: baselineSummary,
    current: currentSummary,
  });

  if (baseline.length < minRepetitions || current.length < minRepetitions) {
    return decide(
      'inconclusive',
      `Inconclusive: too few repetitions (baseline ${baseline.length}, current ${current.length}); at least ${minRepetitions} on each side are needed.`,
    );
  }
  if (ratio === null || ci === null || pValue === null || changePct === null) {
    return decide('inconclusive', 'Inconclusive: the ratio of medians is undefined because a sample holds a value that is zero or negative.');
  }

  const threshold = thresholdPct / 100;
  const [lo, hi] = ci;
  const confidenceText = `${Number((confidence * 100).toFixed(2)).toString()}% CI [${formatRatio(lo)}, ${formatRatio(hi)}]`;
  const evidence = `current/baseline ${formatRatio(ratio)}, ${confidenceText}, Mann–Whitney ${formatP(pValue)}`;
  const thresholdText = `the ${formatPercent(thresholdPct)} threshold`;
  const significant = pValue < alpha;
  const significantDrop = significant && hi < 1;
  const significantRise = significant && lo > 1;
  const beyondDrop = ratio < 1 - threshold;
  const beyondRise = ratio > 1 + threshold;

  if ((significantDrop && beyondDrop) || (significantRise && beyondRise)) {
    const isBad = beyondDrop === opts.higherIsBetter;
    const label = isBad ? 'Regressed' : 'Improved';
    return decide(
      isBad ? 'regressed' : 'improved',
      `${label}: the median ${describeChange(changePct)} (${evidence}), beyond ${thresholdText} where ${opts.higherIsBetter ? 'higher' : 'lower'} is better.`,
    );
  }

  if (maxCv !== null) {
    const noisySide = [
      { side: 'baseline', cv: baselineSummary.cv },
      { side: 'current', cv: currentSummary.cv },
    ].find((entry) => entry.cv !== null && entry.cv > maxCv);
    if (noisySide !== undefined && noisySide.cv !== null) {
      return decide(
        'inconclusive',
        `Inconclusive: too noisy to decide, the ${noisySide.side} coefficient of variation is ${formatPercent(noisySide.cv * 100)} (limit ${formatPercent(maxCv * 100)}; ${evidence}).`,
      );
    }
  }
  if (hi - lo > 2 * threshold) {
    return decide(
      'inconclusive',
      `Inconclusive: too noisy to decide, the ${confidenceText} of current/baseline is wider than ±${formatPercent(thresholdPct)} (median ${describeChange(changePct)}, Mann–Whitney ${formatP(pValue)}).`,
    );
  }
  if (beyondDrop || beyondRise) {
    return decide(
      'inconclusive',
      `Inconclusive: the median ${describeChange(changePct)}, beyond ${thresholdText}, but the change is not significant (${evidence}); more repetitions are needed.`,
    );
  }
  return decide(
    'unchanged',
    `Unchanged: the median ${describeChange(changePct)} (${evidence}), ${significant && (hi < 1 || lo > 1) ? 'a significant change but ' : ''}within ${thresholdText}.`,
  );
}

/**
 * Returns, from A/A samples of one configuration, the smallest change in percent that a comparison with
 * `repetitions` values per side can tell from noise at level alpha, or null when fewer than 2 samples or
 * the mean is 0. Method: the half-width of the two-sample t interval of the relative difference of means,
 * t(1 - alpha/2, 2(n - 1))·cv·√(2/n)·100 with n = repetitions; a change of this size just reaches
 * significance (about 50% power). The verdict compares medians, which for Gaussian noise need about 1.25×
 * this change, so use it as a lower bound when choosing thresholdPct.
 */
export function minDetectableChangePct(samples: readonly number[], opts: DetectableChangeOptions = {}): number | null {
  const alpha = opts.alpha ?? DEFAULT_ALPHA;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`minDetectableChangePct: alpha must be strictly between 0 and 1, got ${String(alpha)}`);
  const cv = coefficientOfVariation(samples);
  if (cv === null) return null;
  const repetitions = opts.repetitions ?? samples.length;
  assertIntegerAtLeast(repetitions, 2, 'repetitions', 'minDetectableChangePct');
  const t = studentTQuantile(1 - alpha / 2, 2 * (repetitions - 1));
  return t * cv * Math.sqrt(2 / repetitions) * 100;
}
