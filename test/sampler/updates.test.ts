import { describe, expect, it } from 'vitest';
import { integrate, integrateCounter, integrateGauge } from '../../src/sampler/integrate.js';
import type { SampleRecord } from '../../src/sampler/sampler.js';
import { MIN_UPDATES_PER_WINDOW, minWindowS, updateStats } from '../../src/sampler/updates.js';
import { shortWindowWarning } from '../../src/sampler/window.js';
import type { SourceInfo } from '../../src/sources/types.js';

/** Reads every `stepS` seconds from 0 with the given values. */
const series = (stepS: number, values: number[]): Array<{ tS: number; value: number }> => values.map((value, i) => ({ tS: Number((i * stepS).toFixed(9)), value }));
const records = (stepS: number, values: Array<number | null>): SampleRecord[] =>
  values.map((value, i) => ({ tS: Number((i * stepS).toFixed(9)), value, reason: value === null ? 'EIO' : null }) as SampleRecord);

describe('updateStats: the observed update period and coverage of a window, from the reads alone', () => {
  it('gives a counter that moves between every two reads the read interval as its period and 100 % coverage', () => {
    const s = updateStats(series(0.1, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 1);
    expect(s.updatePeriodS).toBeCloseTo(0.1, 12);
    expect(s.coveragePct).toBeCloseTo(100, 9);
    expect(s.updates).toBe(10);
    // Every read showed a new value: the sensor is at least as fast as the reads, its own period is not seen.
    expect(s.sensorPeriodS).toBeNull();
  });

  it('finds a gauge that updates every 0.3 s among reads every 0.1 s: the median gap between distinct values', () => {
    // Values change at 0.3, 0.6 and 0.9 s; the first update lies after the read at 0.2 s.
    const s = updateStats(series(0.1, [5, 5, 5, 6, 6, 6, 7, 7, 7, 8, 8]), 1);
    expect(s.updatePeriodS).toBeCloseTo(0.3, 12);
    expect(s.sensorPeriodS).toBeCloseTo(0.3, 12);
    expect(s.updates).toBe(3);
    // From the read before the first update (0.2 s) to the last update (0.9 s): 0.7 s of a 1 s window.
    expect(s.coveragePct).toBeCloseTo(70, 9);
  });

  it('takes the median, so one late update does not set the period', () => {
    // Changes at 0.1, 0.2, 0.3 and 1.0 s: gaps 0.1, 0.1, 0.7.
    const s = updateStats([{ tS: 0, value: 1 }, { tS: 0.1, value: 2 }, { tS: 0.2, value: 3 }, { tS: 0.3, value: 4 }, { tS: 0.6, value: 4 }, { tS: 1, value: 5 }], 1);
    expect(s.updatePeriodS).toBeCloseTo(0.1, 12);
  });

  it('gives a gauge that changed once a null period and the share between its two reads', () => {
    const s = updateStats(series(0.1, [5, 5, 5, 5, 5, 9, 9, 9, 9, 9, 9]), 1);
    expect(s.updatePeriodS).toBeNull();
    expect(s.updates).toBe(1);
    expect(s.coveragePct).toBeCloseTo(10, 9);
  });

  it('gives a sensor that never changed 0 % coverage, and no reads or no duration an unknown coverage', () => {
    expect(updateStats(series(0.1, [3, 3, 3, 3]), 0.3)).toEqual({ updatePeriodS: null, coveragePct: 0, updates: 0, sensorPeriodS: null });
    expect(updateStats([], 1).coveragePct).toBeNull();
    expect(updateStats(series(0.1, [1, 2]), 0).coveragePct).toBeNull();
  });

  it('caps the coverage at 100 % when the bracketing reads straddle the work', () => {
    expect(updateStats(series(0.1, [0, 1, 2, 3]), 0.25).coveragePct).toBe(100);
  });
});

describe('minWindowS and the short-window warning', () => {
  it('asks for MIN_UPDATES_PER_WINDOW periods of the larger of the declared and the observed own period', () => {
    expect(MIN_UPDATES_PER_WINDOW).toBe(3);
    expect(minWindowS(null, {})).toBeNull();
    expect(minWindowS(null, { updatePeriodS: 1 })).toBe(3);
    expect(minWindowS(0.5, { updatePeriodS: 0.2 })).toBe(1.5);
    expect(minWindowS(0.5, { updatePeriodS: 2 })).toBe(6);
  });

  it('warns for a window shorter than three updates of the slowest source in the total, saying how long it must be', () => {
    const inTotal = [{ id: 'rapl:package-0', minWindowS: 0.3 }, { id: 'nvidia:0', minWindowS: 3 }, { id: 'hwmon:x', minWindowS: null }];
    expect(shortWindowWarning(2, inTotal)).toBe('window shorter than 3 updates of nvidia:0 (one every 1 s): a window must last at least 3 s');
    expect(shortWindowWarning(3, inTotal)).toBeNull();
    expect(shortWindowWarning(0.1, [{ id: 'hwmon:x', minWindowS: null }])).toBeNull();
  });
});

describe('integrate: every energy source window carries its fidelity, update period and coverage', () => {
  const counter: SourceInfo = { id: 'rapl:package-0', kind: 'counter', scope: 'cpu-package', quality: 'measured', description: '', joulesPerUnit: 1e-6, maxRange: 2 ** 32 };
  const gauge: SourceInfo = { id: 'nvidia:0', kind: 'gauge', scope: 'gpu', quality: 'measured', description: '', fidelity: 'averaged', averagingS: 1, updatePeriodS: 1 };

  it('a counter: fidelity counter, the read interval as period, full coverage', () => {
    const w = integrateCounter(counter, records(0.1, [0, 1e6, 2e6, 3e6, 4e6, 5e6, 6e6, 7e6, 8e6, 9e6, 10e6]), 1);
    expect(w).toMatchObject({ fidelity: 'counter', coveragePct: 100, minWindowS: null });
    expect(w.updatePeriodS).toBeCloseTo(0.1, 12);
  });

  it('an averaged gauge read every 0.5 s that updates every second: its period, coverage and least window; failed reads do not count', () => {
    const w = integrateGauge(gauge, records(0.5, [100, 100, 120, null, 140, 140, 160]), 3);
    expect(w.fidelity).toBe('averaged');
    expect(w.updatePeriodS).toBeCloseTo(1, 12);
    // From the read at 0.5 s before the first update (1 s) to the last update (3 s): 2.5 s of 3 s.
    expect(w.coveragePct).toBeCloseTo((2.5 / 3) * 100, 9);
    expect(w.minWindowS).toBe(3);
  });

  it('a source without energy has no fidelity, period or coverage', () => {
    const util: SourceInfo = { id: 'amdgpu:0:util', kind: 'utilization', scope: 'gpu', quality: 'measured', description: '' };
    expect(integrate(util, records(0.5, [10, 20, 30]), 1)).toMatchObject({ fidelity: null, updatePeriodS: null, coveragePct: null, minWindowS: null });
  });
});
