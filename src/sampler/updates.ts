import type { SourceInfo } from '../sources/types.js';

/**
 * A sensor's observed updates in one window, from the reads alone (README, "Fidelity and coverage"). A read shows an
 * *update* when its value differs from the readable read before it. Then:
 * - the observed update period is the median of the times between consecutive updates (null with fewer than two
 *   updates: one change says nothing about how often the sensor changes);
 * - the coverage is the share of the window spanned by the updates, as a percent: from the read just before the first
 *   update (the sensor changed somewhere after it) to the read showing the last update, over the window's duration,
 *   at most 100. A counter that moves between every two reads covers 100 %; a gauge that changed once 0.5 s into a
 *   1 s window, read every 0.1 s, covers 10 %; a sensor that never changed covers 0 %; without a read, or without a
 *   duration, it is null (unknown).
 * When every read showed a new value, the sensor updates at least as often as it was read and the median gap is the
 * read interval, not the sensor's period: only a repeated value shows the sensor's own period (`sensorPeriodS`).
 * A window needs `MIN_UPDATES_PER_WINDOW` periods of the slowest source in its total (`minWindowS`).
 */

/** Update periods of the slowest energy source a window must span; shorter windows are flagged. */
export const MIN_UPDATES_PER_WINDOW = 3;

/** What the reads of one source in one window say about its updates. */
export interface UpdateStats {
  /** Median seconds between consecutive distinct values, or null with fewer than two updates. */
  updatePeriodS: number | null;
  /** Share of the window spanned by the updates, 0–100, or null when unknown (no read, no duration). */
  coveragePct: number | null;
  /** Reads whose value differs from the readable read before them. */
  updates: number;
  /** The observed period when it is the sensor's own (some consecutive reads showed the same value), else null. */
  sensorPeriodS: number | null;
}

/** The observed update period and coverage of time-ordered readable reads over a window of `durationS` seconds; pure. */
export function updateStats(used: ReadonlyArray<{ tS: number; value: number }>, durationS: number): UpdateStats {
  const changes: number[] = [];
  let spanFromS: number | null = null;
  let repeated = false;
  for (let i = 1; i < used.length; i++) {
    const a = used[i - 1] as { tS: number; value: number };
    const b = used[i] as { tS: number; value: number };
    if (b.value === a.value) {
      repeated = true;
      continue;
    }
    spanFromS ??= a.tS;
    changes.push(b.tS);
  }
  const gaps: number[] = [];
  for (let i = 1; i < changes.length; i++) gaps.push((changes[i] as number) - (changes[i - 1] as number));
  const last = changes[changes.length - 1];
  let coveragePct: number | null = null;
  if (used.length > 0 && durationS > 0) {
    coveragePct = spanFromS === null || last === undefined ? 0 : Math.min(100, (Math.max(0, last - spanFromS) / durationS) * 100);
  }
  const updatePeriodS = median(gaps);
  return { updatePeriodS, coveragePct, updates: changes.length, sensorPeriodS: repeated ? updatePeriodS : null };
}

/**
 * The shortest window, in seconds, that spans `MIN_UPDATES_PER_WINDOW` updates of a source: of the larger of its
 * declared period and its observed own period (`sensorPeriodS`), or null when neither is known.
 */
export function minWindowS(sensorPeriodS: number | null, info: Pick<SourceInfo, 'updatePeriodS'>): number | null {
  const periods = [sensorPeriodS, info.updatePeriodS ?? null].filter((p): p is number => p !== null && p > 0);
  return periods.length === 0 ? null : MIN_UPDATES_PER_WINDOW * Math.max(...periods);
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
