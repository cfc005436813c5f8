import { describe, expect, it } from 'vitest';
import { Session } from '../../src/runner/session.js';
import { Sampler } from '../../src/sampler/sampler.js';
import { WindowMeter } from '../../src/sampler/window.js';
import type { CounterSource, GaugeSource } from '../../src/sources/types.js';
import { procfs, seamReader, sysfs } from '../helpers/fake-files.js';
import { ManualClock } from '../helpers/manual-clock.js';

/** Tracks whether a promise has settled, so a test can say "not yet" at one instant and "now" at the next. */
function settled<T>(p: Promise<T>): { readonly done: boolean; value: Promise<T> } {
  const state = { done: false, value: p };
  void p.then(() => (state.done = true));
  return state;
}

describe('sampler and windows', () => {
  it('gives the exact energy of a counter driven at 15 W across 11 wraps', async () => {
    const clock = new ManualClock();
    const powerW = 15;
    const maxRange = 2_000_000; // 2 J: wraps every 133 ms at 15 W
    const t0 = clock.nowS();
    const files = seamReader({
      text: (path) => {
        if (!path.includes('intel-rapl:0/')) return null;
        if (path.endsWith('max_energy_range_uj')) return `${maxRange}\n`;
        if (path.endsWith('energy_uj')) return `${Math.round(powerW * (clock.nowS() - t0) * 1e6) % maxRange}\n`;
        return null;
      },
    });
    const session = await Session.open({ sysfs: sysfs('amd-zen'), procfs: procfs('basic'), files, intervalMs: 50, clock });
    try {
      const open = await session.meter.open();
      await clock.advance(1500);
      const measurement = await session.meter.close(open);
      const pkg = measurement.sources.find((s) => s.id === 'rapl:package-0');
      expect(pkg?.inTotal).toBe(true);
      expect(measurement.source).toBe('rapl:package-0');
      expect(measurement.quality).toBe('measured');
      // 22.5 J over a 2 J range: every one of the 11 wraps is seen, because a 50 ms read moves the counter 0.75 J.
      expect(pkg?.warnings.join()).toMatch(/rapl:package-0: 11 counter wrap\(s\) corrected/);
      // Two brackets and a periodic read every 50 ms (the one at 1.5 s shares the end bracket's instant).
      expect(pkg?.samples).toBe(2 + 1500 / 50);
      expect(measurement.durationS).toBeCloseTo(1.5, 9);
      expect(pkg?.powerW).toBeCloseTo(powerW, 6);
      expect(measurement.energyJ).toBeCloseTo(powerW * 1.5, 6);
    } finally {
      await session.close();
    }
  });

  it('takes bracketing reads plus periodic ones on its grid, each with its own increasing timestamp', async () => {
    const clock = new ManualClock();
    let reads = 0;
    const gauge: GaugeSource = {
      info: { id: 'g', kind: 'gauge', scope: 'gpu', quality: 'measured', description: 'fake' },
      read: async () => ({ ok: true, value: 100 + (reads++ % 2) }),
    };
    const sampler = new Sampler([gauge], { intervalMs: 20, clock });
    sampler.start();
    const from = await sampler.mark();
    // 290 ms, not 300: a periodic read due at 300 ms would share the end bracket's instant.
    await clock.advance(290);
    const to = await sampler.mark();
    const records = sampler.between('g', from, to);
    expect(records.map((r) => Math.round((r.tS - 1000) * 1000))).toEqual([0, 20, 40, 60, 80, 100, 120, 140, 160, 180, 200, 220, 240, 260, 280, 290]);
    expect(records[0]?.bracket).toBe(true);
    expect(records[records.length - 1]?.bracket).toBe(true);
    expect(records.slice(1, -1).every((r) => !r.bracket)).toBe(true);
    for (let i = 1; i < records.length; i++) expect(records[i]!.tS).toBeGreaterThan(records[i - 1]!.tS);
    expect(sampler.ticks).toBe(14);
    const meter = new WindowMeter(sampler, undefined, clock);
    const open = await meter.open();
    await clock.advance(290);
    const m = await meter.close(open);
    await sampler.stop();
    expect(clock.timers).toBe(0);
    const g = m.sources.find((s) => s.id === 'g');
    // Periodic reads at 300, 320, …, 580 ms (15) between the brackets at 290 and 580 ms.
    expect(g?.samples).toBe(17);
    expect(m.durationS).toBeCloseTo(0.29, 9);
    expect(g?.powerW).toBeGreaterThanOrEqual(100);
    expect(g?.powerW).toBeLessThanOrEqual(101);
    expect(m.energyJ).toBeCloseTo((g?.energyJ as number) ?? Number.NaN, 9);
    expect(sampler.skippedReads).toBe(0);
  });

  it('never blocks on a source that hangs: periodic reads are skipped and brackets time out with a reason', async () => {
    const clock = new ManualClock();
    const hung: CounterSource = {
      info: { id: 'hung', kind: 'counter', scope: 'cpu-package', quality: 'measured', description: 'never answers', joulesPerUnit: 1 },
      read: () => new Promise(() => undefined),
    };
    let okReads = 0;
    const fine: GaugeSource = {
      info: { id: 'fine', kind: 'gauge', scope: 'gpu', quality: 'measured', description: '' },
      read: async () => ({ ok: true, value: (okReads++, 5) }),
    };
    const timed = new Sampler([hung, fine], { intervalMs: 20, bracketTimeoutMs: 100, clock });
    timed.start();
    const meter = new WindowMeter(timed, undefined, clock);
    const opening = settled(meter.open());
    await clock.advance(99);
    expect(opening.done).toBe(false);
    await clock.advance(1);
    expect(opening.done).toBe(true);
    const open = await opening.value;
    await clock.advance(200);
    // The end waits for the hung periodic read (100 ms), then for its own bracketing read (100 ms): never longer.
    const closing = settled(meter.close(open));
    await clock.advance(199);
    expect(closing.done).toBe(false);
    await clock.advance(1);
    expect(closing.done).toBe(true);
    const m = await closing.value;
    await timed.stop();
    expect(clock.nowS() - 1000).toBeCloseTo(0.5, 9);
    // fine: 2 brackets + 25 periodic reads in 500 ms; hung: one periodic read hangs, the other 24 are skipped.
    expect(okReads).toBe(27);
    expect(timed.skippedReads).toBe(24);
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
