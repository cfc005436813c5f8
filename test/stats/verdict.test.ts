import { describe, expect, it } from 'vitest';
import { studentTQuantile } from '../../src/stats/distributions.js';
import { type Verdict, compareSamples, minDetectableChangePct } from '../../src/stats/verdict.js';
import { lognormalSample, seededNormal } from './simulated-samples.js';

const baseline = [100, 101, 99, 100.5, 99.5, 100.2, 99.8, 100.1, 99.9, 100.3];
const scaled = (factor: number): number[] => baseline.map((value) => value * factor);

describe('compareSamples, hand-made cases', () => {
  it('declares a large significant drop a regression when higher is better', () => {
    const result = compareSamples(baseline, scaled(0.8), { higherIsBetter: true, resamples: 2000 });
    expect(result.verdict).toBe('regressed');
    expect(result.ratio).toBeCloseTo(0.8, 12);
    expect(result.changePct).toBeCloseTo(-20, 10);
    // Complete separation of 10 vs 10: exact two-sided p = 2/C(20, 10) = 2/184756.
    expect(result.pValue).toBeCloseTo(2 / 184756, 15);
    expect(result.ci?.[1]).toBeLessThan(1);
    expect(result.reason).toMatch(/^Regressed: the median fell 20%/);
    expect(result.baseline.n).toBe(10);
    expect(result.current.median).toBeCloseTo(100.05 * 0.8, 10);
  });

  it('calls the same drop an improvement when lower is better, and mirrors rises', () => {
    expect(compareSamples(baseline, scaled(0.8), { higherIsBetter: false, resamples: 2000 }).verdict).toBe('improved');
    expect(compareSamples(baseline, scaled(1.2), { higherIsBetter: true, resamples: 2000 }).verdict).toBe('improved');
    const rise = compareSamples(baseline, scaled(1.2), { higherIsBetter: false, resamples: 2000 });
    expect(rise.verdict).toBe('regressed');
    expect(rise.changePct).toBeCloseTo(20, 10);
    expect(rise.ci?.[0]).toBeGreaterThan(1);
  });

  it('finds identical samples unchanged', () => {
    const result = compareSamples(baseline, baseline, { higherIsBetter: true, resamples: 2000 });
    expect(result.verdict).toBe('unchanged');
    expect(result.ratio).toBe(1);
    expect(result.pValue).toBe(1);
    expect(result.reason).toMatch(/^Unchanged: the median did not change/);
    // A tiny change is still printed with a non-zero figure.
    expect(compareSamples(baseline, scaled(1.0004), { higherIsBetter: true, resamples: 500 }).reason).toContain('rose 0.04%');
  });

  it('calls a significant change smaller than the threshold unchanged, and a regression under a lower threshold', () => {
    const small = compareSamples(baseline, scaled(0.96), { higherIsBetter: true, resamples: 2000 });
    expect(small.verdict).toBe('unchanged');
    expect(small.pValue).toBeLessThan(0.05);
    expect(small.reason).toContain('significant change but within the 5% threshold');
    expect(compareSamples(baseline, scaled(0.96), { higherIsBetter: true, thresholdPct: 3, resamples: 2000 }).verdict).toBe('regressed');
  });

  it('is inconclusive with too few repetitions, but still reports what it can', () => {
    const result = compareSamples([1, 2], [1, 2, 3], { higherIsBetter: true, resamples: 500 });
    expect(result.verdict).toBe('inconclusive');
    expect(result.reason).toContain('too few repetitions (baseline 2, current 3)');
    expect(result.ratio).toBeCloseTo(2 / 1.5, 12);
    expect(result.pValue).not.toBeNull();
    // The same data with minRepetitions 2 gets past the count rule (and is then too noisy).
    expect(compareSamples([1, 2], [1, 2, 3], { higherIsBetter: true, resamples: 500, minRepetitions: 2 }).reason).not.toContain('too few');
  });

  it('is inconclusive when the ratio is undefined or the samples are empty', () => {
    const zero = compareSamples([0, 1, 2], [1, 2, 3], { higherIsBetter: true, resamples: 500 });
    expect(zero.verdict).toBe('inconclusive');
    expect(zero.ratio).toBeNull();
    expect(zero.ci).toBeNull();
    const empty = compareSamples([], [], { higherIsBetter: true });
    expect(empty.verdict).toBe('inconclusive');
    expect(empty.pValue).toBeNull();
    expect(empty.changePct).toBeNull();
    expect(empty.baseline.n).toBe(0);
  });

  it('is inconclusive when the CI is wider than the threshold band', () => {
    // Bimodal data: the bootstrap CI of the median ratio spans [0.9, 1.11], wider than ±5%.
    const result = compareSamples([100, 100, 100, 100, 100, 90, 90, 90, 90, 90], [100, 100, 100, 100, 90, 90, 90, 90, 90, 90], {
      higherIsBetter: true,
      resamples: 2000,
    });
    expect(result.verdict).toBe('inconclusive');
    expect((result.ci?.[1] ?? 0) - (result.ci?.[0] ?? 0)).toBeGreaterThan(0.1);
    expect(result.reason).toContain('too noisy to decide');
  });

  it('is inconclusive when the estimate is beyond the threshold but not significant', () => {
    const result = compareSamples([100, 100, 100, 100, 100, 100, 100, 91, 91, 91], [100, 100, 100, 91, 91, 91, 91, 91, 91, 91], {
      higherIsBetter: true,
      resamples: 2000,
    });
    expect(result.ratio).toBeCloseTo(0.91, 12);
    expect(result.pValue).toBeGreaterThan(0.05);
    expect(result.verdict).toBe('inconclusive');
    expect(result.reason).toContain('not significant');
  });

  it('applies maxCvFraction to the unchanged outcome only, and can be disabled', () => {
    const noisy = compareSamples(baseline, baseline, { higherIsBetter: true, resamples: 500, maxCvFraction: 0.001 });
    expect(noisy.verdict).toBe('inconclusive');
    expect(noisy.reason).toContain('coefficient of variation');
    expect(compareSamples(baseline, baseline, { higherIsBetter: true, resamples: 500, maxCvFraction: null }).verdict).toBe('unchanged');
    expect(compareSamples(baseline, scaled(0.8), { higherIsBetter: true, resamples: 500, maxCvFraction: 0.001 }).verdict).toBe('regressed');
  });

  it('computes the CI at confidence 1 - alpha and is reproducible from its seed', () => {
    const current = lognormalSample(seededNormal(77), 12, 97, 0.03);
    const strict = compareSamples(baseline, current, { higherIsBetter: true, alpha: 0.01, resamples: 2000, seed: 4 });
    const loose = compareSamples(baseline, current, { higherIsBetter: true, alpha: 0.2, resamples: 2000, seed: 4 });
    expect(strict.ci?.[0]).toBeLessThan(loose.ci?.[0] ?? Number.NaN);
    expect(strict.ci?.[1]).toBeGreaterThan(loose.ci?.[1] ?? Number.NaN);
    expect(strict.reason).toContain('99% CI');
    expect(compareSamples(baseline, current, { higherIsBetter: true, resamples: 2000, seed: 4 })).toEqual(
      compareSamples(baseline, current, { higherIsBetter: true, resamples: 2000, seed: 4 }),
    );
  });

  it('rejects invalid options', () => {
    expect(() => compareSamples(baseline, baseline, { higherIsBetter: true, thresholdPct: -1 })).toThrow(RangeError);
    expect(() => compareSamples(baseline, baseline, { higherIsBetter: true, alpha: 0 })).toThrow(RangeError);
    expect(() => compareSamples(baseline, baseline, { higherIsBetter: true, minRepetitions: 0 })).toThrow(RangeError);
    expect(() => compareSamples(baseline, baseline, { higherIsBetter: true, maxCvFraction: -0.1 })).toThrow(RangeError);
  });
});

describe('compareSamples, simulations', () => {
  const trials = 200;

  function tally(
    seed: number,
    n: number,
    cv: number,
    currentFactor: number,
    higherIsBetter: boolean,
  ): Record<Verdict, number> {
    const normal = seededNormal(seed);
    const counts: Record<Verdict, number> = { regressed: 0, improved: 0, unchanged: 0, inconclusive: 0 };
    for (let trial = 0; trial < trials; trial++) {
      const before = lognormalSample(normal, n, 1000, cv);
      const after = lognormalSample(normal, n, 1000 * currentFactor, cv);
      counts[compareSamples(before, after, { higherIsBetter, resamples: 2000, seed: trial }).verdict]++;
    }
    return counts;
  }

  it('finds A/A runs (10 reps, CV 3%) unchanged in at least 95% of trials', () => {
    const counts = tally(1001, 10, 0.03, 1, true);
    expect(counts.unchanged).toBeGreaterThanOrEqual(0.95 * trials);
    expect(counts.regressed).toBeLessThanOrEqual(0.05 * trials);
    expect(counts.improved).toBeLessThanOrEqual(0.05 * trials);
  });

  it('flags a 15% throughput drop (10 reps, CV 3%) as regressed in at least 95% of trials', () => {
    const counts = tally(2002, 10, 0.03, 0.85, true);
    expect(counts.regressed).toBeGreaterThanOrEqual(0.95 * trials);
    expect(counts.improved).toBe(0);
  });

  it('flags 15% more energy per operation (lower is better) as regressed in at least 95% of trials', () => {
    const counts = tally(3003, 10, 0.03, 1.15, false);
    expect(counts.regressed).toBeGreaterThanOrEqual(0.95 * trials);
  });

  it('calls very noisy data (CV 40%, 3 reps) inconclusive, never a regression', () => {
    const counts = tally(4004, 3, 0.4, 1, true);
    expect(counts.inconclusive).toBeGreaterThanOrEqual(0.95 * trials);
    expect(counts.regressed).toBe(0);
    expect(counts.unchanged).toBeLessThanOrEqual(0.05 * trials);
  });
});

describe('minDetectableChangePct', () => {
  it('is t(1 - alpha/2, 2(n - 1))·cv·√(2/n)·100', () => {
    // [9, 10, 11]: cv = 0.1, n = 3, t(0.975, 4) = 2.7764451051977934.
    expect(minDetectableChangePct([9, 10, 11])).toBeCloseTo(2.7764451051977934 * 0.1 * Math.sqrt(2 / 3) * 100, 8);
    // Planned 10 repetitions per side: t(0.975, 18) = 2.10092204024096.
    expect(minDetectableChangePct([9, 10, 11], { repetitions: 10 })).toBeCloseTo(2.10092204024096 * 0.1 * Math.sqrt(0.2) * 100, 8);
    expect(minDetectableChangePct([9, 10, 11], { alpha: 0.01 })).toBeCloseTo(
      studentTQuantile(0.995, 4) * 0.1 * Math.sqrt(2 / 3) * 100,
      10,
    );
  });

  it('is about 2.8% for A/A data with CV 3% and 10 repetitions', () => {
    const value = minDetectableChangePct(lognormalSample(seededNormal(8), 10, 500, 0.03));
    expect(value).toBeGreaterThan(1.4);
    expect(value).toBeLessThan(4.5);
  });

  it('returns null when the CV is undefined and rejects bad options', () => {
    expect(minDetectableChangePct([5])).toBeNull();
    expect(minDetectableChangePct([])).toBeNull();
    expect(minDetectableChangePct([-1, 1])).toBeNull();
    expect(() => minDetectableChangePct([1, 2], { repetitions: 1 })).toThrow(RangeError);
    expect(() => minDetectableChangePct([1, 2], { alpha: 2 })).toThrow(RangeError);
  });
});
