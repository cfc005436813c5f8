import { describe, expect, it } from 'vitest';
import { chooseModel, linearModel, teadsModel } from '../../../src/sources/estimate/estimate-model.js';
import { probeEstimate } from '../../../src/sources/estimate/estimate.js';
import type { CpuTimes, ReadResult } from '../../../src/sources/types.js';
import { ManualClock } from '../../helpers/manual-clock.js';

describe('power models', () => {
  it('passes the Teads curve through its published points', () => {
    const m = teadsModel(100, 'test');
    expect(m.powerW(0)).toBeCloseTo(12, 9);
    expect(m.powerW(0.1)).toBeCloseTo(32, 9);
    expect(m.powerW(0.5)).toBeCloseTo(75, 9);
    expect(m.powerW(1)).toBeCloseTo(102, 9);
    expect(m.powerW(0.3)).toBeCloseTo(32 + (75 - 32) * 0.5, 9);
    expect(m.powerW(7)).toBeCloseTo(102, 9);
    expect(m.powerW(Number.NaN)).toBeCloseTo(12, 9);
  });

  it('draws the linear model from idle to max', () => {
    const m = linearModel(20, 120);
    expect(m.powerW(0)).toBe(20);
    expect(m.powerW(0.25)).toBe(45);
    expect(m.params).toMatchObject({ idle_w: 20, max_w: 120 });
  });

  it('chooses the user line, then the user TDP, then 4 W per CPU', () => {
    expect(chooseModel({ idleW: 1, maxW: 2 }, 8).id).toBe('linear@1');
    expect(chooseModel({ tdpW: 65 }, 8).params).toMatchObject({ tdp_w: 65, tdp_source: 'user' });
    const d = chooseModel({}, 8);
    expect(d.params.tdp_w).toBe(32);
    expect(String(d.params.tdp_source)).toMatch(/4 W per logical CPU/);
  });
});

describe('estimate source', () => {
  it('accumulates model watts over measured time as a counter, labelled estimated', async () => {
    // Utilization is 50% between every pair of reads: busy +1 s, total +2 s.
    let n = 0;
    const times = async (): Promise<ReadResult<CpuTimes>> => {
      n += 1;
      return { ok: true, value: { busyS: n, totalS: 2 * n, stealS: 0, cpus: 4 } };
    };
    const clock = new ManualClock();
    const probe = await probeEstimate(times, { tdpW: 100 }, 4, clock);
    expect(probe.state).toBe('ok');
    expect(probe.info.quality).toBe('estimated');
    expect(probe.info.model?.id).toBe('teads-tdp@1');
    const source = probe.source!;
    const a = await source.read();
    await clock.advance(200);
    const b = await source.read();
    if (!a.ok || !b.ok || a.atS === undefined || b.atS === undefined) throw new Error('reads failed');
    // 50% on the Teads curve at 100 W TDP is 75 W.
    expect(b.atS - a.atS).toBeCloseTo(0.2, 9);
    expect((b.value as number) - (a.value as number)).toBeCloseTo(75 * 0.2, 9);
  });

  it('is an error state with a reason when utilization cannot be read', async () => {
    const probe = await probeEstimate(async () => ({ ok: false, reason: 'ENOENT reading /proc/stat' }), {}, 2);
    expect(probe.state).toBe('error');
    expect(probe.reason).toMatch(/ENOENT/);
    expect(probe.source).toBeUndefined();
  });
});
