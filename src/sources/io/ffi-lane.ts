import { systemClock, type Clock } from '../../clock.js';

/**
 * One call into a C library (NVML, DCMI) at a time, each answered within its timeout. Such calls are foreign calls
 * that a wedged driver can hold for seconds or forever; koffi runs them on libuv's worker pool, which file reads
 * share, so a lane never has more than one in flight, and once a call has outlived its timeout every later one is
 * refused at once until it returns, instead of queueing behind it.
 */

/** What one library call gives: its value, or the non-zero return code it returned. */
export type FfiValue<T> = { ok: true; value: T } | { ok: false; code: number };

/** A lane's answer: the library's value or return code, or why the call was never answered (`code: null`). */
export type LaneResult<T> = FfiValue<T> | { ok: false; code: null; reason: string };

interface Pending {
  what: string;
  run: () => Promise<void>;
  /** When the call was made (set once it leaves the queue). */
  sinceS: number;
  /** Whether its caller stopped waiting while the call still runs. */
  overdue: boolean;
}

/** Serializes one library's calls and gives each a deadline. */
export class FfiLane {
  private running: Pending | null = null;
  private readonly queue: Pending[] = [];

  /** @param library The library's name in reasons (`NVML`, `DCMI`). */
  constructor(
    private readonly library: string,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Runs `call` after the calls before it, resolving with its result, or with a reason once `timeoutMs` has passed. */
  call<T>(what: string, call: () => Promise<FfiValue<T>>, timeoutMs: number): Promise<LaneResult<T>> {
    const stuck = this.running?.overdue ? this.running : null;
    if (stuck) {
      const forS = (this.clock.nowS() - stuck.sinceS).toFixed(1);
      return Promise.resolve({ ok: false, code: null, reason: `${this.library} has not returned from ${stuck.what} for ${forS} s (a hung driver?), so ${what} was not asked` });
    }
    return new Promise((resolve) => {
      let settled = false;
      const settle = (r: LaneResult<T>): void => {
        if (settled) return;
        settled = true;
        timer.cancel();
        resolve(r);
      };
      const timer = this.clock.setTimer(() => {
        if (this.running === entry) entry.overdue = true;
        settle({ ok: false, code: null, reason: `${this.library} ${what} did not return within ${timeoutMs} ms` });
      }, timeoutMs);
      const entry: Pending = {
        what,
        sinceS: 0,
        overdue: false,
        run: async () => {
          // A call whose caller stopped waiting while it queued is not made at all.
          if (settled) return;
          try {
            settle(await call());
          } catch (err) {
            settle({ ok: false, code: null, reason: `${this.library} ${what} failed: ${err instanceof Error ? err.message : String(err)}` });
          }
        },
      };
      this.queue.push(entry);
      this.pump();
    });
  }

  private pump(): void {
    if (this.running) return;
    const next = this.queue.shift();
    if (!next) return;
    next.sinceS = this.clock.nowS();
    this.running = next;
    void next.run().finally(() => {
      this.running = null;
      this.pump();
    });
  }
}
