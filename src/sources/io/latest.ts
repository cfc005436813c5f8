import { systemClock, type Clock } from '../../clock.js';
import type { ReadResult } from '../types.js';

/**
 * The staleness rule of every shared reader (streams and pollers): the sampler reads the last good value at once,
 * and a value older than `staleAfterS` is refused, because a tool or meter that stopped answering must read as
 * missing, never as its last number repeated.
 */

/** A value with the monotonic time, in seconds, it was read at. */
export interface Stamped<T = number> {
  value: T;
  atS: number;
}

/** How a reader words its two refusals: no value yet, and a value too old (`age` is seconds to 0.1 s). */
export interface StaleWords {
  missing: string;
  stale(age: string): string;
}

/** The rule itself: `last` while it is at most `staleAfterS` old at `nowS`, else why there is no value. */
export function freshValue<T>(last: Stamped<T> | null | undefined, nowS: number, staleAfterS: number, words: StaleWords): ReadResult<T> {
  if (!last) return { ok: false, reason: words.missing };
  const ageS = nowS - last.atS;
  if (ageS > staleAfterS) return { ok: false, reason: words.stale(ageS.toFixed(1)) };
  return { ok: true, value: last.value, atS: last.atS };
}

/** The last good value of one reader with its time and the last error, answered under {@link freshValue}. */
export class LastGood<T> {
  private last: Stamped<T> | null = null;
  private error: string | null = null;

  /**
   * @param staleAfterS Age in seconds past which the last good value is refused.
   * @param clock Where "now" comes from.
   */
  constructor(
    readonly staleAfterS: number,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Why the last attempt failed, or null after a good one. */
  get lastError(): string | null {
    return this.error;
  }

  /** Records a good value read at `atS` (default now) and clears the last error. */
  good(value: T, atS: number = this.clock.nowS()): void {
    this.last = { value, atS };
    this.error = null;
  }

  /** Records why an attempt failed; the last good value is kept until it turns stale. */
  fail(reason: string): void {
    this.error = reason;
  }

  /** Forgets the value and the error (before a restart). */
  clear(): void {
    this.last = null;
    this.error = null;
  }

  /** The last good value, or why there is none; the default words name the last error. */
  read(words: StaleWords = this.defaultWords()): ReadResult<T> {
    return freshValue(this.last, this.clock.nowS(), this.staleAfterS, words);
  }

  private defaultWords(): StaleWords {
    const error = this.error;
    return {
      missing: error ?? 'no reading yet',
      stale: (age) => `stale: last good reading ${age} s ago${error ? ` (${error})` : ''}`,
    };
  }
}
