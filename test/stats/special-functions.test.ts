import { describe, expect, it } from 'vitest';
import { lnGamma, regularizedGammaQ, regularizedIncompleteBeta } from '../../src/stats/special-functions.js';

describe('lnGamma', () => {
  it('matches factorials and Γ(1/2) = √π', () => {
    expect(lnGamma(1)).toBeCloseTo(0, 14);
    expect(lnGamma(2)).toBeCloseTo(0, 14);
    expect(lnGamma(10)).toBeCloseTo(Math.log(362880), 12);
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    // ln Γ(0.1) = ln(9.513507698668732)
    expect(lnGamma(0.1)).toBeCloseTo(Math.log(9.513507698668732), 12);
    // Stirling region: ln Γ(100) = ln(99!) = 359.1342053695754
    expect(lnGamma(100)).toBeCloseTo(359.1342053695754, 10);
  });

  it('rejects non-positive arguments', () => {
    expect(() => lnGamma(0)).toThrow(RangeError);
    expect(() => lnGamma(-1)).toThrow(RangeError);
  });
});

describe('regularizedIncompleteBeta', () => {
  it('matches closed forms', () => {
    // I_x(1, 1) = x; I_x(a, 1) = x^a; I_x(1, b) = 1 - (1 - x)^b; I_{1/2}(a, a) = 1/2.
    expect(regularizedIncompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 14);
    expect(regularizedIncompleteBeta(0.7, 3, 1)).toBeCloseTo(0.7 ** 3, 14);
    expect(regularizedIncompleteBeta(0.2, 1, 4)).toBeCloseTo(1 - 0.8 ** 4, 14);
    expect(regularizedIncompleteBeta(0.5, 7.5, 7.5)).toBeCloseTo(0.5, 14);
    expect(regularizedIncompleteBeta(0, 2, 3)).toBe(0);
    expect(regularizedIncompleteBeta(1, 2, 3)).toBe(1);
  });

  it('satisfies the symmetry I_x(a, b) = 1 - I_{1-x}(b, a) on both sides of the switch point', () => {
    for (const x of [0.05, 0.4, 0.6, 0.95]) {
      expect(regularizedIncompleteBeta(x, 2.5, 4)).toBeCloseTo(1 - regularizedIncompleteBeta(1 - x, 4, 2.5), 13);
    }
  });

  it('rejects arguments outside the domain', () => {
    expect(() => regularizedIncompleteBeta(1.5, 1, 1)).toThrow(RangeError);
    expect(() => regularizedIncompleteBeta(0.5, 0, 1)).toThrow(RangeError);
  });
});

describe('regularizedGammaQ', () => {
  it('matches closed forms in the series and continued-fraction regions', () => {
    // Q(1, x) = e^-x; Q(1/2, x²) = erfc(x) with erfc(1) = 0.15729920705028513.
    expect(regularizedGammaQ(1, 0.5)).toBeCloseTo(Math.exp(-0.5), 14);
    expect(regularizedGammaQ(1, 7)).toBeCloseTo(Math.exp(-7), 15);
    expect(regularizedGammaQ(0.5, 1)).toBeCloseTo(0.15729920705028513, 14);
    expect(regularizedGammaQ(3, 0)).toBe(1);
  });

  it('keeps relative accuracy deep in the tail', () => {
    // Q(1, 50) = e^-50 ≈ 1.9e-22: an absolute tolerance would pass anything, so compare the ratio.
    expect(regularizedGammaQ(1, 50) / Math.exp(-50)).toBeCloseTo(1, 12);
  });
});
