/**
 * Keeps the resampling statistics bounded in time on huge inputs. Tests and bootstrap intervals need a window
 * per value, and their cost grows with n × resamples; beyond a few hundred repetitions per side more values only
 * narrow an interval that is already far narrower than any threshold, so large samples are thinned to a seeded
 * uniform subsample and the resample count shrinks with n. Typical samples (a few to a few hundred repetitions)
 * are never touched and get the full 10 000 resamples.
 */
import { DEFAULT_BOOTSTRAP_RESAMPLES } from '../stats/bootstrap.js';
import { mulberry32 } from '../stats/prng.js';

/** Largest number of values per side given to a test or a bootstrap. */
export const MAX_VALUES_PER_SIDE = 1000;
/** Budget of resamples × (values on both sides) for one bootstrap interval. */
export const BOOTSTRAP_BUDGET = 2_000_000;
/** Fewest resamples used, however large the samples. */
export const MIN_RESAMPLES = 1000;

/** Returns the values, or a seeded uniform subsample of `max` of them (without replacement) when there are more. */
export function thin(values: readonly number[], max = MAX_VALUES_PER_SIDE, seed = 1): readonly number[] {
  if (values.length <= max) return values;
  const copy = Float64Array.from(values);
  const random = mulberry32(seed);
  // Partial Fisher–Yates: the first `max` slots end up holding a uniform sample without replacement.
  for (let i = 0; i < max; i++) {
    const j = i + Math.floor(random() * (copy.length - i));
    const swap = copy[i] as number;
    copy[i] = copy[j] as number;
    copy[j] = swap;
  }
  return Array.from(copy.subarray(0, max));
}

/** Bootstrap resamples for samples of these sizes: 10 000 for usual sizes, fewer (never under 1000) for large ones. */
export function resamplesFor(n1: number, n2: number): number {
  const total = Math.max(1, n1 + n2);
  return Math.max(MIN_RESAMPLES, Math.min(DEFAULT_BOOTSTRAP_RESAMPLES, Math.floor(BOOTSTRAP_BUDGET / total)));
}
