import { describe, expect, it } from 'vitest';
import {
  coefficientOfVariation,
  mean,
  meanConfidenceInterval,
  median,
  medianConfidenceInterval,
  minMax,
  quantile,
  stddev,
  summarize,
  variance,
} from '../../src/stats/descriptive.js';

const oneToTen = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

describe('mean', () => {
  it('averages and returns null for an empty sample', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(mean([-3])).toBe(-3);
    expect(mean([])).toBeNull();
  });

  it('stays exact around a large offset', () => {
    expect(mean([1e9 + 1, 1e9 + 2, 1e9 + 3])).toBe(1e9 + 2);
  });

  it('rejects NaN and infinities', () => {
    expect(() => mean([1, Number.NaN])).toThrow(RangeError);
    expect(() => mean([Infinity])).toThrow(RangeError);
  });
});

describe('quantile (type 7) and median', () => {
  it('interpolates linearly at h = (n - 1)p like R quantile(type = 7)', () => {
    // R: quantile(1:10, c(0, .1, .25, .5, .9, 1)) = 1, 1.9, 3.25, 5.5, 9.1, 10
    expect(quantile(oneToTen, 0)).toBe(1);
    expect(quantile(oneToTen, 0.1)).toBeCloseTo(1.9, 12);
    expect(quantile(oneToTen, 0.25)).toBeCloseTo(3.25, 12);
    expect(quantile(oneToTen, 0.5)).toBe(5.5);
    expect(quantile(oneToTen, 0.9)).toBeCloseTo(9.1, 12);
    expect(quantile(oneToTen, 1)).toBe(10);
  });

  it('accepts unsorted input without changing it', () => {
    const shuffled = [7, 1, 10, 3, 9, 2, 8, 4, 6, 5];
    expect(quantile(shuffled, 0.25)).toBeCloseTo(3.25, 12);
    expect(shuffled).toEqual([7, 1, 10, 3, 9, 2, 8, 4, 6, 5]);
  });

  it('gives the middle value or the mean of the two middle values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([42])).toBe(42);
    expect(median([])).toBeNull();
    expect(quantile([], 0.3)).toBeNull();
  });

  it('rejects p outside [0, 1]', () => {
    expect(() => quantile([1, 2], -0.1)).toThrow(RangeError);
    expect(() => quantile([1, 2], 1.5)).toThrow(RangeError);
    expect(() => quantile([1, 2], Number.NaN)).toThrow(RangeError);
  });
});

describe('variance, stddev, coefficient of variation', () => {
  it('uses the n - 1 denominator', () => {
    // mean 5, squared deviations sum to 32, 32 / 7.
    expect(variance([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(32 / 7, 13);
    expect(stddev([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 13);
    expect(variance([3, 3, 3])).toBe(0);
  });

  it('is numerically stable for values with a large common offset', () => {
    // The classic Welford test: 4, 7, 13, 16 shifted by 1e9 has variance 30.
    expect(variance([1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16])).toBeCloseTo(30, 6);
  });

  it('returns null below two values', () => {
    expect(variance([5])).toBeNull();
    expect(stddev([])).toBeNull();
  });

  it('gives cv as a fraction of |mean| and null when undefined', () => {
    expect(coefficientOfVariation([9, 10, 11])).toBeCloseTo(0.1, 14);
    expect(coefficientOfVariation([-9, -10, -11])).toBeCloseTo(0.1, 14);
    expect(coefficientOfVariation([-1, 1])).toBeNull();
    expect(coefficientOfVariation([5])).toBeNull();
    expect(coefficientOfVariation([])).toBeNull();
  });
});

describe('minMax', () => {
  it('finds the extremes or returns null', () => {
    expect(minMax([3, -1, 7, 2])).toEqual({ min: -1, max: 7 });
    expect(minMax([4])).toEqual({ min: 4, max: 4 });
    expect(minMax([])).toBeNull();
  });
});

describe('meanConfidenceInterval', () => {
  it('is mean ± t(0.975, n - 1)·s/√n', () => {
    // [9, 10, 11]: mean 10, s = 1, t(0.975, 2) = 4.302652729749462, half-width 4.3027/√3 = 2.484137...
    const interval = meanConfidenceInterval([9, 10, 11]);
    expect(interval).not.toBeNull();
    expect(interval?.[0]).toBeCloseTo(10 - 4.302652729749462 / Math.sqrt(3), 10);
    expect(interval?.[1]).toBeCloseTo(10 + 4.302652729749462 / Math.sqrt(3), 10);
  });

  it('uses the requested confidence and returns null below two values', () => {
    // t(0.995, 9) = 3.249835541592126; 1..10 has s = √(55/6).
    const interval = meanConfidenceInterval(oneToTen, 0.99);
    expect(interval?.[1]).toBeCloseTo(5.5 + (3.249835541592126 * Math.sqrt(55 / 6)) / Math.sqrt(10), 10);
    expect(meanConfidenceInterval([1])).toBeNull();
    expect(meanConfidenceInterval([4, 4, 4])).toEqual([4, 4]);
    expect(() => meanConfidenceInterval([1, 2], 1)).toThrow(RangeError);
  });
});

describe('medianConfidenceInterval', () => {
  it('is null below six values at 95%', () => {
    expect(medianConfidenceInterval([1, 2, 3, 4, 5])).toBeNull();
    expect(medianConfidenceInterval([])).toBeNull();
  });

  it('uses the extremes for n = 6 with coverage 1 - 2/64', () => {
    const result = medianConfidenceInterval([6, 2, 5, 1, 4, 3]);
    expect(result).toEqual({ interval: [1, 6], lowerRank: 1, upperRank: 6, coverage: 1 - 2 / 64 });
  });

  it('matches the textbook ranks for n = 10, 20 and 100', () => {
    // n = 10: P(Bin <= 1) = 11/1024 <= 0.025 < P(Bin <= 2) = 56/1024, so ranks 2 and 9.
    const ten = medianConfidenceInterval(oneToTen);
    expect(ten?.interval).toEqual([2, 9]);
    expect(ten?.coverage).toBeCloseTo(1 - 22 / 1024, 14);
    // n = 20: ranks 6 and 15, coverage 1 - 2·P(Bin(20, 1/2) <= 5) = 1 - 2·0.020694732666015625.
    const twenty = medianConfidenceInterval(Array.from({ length: 20 }, (_, i) => 20 - i));
    expect(twenty?.lowerRank).toBe(6);
    expect(twenty?.upperRank).toBe(15);
    expect(twenty?.interval).toEqual([6, 15]);
    expect(twenty?.coverage).toBeCloseTo(1 - 2 * 0.020694732666015625, 14);
    // n = 100: the classic x(40)..x(61).
    const hundred = medianConfidenceInterval(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(hundred?.interval).toEqual([40, 61]);
  });

  it('widens for higher confidence and survives long samples without underflow', () => {
    expect(medianConfidenceInterval(oneToTen, 0.99)?.interval).toEqual([1, 10]);
    const long = medianConfidenceInterval(Array.from({ length: 5000 }, (_, i) => i));
    expect(long).not.toBeNull();
    expect(long?.coverage).toBeGreaterThanOrEqual(0.95);
    expect(long?.coverage).toBeLessThan(0.96);
    // Normal approximation of the rank: n/2 - 1.96·√n/2 ≈ 2430.7.
    expect(Math.abs((long?.lowerRank ?? 0) - 2430.7)).toBeLessThan(2);
  });
});

describe('summarize', () => {
  it('gives nulls for an empty sample', () => {
    expect(summarize([])).toEqual({
      n: 0,
      mean: null,
      median: null,
      stddev: null,
      cv: null,
      min: null,
      max: null,
      meanCi95: null,
      medianCi95: null,
    });
  });

  it('handles one value', () => {
    expect(summarize([5])).toEqual({
      n: 1,
      mean: 5,
      median: 5,
      stddev: null,
      cv: null,
      min: 5,
      max: 5,
      meanCi95: null,
      medianCi95: null,
    });
  });

  it('summarizes a sample', () => {
    const summary = summarize([10, 1, 9, 2, 8, 3, 7, 4, 6, 5]);
    expect(summary.n).toBe(10);
    expect(summary.mean).toBe(5.5);
    expect(summary.median).toBe(5.5);
    expect(summary.stddev).toBeCloseTo(Math.sqrt(55 / 6), 13);
    expect(summary.cv).toBeCloseTo(Math.sqrt(55 / 6) / 5.5, 13);
    expect(summary.min).toBe(1);
    expect(summary.max).toBe(10);
    // t(0.975, 9) = 2.262157162798205
    expect(summary.meanCi95?.[0]).toBeCloseTo(5.5 - (2.262157162798205 * Math.sqrt(55 / 6)) / Math.sqrt(10), 10);
    expect(summary.medianCi95).toEqual([2, 9]);
  });

  it('rejects non-finite values', () => {
    expect(() => summarize([1, 2, Number.NaN])).toThrow(RangeError);
  });
});
