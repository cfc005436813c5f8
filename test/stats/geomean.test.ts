import { describe, expect, it } from 'vitest';
import { geometricMean } from '../../src/stats/geomean.js';

describe('geometricMean', () => {
  it('computes the n-th root of the product', () => {
    expect(geometricMean([2, 8])).toBeCloseTo(4, 14);
    expect(geometricMean([1, 3, 9])).toBeCloseTo(3, 14);
    expect(geometricMean([0.5, 2])).toBeCloseTo(1, 14);
    expect(geometricMean([7])).toBeCloseTo(7, 14);
  });

  it('does not overflow on long products', () => {
    // The plain product would be Infinity; summing logarithms keeps the result at 1e300 to ~1e-11 relative.
    expect((geometricMean(Array.from({ length: 400 }, () => 1e300)) ?? 0) / 1e300).toBeCloseTo(1, 10);
    expect((geometricMean(Array.from({ length: 400 }, () => 1e-300)) ?? 0) / 1e-300).toBeCloseTo(1, 10);
  });

  it('returns null for empty input and for any non-positive or non-finite value', () => {
    expect(geometricMean([])).toBeNull();
    expect(geometricMean([1, 0, 2])).toBeNull();
    expect(geometricMean([1, -2])).toBeNull();
    expect(geometricMean([1, Number.NaN])).toBeNull();
    expect(geometricMean([1, Infinity])).toBeNull();
  });
});
