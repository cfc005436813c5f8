import { describe, expect, it } from 'vitest';
import { implausiblePower, powerCeiling, SCOPE_CEILING_W } from '../../src/sampler/ceiling.js';
import { counterDelta } from '../../src/sampler/counter.js';
import { integrateCounter, integrateGauge } from '../../src/sampler/integrate.js';
import { Session } from '../../src/runner/session.js';
import type { GaugeSource, Probe, SourceInfo } from '../../src/sources/types.js';
import { procfs, seamReader, sysfs } from '../helpers/fake-files.js';
import { ManualClock } from '../helpers/manual-clock.js';

const gpu: SourceInfo = { id: 'gpu:0', kind: 'gauge', scope: 'gpu', quality: 'measured', description: '' };
const pkg: SourceInfo = { id: 'rapl:package-0', kind: 'counter', scope: 'cpu-package', quality: 'measured', description: '', joulesPerUnit: 1e-6, maxRange: 262143328850 };

describe('power ceilings', () => {
  it('gives every scope a ceiling, sub-domains below their package and the wall highest', () => {
    expect(powerCeiling(pkg)).toEqual({ watts: 1000, why: 'the 1000 W ceiling for cpu-package' });
    expect(powerCeiling(gpu).watts).toBe(2000);
    expect(powerCeiling({ ...gpu, scope: 'npu' }).watts).toBe(2000);
    expect(powerCeiling({ ...gpu, scope: 'system-wall' }).watts).toBe(20_000);
    for (const scope of ['cpu-core', 'cpu-uncore', 'dram', 'psys'] as const) expect(SCOPE_CEILING_W[scope]).toBeLessThan(SCOPE_CEILING_W['cpu-package']);
  });

  it('lowers the ceiling to 1.5 times a declared power limit, and never raises it', () => {
    expect(powerCeiling({ ...gpu, powerLimitW: 300 })).toEqual({ watts: 450, why: '1.5 × its 300 W power limit' });
    expect(powerCeiling({ ...gpu, powerLimitW: 5000 }).watts).toBe(2000);
    expect(powerCeiling({ ...gpu, powerLimitW: 0 }).watts).toBe(2000);
    expect(powerCeiling({ ...gpu, powerLimitW: Number.NaN }).watts).toBe(2000);
  });

  it('holds an estimate only to the widest ceiling: a model is not a sensor that glitches', () => {
    expect(powerCeiling({ ...pkg, quality: 'estimated' }).watts).toBe(20_000);
  });

  it('says why a reading cannot be believed', () => {
    const c = powerCeiling(gpu);
    expect(implausiblePower(250, c)).toBeNull();
    expect(implausiblePower(0, c)).toBeNull();
    expect(implausiblePower(2000, c)).toBeNull();
    expect(implausiblePower(-5, c)).toBe('negative power -5 W');
    expect(implausiblePower(2500, c)).toBe('2500 W is above the 2000 W ceiling for gpu');
    expect(implausiblePower(Number.NaN, c)).toBe('unusable power reading NaN');
    expect(implausiblePower(Infinity, c)).toBe('unusable power reading Infinity');
  });
});

describe('implausible power in a gauge', () => {
  it('drops negative and above-ceiling readings from the integral and warns, bridging them with the trapezoid', () => {
    const w = integrateGauge(gpu, [
      { tS: 0, value: 100 },
      { tS: 1, value: -40 },
      { tS: 2, value: 100 },
      { tS: 3, value: 65_535 },
      { tS: 4, value: 100 },
    ]);
    // Only the three 100 W readings count: 100 W over 4 s, never 65 kW, never a negative stretch.
    expect(w.energyJ).toBeCloseTo(400, 9);
    expect(w.powerW).toBeCloseTo(100, 9);
    expect(w.samples).toBe(3);
    expect(w.series).toEqual([
      [0, 100],
      [2, 100],
      [4, 100],
    ]);
    expect(w.warnings).toContain('gpu:0: 2 implausible power reading(s) left out, never integrated (negative power -40 W)');
  });

  it('holds a gauge to 1.5 times its declared power limit', () => {
    const w = integrateGauge({ ...gpu, powerLimitW: 300 }, [
      { tS: 0, value: 300 },
      { tS: 1, value: 700 },
      { tS: 2, value: 300 },
    ]);
    expect(w.energyJ).toBeCloseTo(600, 9);
    expect(w.warnings.join()).toMatch(/1 implausible power reading\(s\) left out, never integrated \(700 W is above 1\.5 × its 300 W power limit\)/);
  });

  it('gives no energy, with the reason, when every reading is implausible', () => {
    const w = integrateGauge(gpu, [
      { tS: 0, value: -1 },
      { tS: 1, value: 1e9 },
    ]);
    expect(w.energyJ).toBeNull();
    expect(w.reason).toMatch(/0 readable sample\(s\) in the window; a gauge needs 2 \(negative power -1 W\)/);
  });

  it('keeps plausible readings untouched and says nothing', () => {
    const w = integrateGauge(gpu, [
      { tS: 0, value: 0 },
      { tS: 1, value: 2000 },
    ]);
    expect(w.energyJ).toBeCloseTo(1000, 9);
    expect(w.warnings.join()).not.toMatch(/implausible/);
  });
});

describe('implausible power in a counter', () => {
  it('treats a delta implying more than the scope ceiling as a reset, with the power it implies', () => {
    const limits = { maxRange: pkg.maxRange as number, joulesPerUnit: 1e-6, maxPlausiblePowerW: powerCeiling(pkg).watts };
    // 90 J in 0.1 s is 900 W: a big package. 150 J in 0.1 s is 1.5 kW: no package draws that.
    expect(counterDelta(0, 90e6, 0.1, limits)).toEqual({ state: 'delta', delta: 90e6 });
    expect(counterDelta(0, 150e6, 0.1, limits)).toEqual({ state: 'reset', reason: 'jump of 150000000 in 0.100 s implies 1500 W, above the 1000 W ceiling' });
  });

  it('drops the interval from the window and never adds it', () => {
    const w = integrateCounter(pkg, [
      { tS: 0, value: 0 },
      { tS: 1, value: 50e6 }, // 50 W
      { tS: 2, value: 5_050e6 }, // 5 kJ in 1 s: a glitch
      { tS: 3, value: 5_100e6 }, // 50 W
    ]);
    expect(w.energyJ).toBeCloseTo(100, 6);
    expect(w.powerW).toBeCloseTo(50, 6);
    expect(w.warnings.join()).toMatch(/1 impossible delta\(s\) dropped, 1\.000 s of 3\.000 s unmeasured .*implies 5000 W, above the 1000 W ceiling/);
  });

  it('holds a counter with a declared power limit to 1.5 times it', () => {
    const w = integrateCounter({ ...pkg, scope: 'gpu', powerLimitW: 400 }, [
      { tS: 0, value: 0 },
      { tS: 1, value: 300e6 },
      { tS: 2, value: 1_000e6 }, // 700 W, above 600 W
    ]);
    expect(w.energyJ).toBeCloseTo(300, 6);
    expect(w.warnings.join()).toMatch(/implies 700 W, above the 600 W ceiling/);
  });
});

describe('implausible power through a session', () => {
  it('drops a RAPL jump implying 2 kW from a package driven at 20 W, and the total stays 20 W', async () => {
    const clock = new ManualClock();
    const t0 = clock.nowS();
    // 20 W throughout, plus 200 J that appear between the reads at 0.5 s and 0.6 s (2 kW for 0.1 s: a glitch).
    const files = seamReader({
      text: (path) => {
        if (!path.includes('intel-rapl:0/')) return null;
        if (path.endsWith('max_energy_range_uj')) return '65532610987\n';
        if (!path.endsWith('energy_uj')) return null;
        const tS = clock.nowS() - t0;
        return `${Math.round((20 * tS + (tS > 0.55 ? 200 : 0)) * 1e6)}\n`;
      },
    });
    const session = await Session.open({ sysfs: sysfs('amd-zen'), procfs: procfs('basic'), files, intervalMs: 100, clock });
    try {
      const open = await session.meter.open();
      await clock.advance(1500);
      const m = await session.meter.close(open);
      const pkg = m.sources.find((s) => s.id === 'rapl:package-0');
      expect(pkg?.inTotal).toBe(true);
      expect(pkg?.powerW).toBeCloseTo(20, 6);
      expect(m.energyJ).toBeCloseTo(30, 6);
      expect(m.quality).toBe('measured');
      expect(pkg?.warnings.join()).toMatch(/rapl:package-0: 1 impossible delta\(s\) dropped, 0\.100 s of 1\.500 s unmeasured .*implies 2020 W, above the 1000 W ceiling/);
    } finally {
      await session.close();
    }
  });

  it('leaves a gauge\'s negative and 65 kW readings out of a window at 100 W', async () => {
    const clock = new ManualClock();
    const t0 = clock.nowS();
    const info: SourceInfo = { id: 'fake:gpu0', kind: 'gauge', scope: 'gpu', quality: 'measured', description: 'a GPU gauge that glitches' };
    const gauge: GaugeSource = {
      info: { ...info, kind: 'gauge' },
      read: async () => {
        const ms = Math.round((clock.nowS() - t0) * 1000);
        return { ok: true, value: ms === 300 ? -12 : ms === 700 ? 65_535 : 100 };
      },
    };
    const probe: Probe = { info, state: 'ok', reason: null, fix: null, source: gauge };
    const session = await Session.open({ sysfs: sysfs('vm'), procfs: procfs('basic'), probes: [probe], intervalMs: 100, clock });
    try {
      const open = await session.meter.open();
      await clock.advance(1000);
      const m = await session.meter.close(open);
      expect(m.source).toBe('fake:gpu0');
      expect(m.energyJ).toBeCloseTo(100, 9);
      expect(m.powerW).toBeCloseTo(100, 9);
      const g = m.sources.find((s) => s.id === 'fake:gpu0');
      // Only the 100 W readings reach the timeline: the two glitches are in no sample.
      expect(g?.series?.length).toBe(g?.samples);
      expect(g?.series?.every(([, p]) => p === 100)).toBe(true);
      expect(m.warnings).toContain('fake:gpu0: 2 implausible power reading(s) left out, never integrated (negative power -12 W)');
    } finally {
      await session.close();
    }
  });
});
