import { describe, expect, it } from 'vitest';
import { alignToDuration, integrateCounter, integrateGauge, integrateUtilization, summarizeTelemetry } from '../../src/sampler/integrate.js';
import type { SourceInfo } from '../../src/sources/types.js';

const counter: SourceInfo = { id: 'c', kind: 'counter', scope: 'cpu-package', quality: 'measured', description: '', joulesPerUnit: 1e-6, maxRange: 10_000_000 };
const gauge: SourceInfo = { id: 'g', kind: 'gauge', scope: 'gpu', quality: 'measured', description: '', updatePeriodS: 0.1 };

describe('integration of one window', () => {
  it('sums counter deltas across a wrap and reports average power', () => {
    const w = integrateCounter(counter, [
      { tS: 0, value: 8_000_000 },
      { tS: 1, value: 9_500_000 },
      { tS: 2, value: 1_000_000 }, // wrapped: 0.5 J to the top + 1 J
    ]);
    expect(w.energyJ).toBeCloseTo(3, 9);
    expect(w.powerW).toBeCloseTo(1.5, 9);
    expect(w.warnings.join()).toMatch(/1 counter wrap/);
  });

  it('drops an impossible delta instead of adding it, and says how much time it lost', () => {
    const w = integrateCounter({ ...counter, maxRange: null }, [
      { tS: 0, value: 5_000_000 },
      { tS: 1, value: 6_000_000 },
      { tS: 2, value: 10 }, // reset (driver reload)
      { tS: 3, value: 1_000_010 },
    ]);
    expect(w.energyJ).toBeCloseTo(2, 9);
    expect(w.powerW).toBeCloseTo(1, 9);
    expect(w.warnings.join()).toMatch(/1 impossible delta\(s\) dropped, 1\.000 s of 3\.000 s/);
  });

  it('skips failed reads and gives null with a reason when fewer than two remain', () => {
    const w = integrateCounter(counter, [
      { tS: 0, value: null, reason: 'EIO reading x' },
      { tS: 1, value: 5 },
    ]);
    expect(w.energyJ).toBeNull();
    expect(w.reason).toMatch(/1 readable sample.*EIO reading x/);
  });

  it('integrates a gauge with the trapezoid rule on measured timestamps', () => {
    const w = integrateGauge(gauge, [
      { tS: 0, value: 100 },
      { tS: 0.5, value: 200 },
      { tS: 1.5, value: 200 },
      { tS: 2, value: 100 },
    ]);
    // 0.5*150 + 1*200 + 0.5*150
    expect(w.energyJ).toBeCloseTo(350, 9);
    expect(w.powerW).toBeCloseTo(175, 9);
  });

  it('flags a gauge window shorter than two sensor updates', () => {
    const w = integrateGauge({ ...gauge, updatePeriodS: 1 }, [
      { tS: 0, value: 100 },
      { tS: 0.5, value: 100 },
    ]);
    expect(w.energyJ).toBeCloseTo(50, 9);
    expect(w.warnings.join()).toMatch(/shorter than two sensor updates/);
  });

  it('computes system utilization and steal from CPU times', () => {
    const info: SourceInfo = { id: 'u', kind: 'utilization', scope: 'cpu', quality: 'measured', description: '' };
    const w = integrateUtilization(
      info,
      [
        { tS: 0, value: { busyS: 10, totalS: 100, stealS: 1, cpus: 2 } },
        { tS: 1, value: { busyS: 11.5, totalS: 102, stealS: 1.2, cpus: 2 } },
      ],
      1,
    );
    expect(w.value).toBeCloseTo(75, 9);
    expect(w.stealPct).toBeCloseTo(10, 9);
  });

  it('takes the CPU time of measured processes between the first and last readable samples', () => {
    const info: SourceInfo = { id: 'p', kind: 'utilization', scope: 'process', quality: 'measured', description: '' };
    const w = integrateUtilization(
      info,
      [
        { tS: 0.1, value: { busyS: 0.3, totalS: null, stealS: null, cpus: null } },
        { tS: 0.9, value: { busyS: 0.8, totalS: null, stealS: null, cpus: null } },
        { tS: 1, value: null, reason: 'ENOENT' },
      ],
      2,
    );
    expect(w.cpuS).toBeCloseTo(0.5, 9);
    expect(w.value).toBeCloseTo(25, 9);
  });

  it('averages frequency and takes the maximum temperature', () => {
    const f = summarizeTelemetry({ id: 'f', kind: 'frequency', scope: 'cpu', quality: 'measured', description: '' }, [
      { tS: 0, value: 1000 },
      { tS: 1, value: 3000 },
    ]);
    const t = summarizeTelemetry({ id: 't', kind: 'temperature', scope: 'cpu', quality: 'measured', description: '' }, [
      { tS: 0, value: 50 },
      { tS: 1, value: 70 },
      { tS: 2, value: 60 },
    ]);
    expect(f.value).toBe(2000);
    expect(t.value).toBe(70);
  });
});

describe('power timelines', () => {
  it('gives a counter power per interval at its middle, and a gauge its readings', () => {
    const c = integrateCounter(counter, [
      { tS: 10, value: 0 },
      { tS: 11, value: 2_000_000 },
      { tS: 13, value: 3_000_000 },
    ]);
    expect(c.series).toEqual([
      [0.5, 2],
      [2, 0.5],
    ]);
    const g = integrateGauge(gauge, [
      { tS: 5, value: 100 },
      { tS: 5.5, value: 120 },
    ]);
    expect(g.series).toEqual([
      [0, 100],
      [0.5, 120],
    ]);
  });
});

describe('windows shorter than a sensor update', () => {
  it('never turns readings that share one timestamp into 0 J', () => {
    const c = integrateCounter(counter, [
      { tS: 3, value: 500 },
      { tS: 3, value: 500 },
    ]);
    expect(c.energyJ).toBeNull();
    expect(c.reason).toMatch(/no two readings of c at different times/);
    const g = integrateGauge(gauge, [
      { tS: 7, value: 120 },
      { tS: 7, value: 120 },
    ]);
    expect(g.powerW).toBe(120);
    expect(g.warnings.join()).toMatch(/one reading in the window; its 120\.00 W/);
    expect(alignToDuration(g, 2).energyJ).toBe(240);
  });
});

describe('a counter whose every interval is a reset', () => {
  it('has unknown energy even when the dropped time and the span differ by a rounding residue (found by a property test)', () => {
    const info: SourceInfo = { id: 'w', kind: 'counter', scope: 'system-wall', quality: 'measured', description: '', joulesPerUnit: 1, maxRange: null };
    // 0.6330342357366031 + (1.6832069333536144 - 0.6330342357366031) is not exactly 1.6832069333536144 in floating point.
    const w = integrateCounter(info, [
      { tS: 0, value: 2 },
      { tS: 0.6330342357366031, value: 1 },
      { tS: 0.8830342357366031, value: null, reason: 'EIO' },
      { tS: 1.6832069333536144, value: 0 },
    ]);
    expect(w.energyJ).toBeNull();
    expect(w.powerW).toBeNull();
    expect(w.reason).toMatch(/every interval was dropped/);
  });
});
