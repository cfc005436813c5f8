import type { Clock } from '../../clock.js';
import { SharedPoller } from './poller.js';
import type { ReadResult } from '../types.js';

/** Why a plug's source answers no value before it is started, or after it is closed. */
export const PLUG_NOT_STARTED = 'not started: the plug is polled only while measuring';

/**
 * A meter asked once per period in the background (a smart plug over HTTP, a meter command that prints once and
 * exits), shared by the sources it feeds (a plug's power gauge and its energy counter): a {@link SharedPoller} that
 * says the plug is polled only while measuring.
 */
export class PlugPoller<T> extends SharedPoller<T> {
  /**
   * @param fetch One request: the value with its time, or why there is none.
   * @param timings Milliseconds between requests, seconds after which the last value is refused as stale, the clock.
   * @param notStarted The reason read while no source holds the poller.
   */
  constructor(fetch: () => Promise<ReadResult<T>>, timings: { periodMs: number; staleAfterS: number; clock?: Clock }, notStarted = PLUG_NOT_STARTED) {
    super(fetch, timings, notStarted);
  }
}
