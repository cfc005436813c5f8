import { describe, expect, it } from 'vitest';
import { bootstrapCi, bootstrapRatioOfMedians } from '../../src/stats/bootstrap.js';
import { mean, median } from '../../src/stats/descriptive.js';
import { lognormalSample, seededNormal } from './simulated-samples.js';

const normal = seededNormal(2024);
const baselineSample = lognormalSample(normal, 15, 100, 0.02);
const currentSample = lognormalSample(normal, 15, 110, 0.02);

describe('bootstrapRatioOfMedians', () => {
  it('reports current/baseline as the ratio', () => {
    const result = bootstrapRatioOfMedians(baselineSample, currentSample, { seed: 1, resamples: 2000 });
    expect(result?.ratio).toBe((median(currentSample) ?? Number.NaN) / (median(baselineSample) ?? Number.NaN));
    expect(result?.ratio).toBeGreaterThan(1.05);
    expect(result?.lo).toBeLessThanOrEqual(result?.ratio ?? Number.NaN);
    expect(result?.hi).toBeGreaterThanOrEqual(result?.ratio ?? Number.NaN);
  });

  it('is deterministic for a seed and moves slightly with another seed', () => {
    const first = bootstrapRatioOfMedians(baselineSample, currentSample, { seed: 7, resamples: 2000 });
    const again = bootstrapRatioOfMedians(baselineSample, currentSample, { seed: 7, resamples: 2000 });
    const other = bootstrapRatioOfMedians(baselineSample, currentSample, { seed: 8, resamples: 2000 });
    expect(again).toEqual(first);
    expect(other?.ratio).toBe(first?.ratio);
    expect(other?.lo === first?.lo && other?.hi === first?.hi).toBe(false);
    expect(Math.abs((other?.lo ?? 0) - (first?.lo ?? 1))).toBeLessThan(0.01);
    expect(Math.abs((other?.hi ?? 0) - (first?.hi ?? 1))).toBeLessThan(0.01);
  });

  it('contains the true ratio for clean data', () => {
    const result = bootstrapRatioOfMedians(baselineSample, currentSample, { seed: 3 });
    expect(result?.lo).toBeLessThan(1.1);
    expect(result?.hi).toBeGreaterThan(1.1);
    expect((result?.hi ?? 0) - (result?.lo ?? 1)).toBeLessThan(0.05);
  });

  it('covers the true ratio in most of many independent experiments', () => {
    const noise = seededNormal(99);
    let covered = 0;
    const trials = 100;
    for (let trial = 0; trial < trials; trial++) {
      const baseline = lognormalSample(noise, 21, 50, 0.05);
      const current = lognormalSample(noise, 21, 40, 0.05);
      // The lognormal median is mean·exp(-σ²/2) on both sides, so the true ratio of medians is 40/50.
      const result = bootstrapRatioOfMedians(baseline, current, { seed: trial, resamples: 1000 });
      if (result !== null && result.lo <= 0.8 && 0.8 <= result.hi) covered++;
    }
    expect(covered).toBeGreaterThanOrEqual(85);
  });

  it('gives a degenerate interval for constant samples', () => {
    expect(bootstrapRatioOfMedians([2, 2, 2], [3, 3, 3], { seed: 1, resamples: 100 })).toEqual({ ratio: 1.5, lo: 1.5, hi: 1.5 });
  });

  it('matches the hand-computed interval of a tiny case', () => {
    // baseline [1]; current [1, 2] resamples to medians 1, 1.5, 2 with probabilities 1/4, 1/2, 1/4,
    // so the 2.5% and 97.5% percentiles are 1 and 2.
    expect(bootstrapRatioOfMedians([1], [1, 2], { seed: 5, resamples: 4000 })).toEqual({ ratio: 1.5, lo: 1, hi: 2 });
  });

  it('nests intervals of increasing confidence for the same seed', () => {
    const narrow = bootstrapRatioOfMedians(baselineSample, currentSample, { seed: 11, resamples: 2000, confidence: 0.8 });
    const wide = bootstrapRatioOfMedians(baselineSample, currentSample, { seed: 11, resamples: 2000, confidence: 0.99 });
    expect(wide?.lo).toBeLessThan(narrow?.lo ?? Number.NaN);
    expect(wide?.hi).toBeGreaterThan(narrow?.hi ?? Number.NaN);
  });

  it('returns null when the ratio is undefined', () => {
    expect(bootstrapRatioOfMedians([], [1], { seed: 1 })).toBeNull();
    expect(bootstrapRatioOfMedians([1, 2], [], { seed: 1 })).toBeNull();
    expect(bootstrapRatioOfMedians([0, 1, 2], [1, 2, 3], { seed: 1 })).toBeNull();
    expect(bootstrapRatioOfMedians([1, 2, 3], [-1, 2, 3], { seed: 1 })).toBeNull();
  });

  it('rejects invalid options and non-finite data', () => {
    expect(() => bootstrapRatioOfMedians([1], [1], { seed: 1, resamples: 0 })).toThrow(RangeError);
    expect(() => bootstrapRatioOfMedians([1], [1], { seed: 1, resamples: 2.5 })).toThrow(RangeError);
    expect(() => bootstrapRatioOfMedians([1], [1], { seed: 1, confidence: 1 })).toThrow(RangeError);
    expect(() => bootstrapRatioOfMedians([1], [1], { seed: Number.NaN })).toThrow(RangeError);
    expect(() => bootstrapRatioOfMedians([1, Infinity], [1], { seed: 1 })).toThrow(RangeError);
  });
});

describe('bootstrapCi', () => {
  const sample = lognormalSample(seededNormal(5), 40, 10, 0.1);
  const meanOf = (values: readonly number[]): number => mean(values) ?? Number.NaN;

  it('brackets the statistic and is close to the t interval for the mean of a smooth sample', () => {
    const result = bootstrapCi(sample, meanOf, { seed: 42, resamples: 4000 });
    const center = mean(sample) ?? Number.NaN;
    expect(result?.estimate).toBe(center);
    const sd = Math.sqrt(sample.reduce((sum, x) => sum + (x - center) ** 2, 0) / (sample.length - 1));
    const tHalfWidth = (2.022690920036761 * sd) / Math.sqrt(sample.length); // t(0.975, 39)
    const bootstrapHalfWidth = ((result?.hi ?? 0) - (result?.lo ?? 0)) / 2;
    expect(bootstrapHalfWidth / tHalfWidth).toBeGreaterThan(0.85);
    expect(bootstrapHalfWidth / tHalfWidth).toBeLessThan(1.1);
    expect(result?.lo).toBeLessThan(center);
    expect(result?.hi).toBeGreaterThan(center);
  });

  it('is deterministic for a seed', () => {
    expect(bootstrapCi(sample, meanOf, { seed: 9, resamples: 500 })).toEqual(bootstrapCi(sample, meanOf, { seed: 9, resamples: 500 }));
    expect(bootstrapCi(sample, meanOf, { seed: 9, resamples: 500 })).not.toEqual(bootstrapCi(sample, meanOf, { seed: 10, resamples: 500 }));
  });

  it('returns null for an empty sample or a non-finite statistic', () => {
    expect(bootstrapCi([], meanOf, { seed: 1 })).toBeNull();
    expect(bootstrapCi([1, 2], () => Number.NaN, { seed: 1, resamples: 10 })).toBeNull();
    // Finite on the sample, infinite on the resamples that draw only the zero.
    expect(bootstrapCi([0, 1], (values) => 1 / Math.max(...values), { seed: 1, resamples: 200 })).toBeNull();
  });

  it('gives the value itself for a constant sample', () => {
    expect(bootstrapCi([4, 4, 4, 4], meanOf, { seed: 1, resamples: 100 })).toEqual({ estimate: 4, lo: 4, hi: 4 });
  });
});
