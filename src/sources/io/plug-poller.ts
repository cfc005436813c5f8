import { Lease, type LeaseHolder } from './lease.js';
import { Poller } from './poller.js';
import type { ReadResult } from '../types.js';

/** Why a plug's source answers no value before it is started, or after it is closed. */
export const PLUG_NOT_STARTED = 'not started: the plug is polled only while measuring';

/**
 * A meter asked once per period in the background (a smart plug over HTTP, a meter command that prints once and
 * exits), shared by the sources it feeds (a plug's power gauge and its energy counter). Polling runs from the first
 * source's `start()` to the last one's `close()`, and that close waits for a request still in flight, which ends
 * within its timeout, so nothing is left open behind.
 */
export class PlugPoller<T> {
  private readonly poller: Poller<T>;
  private readonly lease: Lease;
  private inFlight: Promise<unknown> = Promise.resolve();

  /**
   * @param fetch One request: the value with its time, or why there is none.
   * @param timings Milliseconds between requests, and the age after which the last value is refused as stale.
   * @param notStarted The reason read while no source holds the poller.
   */
  constructor(
    fetch: () => Promise<ReadResult<T>>,
    timings: { periodMs: number; staleAfterMs: number },
    private readonly notStarted = PLUG_NOT_STARTED,
  ) {
    this.poller = new Poller<T>(
      () => {
        const poll = fetch();
        this.inFlight = poll;
        return poll;
      },
      timings.periodMs,
      timings.staleAfterMs,
    );
    this.lease = new Lease(
      () => this.poller.start(),
      async () => {
        this.poller.stop();
        await this.inFlight;
      },
    );
  }

  /** The last polled value (refused once stale), or why there is none; `notStarted` while no source is started. */
  latest(): ReadResult<T> {
    return this.lease.held ? this.poller.latest() : { ok: false, reason: this.notStarted };
  }

  /** A source's `read` for one number of the polled value: `missing` is the reason when `pick` finds none. */
  reader(pick: (value: T) => number | null, missing: string): () => Promise<ReadResult<number>> {
    return async () => {
      const r = this.latest();
      if (!r.ok) return r;
      const v = pick(r.value);
      return v === null ? { ok: false, reason: missing } : { ok: true, value: v, atS: r.atS };
    };
  }

  /** Start and close for one source of this meter. */
  holder(): LeaseHolder {
    return this.lease.holder();
  }
}
