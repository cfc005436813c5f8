/**
 * The clock seam: every part of wattbench that reads the time or waits (sampler, pollers, streams, windows, runner)
 * takes a {@link Clock}, so tests drive time by hand instead of asserting on the wall clock.
 */

/** A pending timer of a {@link Clock}. */
export interface ClockTimer {
  /** Cancels the timer; calling it after the timer fired does nothing. */
  cancel(): void;
}

/** Monotonic time and timers. */
export interface Clock {
  /** Monotonic seconds since an arbitrary origin (never goes backwards, unlike `Date`). */
  nowS(): number;
  /** Calls `fn` once after `ms` milliseconds; the timer never keeps the process alive on its own. */
  setTimer(fn: () => void, ms: number): ClockTimer;
  /** Resolves after `ms` milliseconds, or at once when `signal` is aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The process's monotonic clock (`process.hrtime`) and Node's timers. */
export const systemClock: Clock = {
  nowS: () => Number(process.hrtime.bigint()) / 1e9,
  setTimer(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
  sleep(ms, signal) {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const t = setTimeout(done, ms);
      function done(): void {
        clearTimeout(t);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    });
  },
};
