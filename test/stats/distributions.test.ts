import { describe, expect, it } from 'vitest';
import {
  erfc,
  normalCdf,
  normalQuantile,
  normalSurvival,
  studentTCdf,
  studentTDensity,
  studentTQuantile,
} from '../../src/stats/distributions.js';

describe('normal distribution', () => {
  it('matches tabulated values', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1)).toBeCloseTo(0.8413447460685429, 14);
    expect(normalCdf(-1.959963984540054)).toBeCloseTo(0.025, 14);
    expect(erfc(0.5)).toBeCloseTo(0.4795001221869535, 14);
    expect(erfc(-0.5)).toBeCloseTo(2 - 0.4795001221869535, 14);
  });

  it('keeps relative accuracy in the upper tail', () => {
    // P(Z > 5) = 2.866515718791933e-7; P(Z > 10) = 7.619853024160525e-24.
    expect(normalSurvival(5) / 2.866515718791933e-7).toBeCloseTo(1, 10);
    expect(normalSurvival(10) / 7.619853024160525e-24).toBeCloseTo(1, 9);
  });

  it('inverts the CDF', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 14);
    expect(normalQuantile(0.1)).toBeCloseTo(-1.2815515655446004, 12);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 10);
    for (const p of [0.001, 0.02, 0.3, 0.7, 0.99, 0.999999]) expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 13);
    expect(() => normalQuantile(0)).toThrow(RangeError);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });
});

describe('Student t distribution', () => {
  it('gives the two-sided 95% critical values of the t table', () => {
    // Reference values: R qt(0.975, df) / scipy.stats.t.ppf(0.975, df).
    const table: Array<[number, number]> = [
      [1, 12.706204736174694],
      [2, 4.302652729749462],
      [3, 3.1824463052837078],
      [4, 2.7764451051977934],
      [5, 2.5705818356363146],
      [9, 2.262157162798205],
      [10, 2.228138851986274],
      [29, 2.045229642132703],
      [30, 2.0422724563012378],
      [60, 2.0002978220142604],
      [100, 1.9839715185235518],
      [1000, 1.9623390808264083],
      [1e6, 1.959966356814107],
    ];
    for (const [df, expected] of table) expect(studentTQuantile(0.975, df)).toBeCloseTo(expected, 10);
  });

  it('approaches the normal quantile for large df and is continuous across the expansion switch', () => {
    expect(studentTQuantile(0.975, 1e12)).toBeCloseTo(1.959963984540054, 10);
    expect(studentTQuantile(0.975, 99_999)).toBeCloseTo(1.9599877077718442, 9);
    expect(studentTQuantile(0.975, 100_000)).toBeCloseTo(1.9599877075346095, 9);
  });

  it('handles other levels, fractional df, the lower tail and extreme quantiles', () => {
    expect(studentTQuantile(0.995, 7)).toBeCloseTo(3.4994832973504924, 10);
    expect(studentTQuantile(0.9, 3)).toBeCloseTo(1.637744353696209, 10);
    expect(studentTQuantile(0.025, 5)).toBeCloseTo(-2.5705818356363146, 10);
    expect(studentTQuantile(0.975, 2.5)).toBeCloseTo(3.5746548420036817, 10);
    expect(studentTQuantile(0.975, 0.5)).toBeCloseTo(164.55767348048818, 7);
    expect(studentTQuantile(0.999999, 3)).toBeCloseTo(103.29946777942898, 7);
    expect(studentTQuantile(0.5, 4)).toBe(0);
  });

  it('has a CDF that matches reference values and inverts the quantile', () => {
    expect(studentTCdf(2, 5)).toBeCloseTo(0.9490302605850708, 13);
    expect(studentTCdf(-1.5, 3.5)).toBeCloseTo(0.10890909350767251, 13);
    expect(studentTCdf(0, 3)).toBeCloseTo(0.5, 15);
    for (const df of [1, 3, 7.5, 40]) expect(studentTCdf(studentTQuantile(0.8, df), df)).toBeCloseTo(0.8, 12);
    expect(studentTCdf(1, Infinity)).toBeCloseTo(0.8413447460685429, 14);
  });

  it('has the Cauchy density for df = 1', () => {
    expect(studentTDensity(0, 1)).toBeCloseTo(1 / Math.PI, 14);
    expect(studentTDensity(1, 1)).toBeCloseTo(1 / (2 * Math.PI), 14);
  });

  it('rejects invalid arguments', () => {
    expect(() => studentTQuantile(1, 3)).toThrow(RangeError);
    expect(() => studentTQuantile(0.9, 0)).toThrow(RangeError);
    expect(() => studentTCdf(1, -2)).toThrow(RangeError);
  });
});
