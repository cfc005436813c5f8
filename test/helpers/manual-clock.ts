import type { Clock, ClockTimer } from '../../src/clock.js';

interface Pending {
  atMs: number;
  seq: number;
  fn: () => void;
}

/** Lets promise callbacks that are already queued run (several rounds, for chains of awaits). */
export async function flushMicrotasks(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

/**
 * A clock that moves only when the test says so: `advance(ms)` fires every timer that falls due, in time order, and
 * lets the promise callbacks each one queues run before the next, so code under test sees time pass as it would.
 */
export class ManualClock implements Clock {
  /** Milliseconds, so that whole-millisecond steps add up exactly. */
  private tMs: number;
  private seq = 0;
  private pending: Pending[] = [];

  constructor(startS = 1000) {
    this.tMs = startS * 1000;
  }

  nowS(): number {
    return this.tMs / 1000;
  }

  setTimer(fn: () => void, ms: number): ClockTimer {
    const entry: Pending = { atMs: this.tMs + Math.max(0, ms), seq: this.seq++, fn };
    this.pending.push(entry);
    return { cancel: () => void (this.pending = this.pending.filter((p) => p !== entry)) };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = this.setTimer(done, ms);
      function done(): void {
        timer.cancel();
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Number of timers not fired or cancelled yet. */
  get timers(): number {
    return this.pending.length;
  }

  /** Moves time forward by `ms`, firing due timers in order and flushing microtasks after each. */
  async advance(ms: number): Promise<void> {
    const endMs = this.tMs + ms;
    await flushMicrotasks();
    for (;;) {
      this.pending.sort((a, b) => a.atMs - b.atMs || a.seq - b.seq);
      const next = this.pending[0];
      if (!next || next.atMs > endMs) break;
      this.pending.shift();
      this.tMs = Math.max(this.tMs, next.atMs);
      next.fn();
      await flushMicrotasks();
    }
    this.tMs = endMs;
    await flushMicrotasks();
  }
}
