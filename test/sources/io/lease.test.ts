import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../helpers/manual-clock.js';
import { Lease } from '../../../src/sources/io/lease.js';
import { PLUG_NOT_STARTED, PlugPoller } from '../../../src/sources/io/plug-poller.js';
import type { ReadResult } from '../../../src/sources/types.js';

/** A promise settled by hand. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending promise callback run. */
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Whether `p` has settled yet. */
async function isSettled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  await settle();
  return done;
}

/** A lease over a fake resource that counts its starts and stops; each start waits for `gate` when one is set. */
function counted(): { lease: Lease; starts: () => number; stops: () => number; events: string[]; gate: { next: Promise<void> | null } } {
  const events: string[] = [];
  const gate: { next: Promise<void> | null } = { next: null };
  const lease = new Lease(
    async () => {
      events.push('start');
      if (gate.next) await gate.next;
      events.push('started');
    },
    () => {
      events.push('stop');
    },
  );
  return { lease, events, gate, starts: () => events.filter((e) => e === 'start').length, stops: () => events.filter((e) => e === 'stop').length };
}

describe('Lease', () => {
  it('starts once for every acquire, and each acquire waits for that start', async () => {
    const { lease, starts, gate } = counted();
    const open = deferred();
    gate.next = open.promise;
    const a = lease.acquire();
    const b = lease.acquire();
    // The start runs at once, inside the first acquire() call.
    expect(starts()).toBe(1);
    expect(await isSettled(a)).toBe(false);
    expect(await isSettled(b)).toBe(false);
    open.resolve();
    await Promise.all([a, b]);
    expect(starts()).toBe(1);
    expect(lease.users).toBe(2);
    expect(lease.held).toBe(true);
  });

  it('stops on the last release only', async () => {
    const { lease, stops } = counted();
    await lease.acquire();
    await lease.acquire();
    await lease.release();
    expect(stops()).toBe(0);
    expect(lease.held).toBe(true);
    await lease.release();
    expect(stops()).toBe(1);
    expect(lease.held).toBe(false);
  });

  it('ignores a release without an acquire, which cannot unbalance the count', async () => {
    const { lease, starts, stops } = counted();
    await lease.release();
    expect(stops()).toBe(0);
    expect(starts()).toBe(0);
    expect(lease.users).toBe(0);
    await lease.acquire();
    await lease.acquire();
    await lease.release();
    expect(stops()).toBe(0);
    await lease.release();
    await lease.release();
    expect(stops()).toBe(1);
    expect(lease.users).toBe(0);
  });

  it('waits for a start still running before it stops', async () => {
    const { lease, events, gate } = counted();
    const open = deferred();
    gate.next = open.promise;
    const acquired = lease.acquire();
    const released = lease.release();
    expect(await isSettled(released)).toBe(false);
    expect(events).toEqual(['start']);
    open.resolve();
    await Promise.all([acquired, released]);
    expect(events).toEqual(['start', 'started', 'stop']);
  });

  it('keeps running when someone acquires while the last release waits for the start', async () => {
    const { lease, starts, stops, gate } = counted();
    const open = deferred();
    gate.next = open.promise;
    const first = lease.acquire();
    const released = lease.release();
    const second = lease.acquire();
    open.resolve();
    await Promise.all([first, released, second]);
    expect(starts()).toBe(1);
    expect(stops()).toBe(0);
    expect(lease.held).toBe(true);
    await lease.release();
    expect(stops()).toBe(1);
  });

  it('stops once when two last releases wait for the same start', async () => {
    const { lease, stops, gate } = counted();
    const open = deferred();
    gate.next = open.promise;
    const a = lease.acquire();
    const releaseA = lease.release();
    const b = lease.acquire();
    const releaseB = lease.release();
    open.resolve();
    await Promise.all([a, b, releaseA, releaseB]);
    expect(stops()).toBe(1);
    expect(lease.held).toBe(false);
  });

  it('leaves a newer start to its own release when an older last release resumes late', async () => {
    const events: string[] = [];
    const first = deferred();
    const second = deferred();
    let starts = 0;
    let restarted: Promise<unknown>[] = [];
    const lease: Lease = new Lease(
      async () => {
        starts += 1;
        events.push(`start ${starts}`);
        await (starts === 1 ? first.promise : second.promise);
        events.push(`started ${starts}`);
      },
      () => {
        events.push('stop');
        // Between the first stop and the other waiting release: a new holder comes and goes while its start runs.
        if (restarted.length === 0) restarted = [lease.acquire(), lease.release()];
      },
    );
    const a = lease.acquire();
    const releaseA = lease.release();
    const b = lease.acquire();
    const releaseB = lease.release();
    first.resolve();
    await Promise.all([a, b, releaseA, releaseB]);
    // The second start is still running: nothing may stop it yet.
    expect(events).toEqual(['start 1', 'started 1', 'stop', 'start 2']);
    second.resolve();
    await Promise.all(restarted);
    expect(events).toEqual(['start 1', 'started 1', 'stop', 'start 2', 'started 2', 'stop']);
  });

  it('starts again when acquired after the last release', async () => {
    const { lease, events } = counted();
    await lease.acquire();
    await lease.release();
    await lease.acquire();
    expect(events).toEqual(['start', 'started', 'stop', 'start', 'started']);
    expect(lease.held).toBe(true);
  });

  it('rejects the acquires of a failed start, then still stops and lets the next acquire try again', async () => {
    let calls = 0;
    let stops = 0;
    const lease = new Lease(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('no such tool');
      },
      () => {
        stops += 1;
      },
    );
    await expect(lease.acquire()).rejects.toThrow('no such tool');
    // A second holder shares the failed start rather than starting another.
    await expect(lease.acquire()).rejects.toThrow('no such tool');
    expect(calls).toBe(1);
    await lease.release();
    await expect(lease.release()).resolves.toBeUndefined();
    expect(stops).toBe(1);
    await expect(lease.acquire()).resolves.toBeUndefined();
    expect(calls).toBe(2);
  });

  it('treats a start that throws at once like a failed start: shared by the holders, reset by the last release', async () => {
    let calls = 0;
    let stops = 0;
    const lease = new Lease(
      () => {
        calls += 1;
        throw new Error('spawn EINVAL');
      },
      () => {
        stops += 1;
      },
    );
    await expect(lease.acquire()).rejects.toThrow('spawn EINVAL');
    await expect(lease.acquire()).rejects.toThrow('spawn EINVAL');
    expect(calls).toBe(1);
    await lease.release();
    await lease.release();
    expect(stops).toBe(1);
    await expect(lease.acquire()).rejects.toThrow('spawn EINVAL');
    expect(calls).toBe(2);
  });

  it('waits for an asynchronous stop', async () => {
    const stopped = deferred();
    const lease = new Lease(async () => undefined, () => stopped.promise);
    await lease.acquire();
    const released = lease.release();
    expect(await isSettled(released)).toBe(false);
    stopped.resolve();
    await released;
  });
});

describe('Lease.holder', () => {
  it('acquires once per holder however often it starts', async () => {
    const { lease, starts } = counted();
    const h = lease.holder();
    expect(h.held).toBe(false);
    await Promise.all([h.start(), h.start()]);
    await h.start();
    expect(h.held).toBe(true);
    expect(lease.users).toBe(1);
    expect(starts()).toBe(1);
  });

  it('releases only what it acquired: closing twice, or without starting, leaves other holders running', async () => {
    const { lease, stops } = counted();
    const a = lease.holder();
    const b = lease.holder();
    const idle = lease.holder();
    await a.start();
    await b.start();
    await idle.close();
    await a.close();
    await a.close();
    expect(a.held).toBe(false);
    expect(lease.users).toBe(1);
    expect(stops()).toBe(0);
    await b.close();
    expect(stops()).toBe(1);
  });

  it('starts again after every holder closed', async () => {
    const { lease, starts } = counted();
    const h = lease.holder();
    await h.start();
    await h.close();
    await h.start();
    expect(starts()).toBe(2);
    expect(lease.held).toBe(true);
  });
});

describe('PlugPoller', () => {
  const timings = { periodMs: 20, staleAfterS: 5 };

  it('answers "not started" until a holder starts it, and again once every holder closed', async () => {
    let n = 0;
    const plug = new PlugPoller<number>(async () => ({ ok: true, value: ++n }), timings);
    const gauge = plug.holder();
    const counter = plug.holder();
    const read = plug.reader((v) => v, 'no value');
    expect(await read()).toEqual({ ok: false, reason: PLUG_NOT_STARTED });
    await gauge.start();
    await counter.start();
    expect(n).toBe(1);
    expect(await read()).toMatchObject({ ok: true, value: 1 });
    await gauge.close();
    // The counter still holds it: polling goes on.
    await expect.poll(() => n, { timeout: 1000 }).toBeGreaterThan(1);
    await counter.close();
    expect(await read()).toEqual({ ok: false, reason: PLUG_NOT_STARTED });
  });

  it('says which number is missing, and passes on why the last poll failed', async () => {
    const answers: Array<ReadResult<{ w: number | null }>> = [{ ok: true, value: { w: null } }];
    const plug = new PlugPoller(async () => answers.shift() ?? { ok: false, reason: 'gave no answer' }, { periodMs: 10_000, staleAfterS: 5 }, 'not started: custom');
    const read = plug.reader((v) => v.w, 'the last answer had no power');
    expect(await read()).toEqual({ ok: false, reason: 'not started: custom' });
    const h = plug.holder();
    await h.start();
    expect(await read()).toEqual({ ok: false, reason: 'the last answer had no power' });
    await h.close();
  });

  it('waits on close for the request still in flight', async () => {
    const clock = new ManualClock();
    const requests: Array<ReturnType<typeof deferred<ReadResult<number>>>> = [];
    const plug = new PlugPoller<number>(() => {
      const d = deferred<ReadResult<number>>();
      requests.push(d);
      return d.promise;
    }, { ...timings, clock });
    const h = plug.holder();
    const started = h.start();
    requests[0]?.resolve({ ok: true, value: 1 });
    await started;
    // The next poll begins after one period and hangs until answered.
    await clock.advance(timings.periodMs - 1);
    expect(requests.length).toBe(1);
    await clock.advance(1);
    expect(requests.length).toBe(2);
    const closed = h.close();
    expect(await isSettled(closed)).toBe(false);
    requests[1]?.resolve({ ok: false, reason: 'late' });
    await closed;
    // Stopped: no poll after the close, and no timer left behind.
    await clock.advance(3 * timings.periodMs);
    expect(requests.length).toBe(2);
    expect(clock.timers).toBe(0);
  });
});
