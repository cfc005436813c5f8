import { describe, expect, it } from 'vitest';
import { Session } from '../../src/runner/session.js';
import { frozenAfterS, frozenReason, longestStill } from '../../src/sampler/frozen.js';
import { integrateCounter } from '../../src/sampler/integrate.js';
import type { SourceInfo } from '../../src/sources/types.js';
import { procfs, seamReader, sysfs } from '../helpers/fake-files.js';
import { ManualClock } from '../helpers/manual-clock.js';

/** A RAPL tree whose package counter never moves (some VMs and firmware expose such zones), read through the file seam. */
function frozenTree(clock: ManualClock, moving: (tS: number) => number | null = () => null) {
  const t0 = clock.nowS();
  return seamReader({
    text: (path) => {
      if (!path.includes('intel-rapl:0/')) return null;
      if (path.endsWith('max_energy_range_uj')) return '65532610987\n';
      if (path.endsWith('energy_uj')) return `${moving(clock.nowS() - t0) ?? 5_555_555_555}\n`;
      return null;
    },
  });
}

async function windowOf(clock: ManualClock, ms: number, moving?: (tS: number) => number | null) {
  const session = await Session.open({ sysfs: sysfs('amd-zen'), procfs: procfs('basic'), files: frozenTree(clock, moving), intervalMs: 100, clock });
  try {
    const open = await session.meter.open();
    await clock.advance(ms);
    return await session.meter.close(open);
  } finally {
    await session.close();
  }
}

describe('a frozen counter', () => {
  it('is never 0 J measured: over 2 s without a move its energy is unknown with a reason, and so is the total', async () => {
    const clock = new ManualClock();
    const m = await windowOf(clock, 2000);
    const pkg = m.sources.find((s) => s.id === 'rapl:package-0');
    expect(pkg?.inTotal).toBe(true);
    expect(pkg?.energyJ).toBeNull();
    expect(pkg?.powerW).toBeNull();
    expect(pkg?.reason).toBe('counter did not move in 2.000 s, longer than its update period 0.001 s: frozen sensor, energy unknown');
    expect(pkg?.warnings).toContain(`rapl:package-0: ${pkg?.reason}`);
    expect(m.energyJ).toBeNull();
    expect(m.quality).toBe('none');
    expect(m.warnings.join('\n')).toMatch(/rapl:package-0: no energy for this window.*the total is unknown/);
  });

  it('is not flagged when the window is shorter than the threshold: an idle counter may read the same value', async () => {
    const clock = new ManualClock();
    const m = await windowOf(clock, 900);
    const pkg = m.sources.find((s) => s.id === 'rapl:package-0');
    expect(pkg?.energyJ).toBe(0);
    expect(pkg?.reason).toBeNull();
    expect(m.energyJ).toBe(0);
    expect(m.quality).toBe('measured');
    expect(m.warnings.join('\n')).not.toMatch(/frozen/);
  });

  it('is flagged when it stops in the middle of a window: what it counted before is not the window', async () => {
    const clock = new ManualClock();
    // 10 W for the first 0.5 s, then stuck for 1.5 s.
    const m = await windowOf(clock, 2000, (tS) => Math.round(10 * Math.min(tS, 0.5) * 1e6));
    const pkg = m.sources.find((s) => s.id === 'rapl:package-0');
    expect(pkg?.energyJ).toBeNull();
    expect(pkg?.reason).toMatch(/^counter did not move for 1\.500 s of the 2\.000 s window, longer than its update period 0\.001 s: frozen sensor, energy unknown$/);
    expect(m.energyJ).toBeNull();
  });
});

const rapl: SourceInfo = { id: 'rapl:package-0', kind: 'counter', scope: 'cpu-package', quality: 'measured', description: '', joulesPerUnit: 1e-6, maxRange: 65532610987, updatePeriodS: 0.001 };
/** `n` reads of the same value, `stepS` apart. */
const still = (n: number, stepS: number, value = 42): Array<{ tS: number; value: number }> => Array.from({ length: n }, (_, i) => ({ tS: i * stepS, value }));

describe('the frozen-counter rule', () => {
  it('gives RAPL (1 ms updates, µJ) 1 s, a polled plug three polls, a coarse total the time one step takes at 0.1 W', () => {
    expect(frozenAfterS(rapl)).toBe(1);
    expect(frozenAfterS({ ...rapl, updatePeriodS: 2 })).toBe(6);
    expect(frozenAfterS({ ...rapl, updatePeriodS: undefined, minIntervalS: 5 })).toBe(15);
    // A Shelly Gen1 total in watt-minutes (60 J): 600 s; a kWh total (3.6 MJ per unit) is in effect never judged.
    expect(frozenAfterS({ ...rapl, joulesPerUnit: 60, updatePeriodS: 1 })).toBe(600);
    expect(frozenAfterS({ ...rapl, joulesPerUnit: 3.6e6 })).toBe(3.6e7);
    // A counter in J without a declared period (perf's running total, the debug source).
    expect(frozenAfterS({ ...rapl, joulesPerUnit: 1, updatePeriodS: undefined })).toBe(10);
  });

  it('never judges an estimate: a model that says 0 W is not a frozen sensor', () => {
    expect(frozenAfterS({ ...rapl, quality: 'estimated' })).toBe(Infinity);
    expect(frozenReason({ ...rapl, quality: 'estimated' }, still(100, 1))).toBeNull();
  });

  it('finds the longest stretch of equal consecutive readings', () => {
    expect(longestStill([])).toBeNull();
    expect(longestStill([{ tS: 0, value: 1 }, { tS: 1, value: 2 }])).toBeNull();
    expect(
      longestStill([
        { tS: 0, value: 1 },
        { tS: 1, value: 1 },
        { tS: 2, value: 2 },
        { tS: 3, value: 2 },
        { tS: 5, value: 2 },
        { tS: 6, value: 3 },
      ]),
    ).toEqual({ fromS: 2, toS: 5 });
  });

  it('flags a counter still for longer than the threshold, and says what was seen', () => {
    const w = integrateCounter(rapl, still(21, 0.1));
    expect(w.energyJ).toBeNull();
    expect(w.powerW).toBeNull();
    expect(w.series).toBeUndefined();
    expect(w.reason).toBe('counter did not move in 2.000 s, longer than its update period 0.001 s: frozen sensor, energy unknown');
    expect(w.warnings).toEqual([`rapl:package-0: ${w.reason}`]);
  });

  it('does not flag an idle counter over a window shorter than the threshold, nor exactly at it', () => {
    for (const recs of [still(10, 0.1), still(11, 0.1)]) {
      const w = integrateCounter(rapl, recs);
      expect(w.energyJ).toBe(0);
      expect(w.reason).toBeNull();
      expect(w.warnings).toEqual([]);
    }
  });

  it('does not flag a counter that moves, however slowly, within the threshold', () => {
    // A Shelly Gen1 total in watt-minutes at 5 W moves every 12 s: a 30 s window is not frozen.
    const wmin: SourceInfo = { ...rapl, id: 'shelly:plug', scope: 'system-wall', joulesPerUnit: 60, maxRange: null, updatePeriodS: 1 };
    const recs = Array.from({ length: 31 }, (_, i) => ({ tS: i, value: 1000 + Math.floor(i / 12) }));
    const w = integrateCounter(wmin, recs);
    expect(w.reason).toBeNull();
    expect(w.energyJ).toBeCloseTo(120, 9);
  });

  it('names the threshold when the counter declares no update period', () => {
    const w = integrateCounter({ ...rapl, updatePeriodS: undefined }, still(31, 0.1));
    expect(w.reason).toBe('counter did not move in 3.000 s, longer than the 1 s within which a working counter of its resolution moves: frozen sensor, energy unknown');
  });

  it('counts failed reads inside a still stretch as still: nothing showed it moving', () => {
    const w = integrateCounter(rapl, [
      { tS: 0, value: 7 },
      { tS: 0.5, value: null, reason: 'EIO' },
      { tS: 1.5, value: 7 },
    ]);
    expect(w.reason).toMatch(/did not move in 1\.500 s/);
  });
});
