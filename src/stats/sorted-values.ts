/**
 * Order-statistic helpers shared by the descriptive and resampling code.
 */

/** Returns a new ascending Float64Array copy of the values (the input is left untouched). */
export function sortedAscending(values: ArrayLike<number>): Float64Array {
  // Typed-array sort is numeric by default (no comparator pitfalls) and fast in the bootstrap loop.
  return Float64Array.from(values).sort();
}

/** Reports whether the values are already in non-decreasing order. */
export function isSortedAscending(values: ArrayLike<number>): boolean {
  for (let i = 1; i < values.length; i++) {
    if ((values[i] as number) < (values[i - 1] as number)) return false;
  }
  return true;
}

/**
 * Returns the type-7 (linear interpolation) quantile of already-sorted, non-empty values for p in [0, 1].
 * Type 7 (Hyndman & Fan 1996; the default of R, NumPy and Excel's PERCENTILE.INC) places the quantile at
 * h = (n - 1) * p on the 0-based index scale and interpolates linearly between the neighbouring values.
 */
export function quantileOfSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  const h = (n - 1) * p;
  const below = Math.floor(h);
  const lower = sorted[below] as number;
  if (below >= n - 1) return sorted[n - 1] as number;
  const upper = sorted[below + 1] as number;
  const fraction = h - below;
  return fraction === 0 ? lower : lower + fraction * (upper - lower);
}
