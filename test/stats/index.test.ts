import { describe, expect, it } from 'vitest';
import * as stats from '../../src/stats/index.js';

/** Each public function of the stats index, called through the index, gives a value known by hand on a fixed input. */
describe('stats index', () => {
  const x = [2, 4, 4, 4, 5, 5, 7, 9];

  it('gives the textbook descriptive statistics', () => {
    expect(stats.mean(x)).toBe(5);
    expect(stats.median(x)).toBe(4.5);
    expect(stats.quantile([1, 2, 3, 4, 5], 0.25)).toBe(2);
    // Sum of squares 32 over n - 1 = 7.
    expect(stats.variance(x)).toBeCloseTo(32 / 7, 12);
    expect(stats.stddev(x)).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(stats.coefficientOfVariation(x)).toBeCloseTo(Math.sqrt(32 / 7) / 5, 12);
    expect(stats.minMax(x)).toEqual({ min: 2, max: 9 });
    expect(stats.summarize(x)).toMatchObject({ n: 8, mean: 5, median: 4.5, min: 2, max: 9 });
    expect(stats.mean([])).toBeNull();
    expect(stats.geometricMean([1, 4, 16])).toBeCloseTo(4, 12);
    expect(stats.geometricMean([1, 0])).toBeNull();
  });

  it('gives the mean interval from Student t and a median interval that holds the median', () => {
    const ci = stats.meanConfidenceInterval([1, 2, 3, 4, 5])!;
    // Mean 3, standard error sqrt(2.5 / 5), t(0.975, 4) = 2.776445.
    expect(ci[0]).toBeCloseTo(3 - 2.776445 * Math.sqrt(0.5), 5);
    expect(ci[1]).toBeCloseTo(3 + 2.776445 * Math.sqrt(0.5), 5);
    // On 1..30 a rank is its value; the ranks are symmetric and cover at least 95% of continuous data.
    const m = stats.medianConfidenceInterval(Array.from({ length: 30 }, (_, i) => i + 1))!;
    expect(m).toMatchObject({ interval: [m.lowerRank, m.upperRank], upperRank: 31 - m.lowerRank });
    expect(m.interval[0]).toBeLessThanOrEqual(15.5);
    expect(m.interval[1]).toBeGreaterThanOrEqual(15.5);
    expect(m.coverage).toBeGreaterThanOrEqual(0.95);
  });

  it('gives the table values of the distributions', () => {
    expect(stats.normalCdf(0)).toBeCloseTo(0.5, 12);
    expect(stats.normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(stats.normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(stats.studentTQuantile(0.975, 4)).toBeCloseTo(2.776445, 5);
    expect(stats.studentTCdf(2.776445, 4)).toBeCloseTo(0.975, 6);
  });

  it('gives the exact Mann–Whitney U distribution and test', () => {
    // n1 = n2 = 2: U takes 0..4 with counts 1, 1, 2, 1, 1 out of C(4, 2) = 6.
    expect(Array.from(stats.exactUDistribution(2, 2)).map((p) => Math.round(p * 6))).toEqual([1, 1, 2, 1, 1]);
    // Fully separated 4 vs 4: p = 2 / C(8, 4) = 2 / 70.
    const r = stats.mannWhitneyU([1, 2, 3, 4], [5, 6, 7, 8])!;
    expect(r.pValue).toBeCloseTo(2 / 70, 12);
  });

  it('gives a bootstrap that is the estimate itself for a constant sample, and seeded', () => {
    expect(stats.bootstrapCi([3, 3, 3], (v) => stats.mean(v) as number, { seed: 1, resamples: 200 })).toEqual({ estimate: 3, lo: 3, hi: 3 });
    const ratio = stats.bootstrapRatioOfMedians([10, 10, 10], [12, 12, 12], { seed: 1, resamples: 200 })!;
    expect(ratio.ratio).toBeCloseTo(1.2, 12);
    expect([ratio.lo, ratio.hi].map((v) => Number(v.toFixed(12)))).toEqual([1.2, 1.2]);
    expect(stats.bootstrapRatioOfMedians([1, 0], [1], { seed: 1 })).toBeNull();
  });

  it('calls a large, clean change regressed and no change unchanged', () => {
    const base = [100, 101, 99, 100, 100, 101, 99, 100];
    const slower = base.map((v) => v * 1.5);
    expect(stats.compareSamples(base, slower, { higherIsBetter: false, seed: 1, resamples: 500 })).toMatchObject({ verdict: 'regressed', ratio: 1.5 });
    expect(stats.compareSamples(base, base, { higherIsBetter: false, seed: 1, resamples: 500 }).ratio).toBe(1);
    expect(stats.minDetectableChangePct([100, 100, 100, 100])).toBe(0);
  });

  it('keeps the prng deterministic and in [0, 1) through the index', () => {
    const first = stats.mulberry32(123);
    const second = stats.mulberry32(123);
    const a = [first(), first(), first()];
    expect(a).toEqual([second(), second(), second()]);
    for (const v of a) expect(v >= 0 && v < 1).toBe(true);
    expect(stats.mulberry32(124)()).not.toBe(a[0]);
    const u = stats.mulberry32Uint(123)();
    expect(Number.isInteger(u) && u >= 0 && u < 2 ** 32).toBe(true);
  });
});
