import { monotonicS } from '../../units.js';
import type { ReadResult } from '../types.js';

/**
 * Background polling for interfaces that cannot stream (npu-smi, ipmitool, HTTP meters): one request at a time on
 * its own timer, each with a timeout; `latest()` answers at once from the last result, so the sampler never waits
 * for a slow tool or meter.
 */
export class Poller<T> {
  private timer: NodeJS.Timeout | null = null;
  private last: { value: T; atS: number } | null = null;
  private lastError: string | null = null;
  private running = false;

  constructor(
    private readonly fetch: () => Promise<ReadResult<T>>,
    /** Milliseconds between polls. */
    readonly periodMs: number,
    /** A value older than this is stale: the source stopped answering. */
    private readonly staleAfterMs = Math.max(3 * periodMs, 3000),
  ) {}

  /** Takes the first reading (so a probe can report it) and starts polling. */
  async start(): Promise<ReadResult<T>> {
    const first = await this.pollOnce();
    this.running = true;
    this.schedule();
    return first;
  }

  /** The last good value with its time, or why there is none (stale values are refused). */
  latest(): ReadResult<T> {
    if (!this.last) return { ok: false, reason: this.lastError ?? 'no reading yet' };
    const ageMs = (monotonicS() - this.last.atS) * 1000;
    if (ageMs > this.staleAfterMs) {
      return { ok: false, reason: `stale: last good reading ${(ageMs / 1000).toFixed(1)} s ago${this.lastError ? ` (${this.lastError})` : ''}` };
    }
    return { ok: true, value: this.last.value, atS: this.last.atS };
  }

  /** Stops polling. */
  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      void this.pollOnce().then(() => this.schedule());
    }, this.periodMs);
    this.timer.unref();
  }

  private async pollOnce(): Promise<ReadResult<T>> {
    let r: ReadResult<T>;
    try {
      r = await this.fetch();
    } catch (err) {
      r = { ok: false, reason: err instanceof Error ? err.message : String(err) };
    }
    if (r.ok) {
      this.last = { value: r.value, atS: r.atS ?? monotonicS() };
      this.lastError = null;
    } else {
      this.lastError = r.reason;
    }
    return r;
  }
}
