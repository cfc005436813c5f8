import { describe, expect, it } from 'vitest';
import { FULL, minWindowS, QUICK, suitePlan } from '../../src/runner/plan.js';

describe('suite plan', () => {
  it('fills in the preset, full or quick, and keeps what was asked for', () => {
    const full = suitePlan({ kernelCount: 2, threads: [1, 2], intervalMs: 100, periodsS: [] });
    expect(full).toMatchObject({ ...FULL, raisedFromS: null, totalWindows: 2 * 2 * FULL.repetitions });
    const quick = suitePlan({ quick: true, kernelCount: 11, threads: [1], intervalMs: 100, periodsS: [0.001], repetitions: 4 });
    expect(quick).toMatchObject({ ...QUICK, repetitions: 4, totalWindows: 44 });
  });

  it('raises a window shorter than 10 sampler intervals or one period of the slowest source', () => {
    expect(minWindowS(100, [])).toBe(1);
    expect(minWindowS(100, [0.5, 3, null, undefined])).toBe(3);
    expect(minWindowS(100, [600])).toBe(60);
    const plan = suitePlan({ kernelCount: 1, threads: [1], intervalMs: 100, periodsS: [3], durationS: 0.5 });
    expect(plan).toMatchObject({ durationS: 3, raisedFromS: 0.5, minWindowS: 3 });
  });

  it('estimates the run time from windows, warm-ups and idle baselines', () => {
    const plan = suitePlan({ kernelCount: 2, threads: [1, 4], intervalMs: 100, periodsS: [], repetitions: 3, durationS: 2, warmupS: 1, idleS: 5 });
    expect(plan.etaS).toBe(Math.round(2 * (2 * 3 * 2.03 + 1 + 0.2) + 2 * 5 + 2));
  });
});
