/**
 * Geometric mean, the right average for ratios (e.g. per-kernel speedups or joule ratios across a suite).
 */

/** Returns the geometric mean of positive finite values, or null when the list is empty or any value is not a finite positive number. */
export function geometricMean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sumOfLogs = 0;
  for (const value of values) {
    if (!(value > 0) || !Number.isFinite(value)) return null;
    // Summing logarithms avoids the overflow or underflow of a long product.
    sumOfLogs += Math.log(value);
  }
  return Math.exp(sumOfLogs / values.length);
}
