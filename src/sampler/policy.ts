import type { SourceInfo } from '../sources/types.js';
import type { TotalRule } from './total.js';

/** How often each source is read between the bracketing reads at window edges. */

/** Seconds between periodic reads of slow-moving or secondary sources. */
export const SECONDARY_PERIOD_S = 1;

/**
 * Returns a period function for the sampler: the sources that make the total get the full interval (a fine power
 * timeline, wraps caught); breakdown sources, utilization and telemetry every second; mirrors and the measured
 * process tree only at window edges. The estimate integrates utilization once a second, as Eco-CI does: /proc/stat
 * moves in 10 ms ticks, so finer reads add quantisation noise, not information.
 */
export function readingPolicy(rule: TotalRule): (info: SourceInfo, intervalS: number) => number {
  return (info, intervalS) => {
    if (info.duplicateOf || info.scope === 'process') return Infinity;
    const slow = Math.max(intervalS, SECONDARY_PERIOD_S, info.minIntervalS ?? 0);
    if ((info.kind === 'counter' || info.kind === 'gauge') && rule.ids.includes(info.id)) {
      return info.quality === 'estimated' ? slow : Math.max(intervalS, info.minIntervalS ?? 0);
    }
    return slow;
  };
}
