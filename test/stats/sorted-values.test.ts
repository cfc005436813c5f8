import { describe, expect, it } from 'vitest';
import { isSortedAscending, quantileOfSorted, sortedAscending } from '../../src/stats/sorted-values.js';

describe('sorted-values helpers', () => {
  it('sorts numerically, not lexicographically', () => {
    expect(Array.from(sortedAscending([10, 9, 100, -1]))).toEqual([-1, 9, 10, 100]);
  });

  it('detects order', () => {
    expect(isSortedAscending([1, 1, 2])).toBe(true);
    expect(isSortedAscending([2, 1])).toBe(false);
    expect(isSortedAscending([])).toBe(true);
  });

  it('interpolates between neighbours and clamps at the ends', () => {
    expect(quantileOfSorted([0, 10], 0.3)).toBeCloseTo(3, 14);
    expect(quantileOfSorted([0, 10], 1)).toBe(10);
    expect(quantileOfSorted([7], 0.5)).toBe(7);
  });
});
