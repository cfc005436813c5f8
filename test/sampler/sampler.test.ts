import { describe, expect, it } from 'vitest';
import { Session } from '../../src/runner/session.js';
import { Sampler } from '../../src/sampler/sampler.js';
import { WindowMeter } from '../../src/sampler/window.js';
import type { CounterSource, GaugeSource } from '../../src/sources/types.js';
import { monotonicS } from '../../src/units.js';
import { procfs, seamReader, sysfs } from '../helpers/fake-files.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('sampler and windows', () => {
  it('gives the known energy of a counter driven at 15 W across many wraps, within 0.5%', async () => {
    const powerW = 15;
    const maxRange = 2_000_000; // 2 J: wraps every 133 ms at 15 W
    const t0 = monotonicS();
    const files = seamReader({
      text: (path) => {
        if (!path.includes('intel-rapl:0/')) return null;
        if (path.endsWith('max_energy_range_uj')) return `${maxRange}\n`;
        if (path.endsWith('energy_uj')) return `${Math.floor(powerW * (monotonicS() - t0) * 1e6) % maxRange}\n`;
        return null;
      },
    });
    const session = await Session.open({ sysfs: sysfs('amd-zen'), procfs: procfs('basic'), files, intervalMs: 50 });
    try {
      const { measurement } = await session.measure(() => sleep(1500));
      const pkg = measurement.sources.find((s) => s.id === 'rapl:package-0');
      expect(pkg?.inTotal).toBe(true);
      expect(measurement.source).toBe('rapl:package-0');
      expect(measurement.quality).toBe('measured');
      expect(pkg?.warnings.join()).toMatch(/counter wrap\(s\) corrected/);
      const wraps = Number(/(\d+) counter wrap/.exec(pkg?.warnings.join() ?? '')?.[1]);
      expect(wraps).toBeGreaterThanOrEqual(5);
      expect(pkg?.powerW).toBeGreaterThan(powerW * 0.995);
      expect(pkg?.powerW).toBeLessThan(powerW * 1.005);
      const expectedJ = powerW * measurement.durationS;
      expect(Math.abs((measurement.energyJ as number) - expectedJ) / expectedJ).toBeLessThan(0.005);
    } finally {
      await session.close();
    }
  });

  it('takes bracketing reads plus periodic ones, each with its own increasing timestamp', async () => {
    let reads = 0;
    const gauge: GaugeSource = {
      info: { id: 'g', kind: 'gauge', scope: 'gpu', quality: 'measured', description: 'fake' },
      read: async () => ({ ok: true, value: 100 + (reads++ % 2) }),
    };
    const sampler = new Sampler([gauge], { intervalMs: 20 });
    sampler.start();
    const from = await sampler.mark();
    await sleep(300);
    const to = await sampler.mark();
    const records = sampler.between('g', from, to);
    expect(records[0]?.bracket).toBe(true);
    expect(records[records.length - 1]?.bracket).toBe(true);
    expect(records.slice(1, -1).every((r) => !r.bracket)).toBe(true);
    for (let i = 1; i < records.length; i++) expect(records[i]!.tS).toBeGreaterThan(records[i - 1]!.tS);
    const meter = new WindowMeter(sampler);
    const open = await meter.open();
    await sleep(300);
    const m = await meter.close(open);
    await sampler.stop();
    const g = m.sources.find((s) => s.id === 'g');
    expect(g?.samples).toBeGreaterThanOrEqual(10);
    expect(g?.powerW).toBeGreaterThanOrEqual(100);
    expect(g?.powerW).toBeLessThanOrEqual(101);
    expect(m.energyJ).toBeCloseTo((g?.energyJ as number) ?? Number.NaN, 9);
  });

  it('never blocks on a source that hangs: periodic reads are skipped and brackets time out with a reason', async () => {
    const hung: CounterSource = {
      info: { id: 'hung', kind: 'counter', scope: 'cpu-package', quality: 'measured', description: 'never answers', joulesPerUnit: 1 },
      read: () => new Promise(() => undefined),
    };
    let okReads = 0;
    const fine: GaugeSource = {
      info: { id: 'fine', kind: 'gauge', scope: 'gpu', quality: 'measured', description: '' },
      read: async () => ({ ok: true, value: (okReads++, 5) }),
    };
    const sampler = new Sampler([hung, fine], { intervalMs: 20, bracketTimeoutMs: 100 });
    sampler.start();
    const meter = new WindowMeter(sampler);
    const started = Date.now();
    const open = await meter.open();
    await sleep(200);
    const m = await meter.close(open);
    await sampler.stop();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(okReads).toBeGreaterThanOrEqual(5);
    const h = m.sources.find((s) => s.id === 'hung');
    expect(h?.energyJ).toBeNull();
    expect(h?.reason).toMatch(/no answer within 100 ms/);
    expect(m.energyJ).toBeNull();
    expect(m.quality).toBe('none');
    expect(m.warnings.join()).toMatch(/hung: no energy for this window/);
  });

  it('rejects a non-positive interval', () => {
    expect(() => new Sampler([], { intervalMs: 0 })).toThrow(/interval must be positive/);
  });
});
