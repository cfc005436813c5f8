import { systemClock, type Clock, type ClockTimer } from '../../clock.js';
import { Lease, type LeaseHolder } from './lease.js';
import { LastGood } from './latest.js';
import type { ReadResult } from '../types.js';

/** Timing of a {@link Poller}. */
export interface PollerOptions {
  /** Milliseconds from the end of one request to the start of the next. */
  periodMs: number;
  /** A value older than this many seconds is stale: the source stopped answering (default: 3 periods, at least 3 s). */
  staleAfterS?: number;
  /** Time and timers (default the system clock). */
  clock?: Clock;
}

/**
 * The poll driver, for interfaces that cannot stream (npu-smi, ipmitool, amd-smi, HTTP meters): one request at a
 * time on its own timer, each with a timeout of its own; `latest()` answers at once from the last result, so the
 * sampler never waits for a slow tool or meter.
 */
export class Poller<T> {
  /** Milliseconds between polls. */
  readonly periodMs: number;
  private readonly clock: Clock;
  private readonly last: LastGood<T>;
  private timer: ClockTimer | null = null;
  /**
   * Bumped by every start and stop: a poll begun under an earlier run schedules nothing, so a stop while a poll is
   * in flight (the first one inside `start()` included) stays stopped.
   */
  private run = 0;
  private inFlight: Promise<void> = Promise.resolve();

  /** @param fetch One request: the value with its time, or why there is none; a throw counts as a failed request. */
  constructor(
    private readonly fetch: () => Promise<ReadResult<T>>,
    options: PollerOptions,
  ) {
    this.periodMs = options.periodMs;
    this.clock = options.clock ?? systemClock;
    this.last = new LastGood<T>(options.staleAfterS ?? Math.max((3 * options.periodMs) / 1000, 3), this.clock);
  }

  /** Seconds after which the last value is refused as stale. */
  get staleAfterS(): number {
    return this.last.staleAfterS;
  }

  /** Takes the first reading (so a probe can report it) and starts polling, unless `stop()` came first. */
  async start(): Promise<ReadResult<T>> {
    this.cancelTimer();
    const run = ++this.run;
    const first = await this.pollOnce();
    if (run === this.run) this.schedule(run);
    return first;
  }

  /** The last good value with its time, or why there is none (stale values are refused). */
  latest(): ReadResult<T> {
    return this.last.read();
  }

  /** Stops polling; resolves once a request still in flight has ended (within its own timeout). */
  stop(): Promise<void> {
    this.run += 1;
    this.cancelTimer();
    return this.inFlight;
  }

  private cancelTimer(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  private schedule(run: number): void {
    this.timer = this.clock.setTimer(() => {
      this.timer = null;
      void this.pollOnce().then(() => {
        if (run === this.run) this.schedule(run);
      });
    }, this.periodMs);
  }

  private pollOnce(): Promise<ReadResult<T>> {
    const poll = (async (): Promise<ReadResult<T>> => {
      let r: ReadResult<T>;
      try {
        r = await this.fetch();
      } catch (err) {
        r = { ok: false, reason: err instanceof Error ? err.message : String(err) };
      }
      if (r.ok) this.last.good(r.value, r.atS ?? this.clock.nowS());
      else this.last.fail(r.reason);
      return r;
    })();
    this.inFlight = poll.then(() => undefined);
    return poll;
  }
}

/**
 * A {@link Poller} shared by several sources (every GPU of one amd-smi, every target of one BMC, a plug's gauge and
 * counter) under a {@link Lease}: polling runs from the first source's `start()` to the last one's `close()`, and that
 * close waits for a request still in flight, so nothing is left running behind.
 */
export class SharedPoller<T> {
  /** The poll driver itself. */
  readonly poller: Poller<T>;
  private readonly lease: Lease;

  /**
   * @param fetch One request: the value with its time, or why there is none.
   * @param options Period, staleness and clock of the poller.
   * @param notStarted The reason read while no source holds the poller.
   */
  constructor(
    fetch: () => Promise<ReadResult<T>>,
    options: PollerOptions,
    private readonly notStarted: string,
  ) {
    this.poller = new Poller(fetch, options);
    this.lease = new Lease(
      () => this.poller.start(),
      () => this.poller.stop(),
    );
  }

  /** Whether any source holds the poller. */
  get held(): boolean {
    return this.lease.held;
  }

  /** The last polled value (refused once stale), or why there is none; `notStarted` while no source holds it. */
  latest(notStarted = this.notStarted): ReadResult<T> {
    return this.lease.held ? this.poller.latest() : { ok: false, reason: notStarted };
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

  /** Start and close for one source of this poller. */
  holder(): LeaseHolder {
    return this.lease.holder();
  }
}
