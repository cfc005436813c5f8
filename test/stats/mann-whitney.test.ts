import { describe, expect, it } from 'vitest';
import { exactUDistribution, mannWhitneyU } from '../../src/stats/mann-whitney.js';

describe('exactUDistribution', () => {
  it('counts rank arrangements', () => {
    // n1 = n2 = 2: the 6 arrangements give U = 0, 1, 2, 2, 3, 4.
    expect(Array.from(exactUDistribution(2, 2)).map((p) => p * 6)).toEqual([1, 1, 2, 1, 1].map((c) => expect.closeTo(c, 12)));
    // n1 = n2 = 3: 20 arrangements with counts 1, 1, 2, 3, 3, 3, 3, 2, 1, 1.
    const counts = Array.from(exactUDistribution(3, 3)).map((p) => p * 20);
    [1, 1, 2, 3, 3, 3, 3, 2, 1, 1].forEach((count, u) => expect(counts[u]).toBeCloseTo(count, 12));
  });

  it('is a symmetric probability distribution', () => {
    const distribution = exactUDistribution(7, 12);
    expect(distribution.length).toBe(7 * 12 + 1);
    expect(distribution.reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 13);
    for (let u = 0; u <= 84; u++) expect(distribution[u]).toBeCloseTo(distribution[84 - u] ?? Number.NaN, 15);
  });
});

describe('mannWhitneyU, exact', () => {
  it('gives p = 2/252 for complete separation of two samples of five', () => {
    const result = mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
    expect(result).toEqual({ u: 0, z: null, pValue: expect.closeTo(2 / 252, 15), method: 'exact' });
    // Swapping the samples mirrors U (n1·n2 - U) and keeps the two-sided p.
    const swapped = mannWhitneyU([6, 7, 8, 9, 10], [1, 2, 3, 4, 5]);
    expect(swapped?.u).toBe(25);
    expect(swapped?.pValue).toBeCloseTo(2 / 252, 15);
  });

  it('matches the scipy.stats.mannwhitneyu documentation example', () => {
    // males vs females from the scipy docs: U1 = 17, exact p = 1/9.
    const result = mannWhitneyU([19, 22, 16, 29, 24], [20, 11, 17, 12]);
    expect(result?.u).toBe(17);
    expect(result?.method).toBe('exact');
    expect(result?.pValue).toBeCloseTo(1 / 9, 14);
  });

  it('never goes below 2/C(n1+n2, n1) and caps p at 1 at the centre', () => {
    expect(mannWhitneyU([1, 2, 3], [4, 5, 6])?.pValue).toBeCloseTo(0.1, 14);
    // U1 = 2 = n1·n2/2: 2·P(U <= 2) = 2·4/6 > 1.
    expect(mannWhitneyU([1, 4], [2, 3])).toEqual({ u: 2, z: null, pValue: 1, method: 'exact' });
  });

  it('uses the exact distribution up to n1·n2 = 400 and the normal one beyond (no ties)', () => {
    // first = 0, 2, …, 38 and second = 11, 13, …, 49: first > second when k >= j + 6, so U1 = Σ_{j=0}^{13} (14 - j) = 105.
    const first = Array.from({ length: 20 }, (_, k) => 2 * k);
    const second = Array.from({ length: 20 }, (_, k) => 2 * k + 11);
    const exact = mannWhitneyU(first, second);
    expect(exact?.method).toBe('exact');
    expect(exact?.u).toBe(105);
    expect(exact?.pValue).toBeCloseTo(0.009483607191205003, 13); // scipy method='exact'
    const larger = mannWhitneyU([...first, 40], second);
    expect(larger?.method).toBe('normal');
    expect(larger?.u).toBe(120);
    expect(larger?.pValue).toBeCloseTo(0.01957785382225964, 12); // scipy method='asymptotic'
  });

  it('honours an explicit method when it can', () => {
    const first = Array.from({ length: 30 }, (_, k) => 2 * k);
    const second = Array.from({ length: 30 }, (_, k) => 2 * k + 15);
    const exact = mannWhitneyU(first, second, { method: 'exact' });
    expect(exact?.method).toBe('exact');
    expect(exact?.u).toBe(253);
    expect(exact?.pValue).toBeCloseTo(0.003193540818593945, 13); // scipy method='exact'
    const normal = mannWhitneyU(first, second, { method: 'normal' });
    expect(normal?.method).toBe('normal');
    expect(normal?.pValue).toBeCloseTo(0.003670893392450653, 12); // scipy method='asymptotic'
    // With ties an exact test is impossible here, so 'exact' falls back to the normal approximation.
    expect(mannWhitneyU([1, 2, 2], [2, 3, 4], { method: 'exact' })?.method).toBe('normal');
  });
});

describe('mannWhitneyU, normal approximation', () => {
  it('matches the scipy asymptotic p for the documentation example', () => {
    // μ = 10, σ² = 5·4·10/12 = 50/3, z = (17 - 10 - 0.5)/√(50/3) = 1.592168…, p = 2·P(Z > z).
    const result = mannWhitneyU([19, 22, 16, 29, 24], [20, 11, 17, 12], { method: 'normal' });
    expect(result?.z).toBeCloseTo(6.5 / Math.sqrt(50 / 3), 13);
    expect(result?.pValue).toBeCloseTo(0.11134688653314041, 12);
  });

  it('applies the tie correction (hand derivation)', () => {
    // Combined sorted: 1a 2a 2a 2b 3a 3b 4a 5b 6b 7b (N = 10).
    // Midranks: 1 → 1; the three 2s share ranks 2..4 → 3; the two 3s share 5..6 → 5.5; 4 → 7; 5, 6, 7 → 8, 9, 10.
    // R1 = 1 + 3 + 3 + 5.5 + 7 = 19.5, U1 = 19.5 - 5·6/2 = 4.5, μ = 12.5.
    // Ties: Σ(t³ - t) = (27 - 3) + (8 - 2) = 30; σ² = 25/12·(11 - 30/90) = 800/36, σ = 4.714045.
    // z = -(|4.5 - 12.5| - 0.5)/σ = -7.5/4.714045 = -1.590990; p = 2·P(Z > 1.590990) = 0.111612
    // (scipy.stats.mannwhitneyu gives 0.11161176829829224).
    const result = mannWhitneyU([1, 2, 2, 3, 4], [2, 3, 5, 6, 7]);
    expect(result?.method).toBe('normal');
    expect(result?.u).toBe(4.5);
    expect(result?.z).toBeCloseTo(-7.5 / Math.sqrt(800 / 36), 13);
    expect(result?.pValue).toBeCloseTo(0.11161176829829224, 12);
  });

  it('gives p = 1 for identical samples and for all-tied data', () => {
    expect(mannWhitneyU([1, 2, 3, 4, 5], [1, 2, 3, 4, 5])).toEqual({ u: 12.5, z: 0, pValue: 1, method: 'normal' });
    expect(mannWhitneyU([7, 7, 7], [7, 7])).toEqual({ u: 3, z: 0, pValue: 1, method: 'normal' });
  });

  it('returns null for an empty sample and rejects NaN', () => {
    expect(mannWhitneyU([], [1, 2])).toBeNull();
    expect(mannWhitneyU([1], [])).toBeNull();
    expect(() => mannWhitneyU([Number.NaN], [1])).toThrow(RangeError);
  });
});
