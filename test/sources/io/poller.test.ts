import { describe, expect, it } from 'vitest';
import { Poller, SharedPoller } from '../../../src/sources/io/poller.js';
import type { ReadResult } from '../../../src/sources/types.js';
import { flushMicrotasks, ManualClock } from '../../helpers/manual-clock.js';

/** A fetch whose requests stay open until the test answers them. */
function pending<T>(): { fetch: () => Promise<ReadResult<T>>; requests: Array<(r: ReadResult<T>) => void> } {
  const requests: Array<(r: ReadResult<T>) => void> = [];
  return { requests, fetch: () => new Promise<ReadResult<T>>((resolve) => requests.push(resolve)) };
}

describe('Poller (the poll driver)', () => {
  it('asks one period after each answer, never two requests at once', async () => {
    const clock = new ManualClock();
    const { fetch, requests } = pending<number>();
    const poller = new Poller(fetch, { periodMs: 1000, clock });
    const started = poller.start();
    requests[0]?.({ ok: true, value: 1 });
    expect(await started).toEqual({ ok: true, value: 1 });
    await clock.advance(999);
    expect(requests.length).toBe(1);
    await clock.advance(1);
    expect(requests.length).toBe(2);
    // The second request hangs: however long, no third one is sent beside it.
    await clock.advance(10_000);
    expect(requests.length).toBe(2);
    requests[1]?.({ ok: true, value: 2 });
    await flushMicrotasks();
    await clock.advance(1000);
    expect(requests.length).toBe(3);
    requests[2]?.({ ok: true, value: 3 });
    await poller.stop();
  });

  it('answers the last good value with its time, and refuses it past staleAfterS naming the last error', async () => {
    const clock = new ManualClock(100);
    const answers: Array<ReadResult<number>> = [{ ok: true, value: 7, atS: 99.5 }, { ok: false, reason: 'no answer within 400 ms' }];
    const poller = new Poller(async () => answers.shift() ?? { ok: false, reason: 'gone' }, { periodMs: 1000, staleAfterS: 2.5, clock });
    await poller.start();
    expect(poller.latest()).toEqual({ ok: true, value: 7, atS: 99.5 });
    await clock.advance(1000);
    // The failed poll keeps the value while it is fresh.
    expect(poller.latest()).toEqual({ ok: true, value: 7, atS: 99.5 });
    await clock.advance(2000);
    expect(poller.latest()).toEqual({ ok: false, reason: 'stale: last good reading 3.5 s ago (gone)' });
    await poller.stop();
  });

  it('stamps a value without a time of its own with the clock, and counts a throw as a failed request', async () => {
    const clock = new ManualClock(50);
    let calls = 0;
    const poller = new Poller<number>(
      async () => {
        calls += 1;
        if (calls === 1) return { ok: true, value: 3 };
        throw new Error('tool crashed');
      },
      { periodMs: 500, staleAfterS: 0.75, clock },
    );
    expect(await poller.start()).toEqual({ ok: true, value: 3 });
    expect(poller.latest()).toEqual({ ok: true, value: 3, atS: 50 });
    await clock.advance(1000);
    expect(poller.latest()).toEqual({ ok: false, reason: 'stale: last good reading 1.0 s ago (tool crashed)' });
    await poller.stop();
  });

  it('says why before the first good value, and defaults staleAfterS to three periods (at least 3 s)', async () => {
    const clock = new ManualClock();
    const poller = new Poller<number>(async () => ({ ok: false, reason: 'EACCES' }), { periodMs: 2000, clock });
    expect(poller.latest()).toEqual({ ok: false, reason: 'no reading yet' });
    expect(await poller.start()).toEqual({ ok: false, reason: 'EACCES' });
    expect(poller.latest()).toEqual({ ok: false, reason: 'EACCES' });
    expect(poller.staleAfterS).toBe(6);
    expect(new Poller(async () => ({ ok: true, value: 1 }), { periodMs: 100 }).staleAfterS).toBe(3);
    await poller.stop();
  });

  it('stays stopped when stop() comes while the first poll of start() is in flight (the amd-smi race)', async () => {
    const clock = new ManualClock();
    const { fetch, requests } = pending<number>();
    const poller = new Poller(fetch, { periodMs: 1000, clock });
    const started = poller.start();
    const stopped = poller.stop();
    requests[0]?.({ ok: true, value: 1 });
    await Promise.all([started, stopped]);
    await clock.advance(10_000);
    expect(requests.length).toBe(1);
    expect(clock.timers).toBe(0);
  });

  it('stop() resolves only once the request in flight has ended, and nothing is asked after it', async () => {
    const clock = new ManualClock();
    const { fetch, requests } = pending<number>();
    const poller = new Poller(fetch, { periodMs: 1000, clock });
    const started = poller.start();
    requests[0]?.({ ok: true, value: 1 });
    await started;
    await clock.advance(1000);
    expect(requests.length).toBe(2);
    let done = false;
    const stopped = poller.stop().then(() => (done = true));
    await flushMicrotasks();
    expect(done).toBe(false);
    requests[1]?.({ ok: false, reason: 'late' });
    await stopped;
    await clock.advance(5000);
    expect(requests.length).toBe(2);
    expect(clock.timers).toBe(0);
  });

  it('restarts cleanly after a stop: one polling chain, not two', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const poller = new Poller<number>(async () => ({ ok: true, value: ++calls }), { periodMs: 1000, clock });
    await poller.start();
    await clock.advance(1000);
    await poller.stop();
    await poller.start();
    const before = calls;
    await clock.advance(3000);
    expect(calls - before).toBe(3);
    await poller.stop();
  });
});

describe('SharedPoller (the poll driver under a lease)', () => {
  it('a close while the first poll of start() is in flight leaves nothing polling, and a new start polls again', async () => {
    const clock = new ManualClock();
    const { fetch, requests } = pending<number>();
    const shared = new SharedPoller(fetch, { periodMs: 1000, clock }, 'not started');
    const gpu = shared.holder();
    const started = gpu.start();
    const closed = gpu.close();
    requests[0]?.({ ok: true, value: 1 });
    await Promise.all([started, closed]);
    await clock.advance(10_000);
    expect(requests.length).toBe(1);
    expect(clock.timers).toBe(0);
    expect(shared.latest()).toEqual({ ok: false, reason: 'not started' });

    const again = gpu.start();
    requests[1]?.({ ok: true, value: 2 });
    await again;
    expect(shared.latest()).toMatchObject({ ok: true, value: 2 });
    await clock.advance(1000);
    expect(requests.length).toBe(3);
    requests[2]?.({ ok: true, value: 3 });
    await gpu.close();
    await clock.advance(10_000);
    expect(requests.length).toBe(3);
  });

  it('polls once for every holder, from the first start to the last close, and words "not started" per caller', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const shared = new SharedPoller<number>(async () => ({ ok: true, value: ++calls }), { periodMs: 1000, clock }, 'not started: default');
    const a = shared.holder();
    const b = shared.holder();
    expect(shared.latest('not polled: amdgpu:0 reads this GPU')).toEqual({ ok: false, reason: 'not polled: amdgpu:0 reads this GPU' });
    await Promise.all([a.start(), b.start()]);
    expect(calls).toBe(1);
    expect(shared.held).toBe(true);
    await a.close();
    await clock.advance(1000);
    expect(calls).toBe(2);
    await b.close();
    await clock.advance(5000);
    expect(calls).toBe(2);
    expect(shared.latest()).toEqual({ ok: false, reason: 'not started: default' });
  });
});
