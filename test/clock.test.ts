import { describe, expect, it } from 'vitest';
import { systemClock } from '../src/clock.js';
import { ManualClock } from './helpers/manual-clock.js';

describe('ManualClock', () => {
  it('fires timers in time order only when advanced past them, and cancels', async () => {
    const clock = new ManualClock(10);
    const fired: string[] = [];
    clock.setTimer(() => fired.push('b'), 200);
    clock.setTimer(() => fired.push('a'), 100);
    const c = clock.setTimer(() => fired.push('c'), 150);
    c.cancel();
    await clock.advance(99);
    expect(fired).toEqual([]);
    await clock.advance(1);
    expect(fired).toEqual(['a']);
    expect(clock.nowS()).toBeCloseTo(10.1, 9);
    await clock.advance(500);
    expect(fired).toEqual(['a', 'b']);
    expect(clock.timers).toBe(0);
  });

  it('runs awaits queued by a timer before the next one fires', async () => {
    const clock = new ManualClock();
    const seen: number[] = [];
    void (async () => {
      for (let i = 0; i < 3; i++) {
        await clock.sleep(100);
        seen.push(clock.nowS());
      }
    })();
    await clock.advance(300);
    expect(seen).toEqual([1000.1, 1000.2, 1000.3].map((x) => expect.closeTo(x, 9)));
  });

  it('ends a sleep at once when its signal aborts', async () => {
    const clock = new ManualClock();
    const ctl = new AbortController();
    let done = false;
    void clock.sleep(10_000, ctl.signal).then(() => (done = true));
    ctl.abort();
    await clock.advance(0);
    expect(done).toBe(true);
  });
});

describe('systemClock', () => {
  it('never goes backwards and resolves an aborted sleep at once', async () => {
    const a = systemClock.nowS();
    const ctl = new AbortController();
    ctl.abort();
    await systemClock.sleep(60_000, ctl.signal);
    expect(systemClock.nowS()).toBeGreaterThanOrEqual(a);
  });
});
