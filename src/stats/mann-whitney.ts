/**
 * Two-sided Mann–Whitney U (Wilcoxon rank-sum) test of two independent samples: does one tend to give
 * larger values than the other? Exact null distribution for small samples without ties, otherwise the
 * tie-corrected normal approximation with continuity correction (the scipy.stats.mannwhitneyu defaults).
 */
import { normalSurvival } from './distributions.js';
import { assertFiniteValues } from './input-checks.js';

/** With no ties, the exact distribution is used automatically when n1·n2 is at most this (e.g. 20 × 20). */
export const MANN_WHITNEY_EXACT_MAX_PAIRS = 400;

/** Largest n1·n2 for which an explicitly requested exact test is honoured (its cost grows as (n1·n2)²). */
export const MANN_WHITNEY_EXACT_LIMIT_PAIRS = 10_000;

/** How the p-value was computed. */
export type MannWhitneyMethod = 'exact' | 'normal';

/** Options of the Mann–Whitney U test. */
export interface MannWhitneyOptions {
  /**
   * 'auto' (default): exact when there are no ties and n1·n2 <= 400, normal otherwise.
   * 'exact': exact whenever there are no ties and n1·n2 <= 10 000, normal otherwise.
   * 'normal': always the normal approximation. The result's `method` says which was used.
   */
  method?: 'auto' | MannWhitneyMethod;
}

/** Result of a two-sided Mann–Whitney U test. */
export interface MannWhitneyResult {
  /**
   * U of the first sample: the number of pairs (x from first, y from second) with x > y, ties counting 1/2.
   * It ranges over [0, n1·n2]; n1·n2/2 means no tendency either way.
   */
  u: number;
  /**
   * Standardized statistic of the normal approximation, (U - n1·n2/2 ∓ 1/2)/σ with continuity correction
   * towards zero; positive when the first sample tends to be larger. Null for the exact method.
   */
  z: number | null;
  /** Two-sided p-value, in (0, 1]. */
  pValue: number;
  /** Whether the p-value comes from the exact distribution or the normal approximation. */
  method: MannWhitneyMethod;
}

interface Ranking {
  /** Sum of the (mid)ranks of the first sample in the combined sample. */
  firstRankSum: number;
  /** Σ (t³ - t) over groups of t tied values; 0 when there are no ties. */
  tieTerm: number;
}

interface PooledValue {
  value: number;
  isFirst: boolean;
}

function rankFirstSample(first: readonly number[], second: readonly number[]): Ranking {
  const pooled: PooledValue[] = [
    ...first.map((value) => ({ value, isFirst: true })),
    ...second.map((value) => ({ value, isFirst: false })),
  ];
  pooled.sort((left, right) => left.value - right.value);
  const at = (index: number): PooledValue => pooled[index] as PooledValue;
  let firstRankSum = 0;
  let tieTerm = 0;
  let start = 0;
  while (start < pooled.length) {
    let end = start;
    while (end + 1 < pooled.length && at(end + 1).value === at(start).value) end++;
    const groupSize = end - start + 1;
    // Positions start..end hold the 1-based ranks start+1..end+1; each tied value gets their average.
    const midrank = (start + end + 2) / 2;
    for (let i = start; i <= end; i++) if (at(i).isFirst) firstRankSum += midrank;
    tieTerm += groupSize ** 3 - groupSize;
    start = end + 1;
  }
  return { firstRankSum, tieTerm };
}

/**
 * Returns P(U = u) for u = 0..n1·n2 under the null hypothesis with no ties.
 * Recurrence on the largest observation: it comes from the first sample with probability n1/(n1+n2),
 * and then beats all n2 values of the second, so p(u; n1, n2) = n1/(n1+n2)·p(u - n2; n1 - 1, n2) +
 * n2/(n1+n2)·p(u; n1, n2 - 1). Only additions of positive terms, so no cancellation and no overflow.
 */
export function exactUDistribution(n1: number, n2: number): Float64Array {
  let previousRow: Float64Array[] = Array.from({ length: n2 + 1 }, () => Float64Array.of(1));
  for (let i = 1; i <= n1; i++) {
    const row: Float64Array[] = [Float64Array.of(1)];
    for (let j = 1; j <= n2; j++) {
      const distribution = new Float64Array(i * j + 1);
      const firstIsLargest = i / (i + j);
      const secondIsLargest = j / (i + j);
      const withoutFirst = previousRow[j] as Float64Array;
      for (let u = 0; u < withoutFirst.length; u++) distribution[u + j] = firstIsLargest * (withoutFirst[u] as number);
      const withoutSecond = row[j - 1] as Float64Array;
      for (let u = 0; u < withoutSecond.length; u++) distribution[u] = (distribution[u] as number) + secondIsLargest * (withoutSecond[u] as number);
      row.push(distribution);
    }
    previousRow = row;
  }
  return previousRow[n2] as Float64Array;
}

/**
 * Runs a two-sided Mann–Whitney U test of `first` against `second`, or returns null when either is empty.
 * Exact: p = min(1, 2·P(U <= min(U1, n1·n2 - U1))). Normal: σ² = n1·n2/12·((N + 1) - Σ(t³ - t)/(N(N - 1))),
 * z = sign(U1 - μ)·max(0, |U1 - μ| - 1/2)/σ with μ = n1·n2/2, p = 2·P(Z > |z|); when every value is tied
 * (σ = 0) the samples carry no evidence and z = 0, p = 1.
 */
export function mannWhitneyU(first: readonly number[], second: readonly number[], opts: MannWhitneyOptions = {}): MannWhitneyResult | null {
  assertFiniteValues(first, 'mannWhitneyU (first)');
  assertFiniteValues(second, 'mannWhitneyU (second)');
  const n1 = first.length;
  const n2 = second.length;
  if (n1 === 0 || n2 === 0) return null;
  const { firstRankSum, tieTerm } = rankFirstSample(first, second);
  const pairs = n1 * n2;
  const u = firstRankSum - (n1 * (n1 + 1)) / 2;
  const requested = opts.method ?? 'auto';
  const exactLimit = requested === 'exact' ? MANN_WHITNEY_EXACT_LIMIT_PAIRS : requested === 'auto' ? MANN_WHITNEY_EXACT_MAX_PAIRS : -1;

  if (tieTerm === 0 && pairs <= exactLimit) {
    const distribution = exactUDistribution(n1, n2);
    // Without ties U is an integer; round away the float noise of the rank sum before indexing.
    const smallerU = Math.round(Math.min(u, pairs - u));
    let lowerTail = 0;
    for (let k = 0; k <= smallerU; k++) lowerTail += distribution[k] as number;
    return { u, z: null, pValue: Math.min(1, 2 * lowerTail), method: 'exact' };
  }

  const n = n1 + n2;
  const mu = pairs / 2;
  const sigma = Math.sqrt((pairs / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  if (!(sigma > 0)) return { u, z: 0, pValue: 1, method: 'normal' };
  const distance = Math.max(0, Math.abs(u - mu) - 0.5);
  const z = (Math.sign(u - mu) * distance) / sigma;
  return { u, z: z === 0 ? 0 : z, pValue: Math.min(1, 2 * normalSurvival(Math.abs(z))), method: 'normal' };
}
