import { describe, expect, it } from 'vitest';
import { FfiLane, type FfiValue } from '../../../src/sources/io/ffi-lane.js';
import { ManualClock, flushMicrotasks } from '../../helpers/manual-clock.js';

/** A call the test answers by hand. */
function manual<T>(): { call: () => Promise<FfiValue<T>>; answer: (v: FfiValue<T>) => void; started: () => number } {
  let answer!: (v: FfiValue<T>) => void;
  let started = 0;
  return {
    call: () => {
      started += 1;
      return new Promise((r) => (answer = r));
    },
    answer: (v) => answer(v),
    started: () => started,
  };
}

describe('FfiLane', () => {
  it('makes one call at a time, in order', async () => {
    const lane = new FfiLane('NVML', new ManualClock());
    const a = manual<number>();
    const b = manual<number>();
    const ra = lane.call('a', a.call, 1000);
    const rb = lane.call('b', b.call, 1000);
    await flushMicrotasks();
    expect([a.started(), b.started()]).toEqual([1, 0]);
    a.answer({ ok: true, value: 1 });
    expect(await ra).toEqual({ ok: true, value: 1 });
    await flushMicrotasks();
    expect(b.started()).toBe(1);
    b.answer({ ok: false, code: 3 });
    expect(await rb).toEqual({ ok: false, code: 3 });
  });

  it('answers a hung call with a reason at its deadline, refuses later calls at once, and recovers when it returns', async () => {
    const clock = new ManualClock();
    const lane = new FfiLane('NVML', clock);
    const hung = manual<number>();
    const first = lane.call('nvmlDeviceGetTotalEnergyConsumption', hung.call, 500);
    const queued = manual<number>();
    const behind = lane.call('the SM clock', queued.call, 300);
    await clock.advance(300);
    // The queued call's caller stopped waiting: it is answered, and never made.
    expect(await behind).toEqual({ ok: false, code: null, reason: 'NVML the SM clock did not return within 300 ms' });
    await clock.advance(200);
    expect(await first).toEqual({ ok: false, code: null, reason: 'NVML nvmlDeviceGetTotalEnergyConsumption did not return within 500 ms' });
    await clock.advance(1500);
    const refused = await lane.call('the temperature', async () => ({ ok: true, value: 1 }), 500);
    expect(refused).toEqual({ ok: false, code: null, reason: 'NVML has not returned from nvmlDeviceGetTotalEnergyConsumption for 2.0 s (a hung driver?), so the temperature was not asked' });
    hung.answer({ ok: true, value: 5 });
    await flushMicrotasks();
    expect(queued.started()).toBe(0);
    expect(await lane.call('again', async () => ({ ok: true, value: 2 }), 500)).toEqual({ ok: true, value: 2 });
  });

  it('turns a call that throws into a reason', async () => {
    const lane = new FfiLane('NVML', new ManualClock());
    const r = await lane.call('x', () => Promise.reject(new Error('boom')), 100);
    expect(r).toEqual({ ok: false, code: null, reason: 'NVML x failed: boom' });
  });
});
