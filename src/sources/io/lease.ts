/**
 * Reference counting for one resource shared by several sources: one streaming tool process for every GPU, one
 * background poller for a plug's power gauge and its energy counter mirror.
 */

/** Start and close for one source of a {@link Lease}: both idempotent, as `Source.start` and `Source.close` must be. */
export interface LeaseHolder {
  /** Whether this holder has started and not closed since. */
  readonly held: boolean;
  /** Acquires the lease once; a second call before `close()` returns at once and acquires nothing. */
  start(): Promise<void>;
  /** Releases what `start()` acquired; without a `start()` before it, does nothing. */
  close(): Promise<void>;
}

/**
 * A shared resource started by the first {@link Lease.acquire} and stopped by the last {@link Lease.release}.
 *
 * - Every `acquire()` waits for the one start, however many there are.
 * - `release()` without a matching `acquire()` does nothing.
 * - The last `release()` while the start is still running waits for it before stopping (stopping a poller whose
 *   first poll is in flight would let it schedule the next one afterwards); an `acquire()` during that wait keeps the
 *   resource running.
 * - An `acquire()` after the last `release()` starts the resource again.
 * - A start that throws rejects the `acquire()` calls waiting for it; the last `release()` then still stops and
 *   resets, without throwing again, so the next `acquire()` tries a fresh start.
 */
export class Lease {
  private count = 0;
  private starting: Promise<unknown> | null = null;

  /**
   * @param start Starts the resource; called once per first `acquire()`. What it resolves to is ignored.
   * @param stop Stops it; called by the last `release()`, once the start has settled.
   */
  constructor(
    private readonly start: () => Promise<unknown>,
    private readonly stop: () => Promise<void> | void,
  ) {}

  /** Number of acquires not released yet. */
  get users(): number {
    return this.count;
  }

  /** Whether anyone holds the lease: acquired (even while still starting) and not yet released by all. */
  get held(): boolean {
    return this.count > 0;
  }

  /** Holds the resource, starting it if this is the first hold; resolves once the start has finished. */
  async acquire(): Promise<void> {
    this.count += 1;
    // Called at once (a tool is spawned before acquire() returns); one that throws at once rejects like a failed start.
    this.starting ??= (async () => this.start())();
    await this.starting;
  }

  /** Lets go of one hold; the last one waits for the start to settle, then stops the resource. */
  async release(): Promise<void> {
    if (this.count === 0) return;
    this.count -= 1;
    if (this.count > 0) return;
    const starting = this.starting;
    // The acquirers already got a failed start's error: here it only has to settle.
    await starting?.catch(() => undefined);
    // Someone acquired during the wait (then it stays up), or a concurrent release already stopped it.
    if (this.count > 0 || starting === null || this.starting !== starting) return;
    this.starting = null;
    await this.stop();
  }

  /** A holder for one source: its `start`/`close` acquire and release this lease at most once each way. */
  holder(): LeaseHolder {
    let held = false;
    return {
      get held() {
        return held;
      },
      start: async () => {
        if (held) return;
        held = true;
        await this.acquire();
      },
      close: async () => {
        if (!held) return;
        held = false;
        await this.release();
      },
    };
  }
}
