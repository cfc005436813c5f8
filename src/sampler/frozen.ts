import type { SourceInfo } from '../sources/types.js';

/**
 * The frozen-counter rule (README, "What wattbench guarantees"): a counter that does not move over a stretch longer
 * than it can plausibly stand still is a fault (some VMs and firmware expose RAPL zones that never move), so its
 * window's energy is unknown with a reason, never 0 J measured.
 *
 * A working counter stands still only between two of its own updates, or while the device draws too little to reach
 * the counter's next step. So a counter is frozen when it stood still for longer than the largest of:
 * - `FROZEN_MIN_S` (1 s): RAPL updates about every 1 ms, so a window under a second is never judged;
 * - `FROZEN_UPDATES` (3) of its update period (`updatePeriodS`) or of its least read interval (`minIntervalS`), so a
 *   polled plug or BMC whose value changes only when it is polled is given three polls;
 * - the time one raw step (`joulesPerUnit`) takes at `FROZEN_MIN_POWER_W` (0.1 W), so a total kept in Wh or kWh is
 *   not judged until a device drawing 0.1 W would have moved it.
 * Estimates are models, not sensors: a model that says 0 W is not frozen, so only measured sources are judged.
 */

/** Shortest still stretch, in seconds, that can make any counter frozen. */
export const FROZEN_MIN_S = 1;
/** Update periods (or read intervals) a counter may stand still for. */
export const FROZEN_UPDATES = 3;
/** Least power, in watts, a measured device is assumed to draw when judging how long one raw step may take. */
export const FROZEN_MIN_POWER_W = 0.1;

/** Seconds a counter may stand still before it is frozen, by the rule above; Infinity for an estimate. */
export function frozenAfterS(info: SourceInfo): number {
  if (info.quality !== 'measured') return Infinity;
  const periodS = Math.max(info.updatePeriodS ?? 0, info.minIntervalS ?? 0);
  const stepS = (info.joulesPerUnit ?? 1) / FROZEN_MIN_POWER_W;
  return Math.max(FROZEN_MIN_S, FROZEN_UPDATES * periodS, stepS);
}

/** The longest stretch over which consecutive readable values were equal. */
export interface StillStretch {
  fromS: number;
  toS: number;
}

/** Finds the longest stretch of equal consecutive readings, or null when no two consecutive readings are equal. */
export function longestStill(used: ReadonlyArray<{ tS: number; value: number }>): StillStretch | null {
  let best: StillStretch | null = null;
  let fromS = used[0]?.tS ?? 0;
  for (let i = 1; i < used.length; i++) {
    const a = used[i - 1] as { tS: number; value: number };
    const b = used[i] as { tS: number; value: number };
    if (a.value !== b.value) {
      fromS = b.tS;
      continue;
    }
    if (!best || b.tS - fromS > best.toS - best.fromS) best = { fromS, toS: b.tS };
  }
  return best;
}

/** The reason a counter's window is unknown when it stood still for too long, or null when it did not. */
export function frozenReason(info: SourceInfo, used: ReadonlyArray<{ tS: number; value: number }>): string | null {
  const still = longestStill(used);
  const limitS = frozenAfterS(info);
  if (!still || !(still.toS - still.fromS > limitS)) return null;
  const first = used[0] as { tS: number };
  const last = used[used.length - 1] as { tS: number };
  const spanS = last.tS - first.tS;
  const stillS = still.toS - still.fromS;
  const seen = stillS >= spanS ? `did not move in ${stillS.toFixed(3)} s` : `did not move for ${stillS.toFixed(3)} s of the ${spanS.toFixed(3)} s window`;
  const than = info.updatePeriodS !== undefined ? `its update period ${info.updatePeriodS} s` : `the ${limitS} s within which a working counter of its resolution moves`;
  return `counter ${seen}, longer than ${than}: frozen sensor, energy unknown`;
}
