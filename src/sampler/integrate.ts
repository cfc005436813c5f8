import { fidelityOf, type CpuTimes, type Fidelity, type SourceInfo } from '../sources/types.js';
import { implausiblePower, powerCeiling } from './ceiling.js';
import { counterDelta } from './counter.js';
import { frozenReason } from './frozen.js';
import type { SampleRecord } from './sampler.js';
import { minWindowS, updateStats } from './updates.js';

/**
 * Per-source figures of one window, computed from that source's records between two bracketing reads. Sensors that
 * lie are caught here, the same way for every source: a counter that stands still for longer than it can (frozen.ts)
 * has an unknown energy, and power that is negative or above the source's ceiling (ceiling.ts) is left out, never
 * added (a gauge's reading is dropped, a counter's interval is a reset).
 */

/** What one source says about one window. */
export interface SourceWindow {
  id: string;
  kind: SourceInfo['kind'];
  scope: SourceInfo['scope'];
  quality: SourceInfo['quality'];
  /** How directly the energy follows the hardware (`fidelityOf`); null for sources without energy. */
  fidelity: Fidelity | null;
  /** Energy sources: median seconds between distinct consecutive values among the reads (updates.ts), or null. */
  updatePeriodS: number | null;
  /** Energy sources: share of the window spanned by the distinct updates, 0–100 (updates.ts), or null. */
  coveragePct: number | null;
  /** Energy sources: the shortest window spanning `MIN_UPDATES_PER_WINDOW` of this sensor's updates (updates.ts), or null when unknown. */
  minWindowS: number | null;
  /** Energy in joules (counters and gauges), or null with `reason`. */
  energyJ: number | null;
  /** Average power in watts over the covered time, or null. */
  powerW: number | null;
  /** Utilization % (system: of all CPUs; process: of one core), frequency MHz or temperature °C, by kind. */
  value: number | null;
  /** Steal time as % of all CPU time, for system utilization where known. */
  stealPct?: number | null;
  /** CPU seconds, for a process. */
  cpuS?: number | null;
  /** Seconds between the first and last readable records (the bracketing reads straddle the work by a little). */
  spanS: number | null;
  /** Readable records used. */
  samples: number;
  /** Power over time for energy sources: [seconds since the window's first read, watts] (counters: per interval, at its middle). */
  series?: Array<[number, number]>;
  /** Why a figure is null, or null. */
  reason: string | null;
  warnings: string[];
}

type Rec = SampleRecord;

function valid<T>(records: Rec[]): Array<{ tS: number; value: T }> {
  return records.filter((r) => r.value !== null) as Array<{ tS: number; value: T }>;
}

function coverageWarning(records: Rec[], used: Array<{ tS: number }>, label: string): string[] {
  const first = records[0];
  const last = records[records.length - 1];
  const out: string[] = [];
  if (first && used[0] && first.value === null) out.push(`${label}: start read failed (${first.reason}); energy starts ${(used[0].tS - first.tS).toFixed(3)} s late`);
  if (last && used.length && last.value === null) out.push(`${label}: end read failed (${last.reason}); energy ends early`);
  return out;
}

/** The readable records of an energy source, and its window with a reason already set when fewer than two remain. */
function energyStart(info: SourceInfo, records: Rec[], what: string, durationS: number | undefined): { base: SourceWindow; used: Array<{ tS: number; value: number }> } {
  const base = windowBase(info);
  const used = valid<number>(records);
  base.samples = used.length;
  const first = used[0];
  const last = used[used.length - 1];
  const stats = updateStats(used, durationS ?? (first && last ? last.tS - first.tS : 0));
  base.updatePeriodS = stats.updatePeriodS;
  base.coveragePct = stats.coveragePct;
  base.minWindowS = minWindowS(stats.sensorPeriodS, info);
  if (used.length < 2) base.reason = `${used.length} readable sample(s) in the window; a ${what} needs 2${firstReason(records)}`;
  return { base, used };
}

/**
 * Differences a counter across a window: wraps corrected, impossible deltas (a decrease without a known range, or a
 * rise implying power above the source's ceiling) dropped and flagged, never added; a frozen counter gives no energy.
 */
export function integrateCounter(info: SourceInfo, records: Rec[], durationS?: number): SourceWindow {
  const { base, used } = energyStart(info, records, 'counter', durationS);
  if (base.reason) return base;
  const limits = {
    maxRange: info.maxRange ?? null,
    joulesPerUnit: info.joulesPerUnit ?? 1,
    maxPlausiblePowerW: powerCeiling(info).watts,
  };
  let raw = 0;
  let wraps = 0;
  let droppedS = 0;
  // The measured time is summed, not taken as the span less what was dropped: that difference can be a rounding
  // residue (1e-16 s) when every interval was a reset, which would turn "unknown" into 0 J.
  let measuredS = 0;
  const resets: string[] = [];
  const t0 = (used[0] as { tS: number }).tS;
  const series: Array<[number, number]> = [];
  for (let i = 1; i < used.length; i++) {
    const a = used[i - 1] as { tS: number; value: number };
    const b = used[i] as { tS: number; value: number };
    const d = counterDelta(a.value, b.value, b.tS - a.tS, limits);
    if (d.state === 'delta' || d.state === 'wrapped') {
      raw += d.delta;
      measuredS += b.tS - a.tS;
      if (b.tS > a.tS) series.push([roundTo((a.tS + b.tS) / 2 - t0, 3), roundTo((d.delta * limits.joulesPerUnit) / (b.tS - a.tS), 4)]);
    }
    if (d.state === 'wrapped') wraps += 1;
    if (d.state === 'reset') {
      droppedS += b.tS - a.tS;
      resets.push(d.reason);
    }
  }
  const spanS = (used[used.length - 1] as { tS: number }).tS - (used[0] as { tS: number }).tS;
  base.spanS = spanS;
  const frozen = frozenReason(info, used);
  if (frozen) {
    // A still stretch longer than the counter can stand still: what it counted is not the window's energy, and 0 W is not its power.
    base.reason = frozen;
    base.warnings.push(`${info.id}: ${frozen}`);
    return base;
  }
  base.series = series;
  if (wraps > 0) base.warnings.push(`${info.id}: ${wraps} counter wrap(s) corrected`);
  if (resets.length > 0) {
    base.warnings.push(
      `${info.id}: ${resets.length} impossible delta(s) dropped, ${droppedS.toFixed(3)} s of ${spanS.toFixed(3)} s unmeasured and given the average power of the rest (${resets[0]})`,
    );
  }
  base.warnings.push(...coverageWarning(records, used, info.id));
  if (!(measuredS > 0)) {
    // No measured time is left (reads at one instant, or every interval reset): the window's energy is unknown, not 0 J.
    base.reason = `no two readings of ${info.id} at different times in the window (it updates too slowly for a window this short, or every interval was dropped)`;
    return base;
  }
  base.energyJ = raw * limits.joulesPerUnit;
  base.powerW = base.energyJ / measuredS;
  return base;
}

/**
 * Integrates a power gauge over the window with the trapezoid rule on measured timestamps; readings that are not a
 * finite number of watts between 0 and the source's ceiling are dropped (the trapezoid bridges them) and flagged.
 */
export function integrateGauge(info: SourceInfo, records: Rec[], durationS?: number): SourceWindow {
  // An implausible reading is as unreadable as a failed read: never integrated.
  const ceiling = powerCeiling(info);
  const dropped: string[] = [];
  const readable = records.map((r) => {
    if (r.value === null) return r;
    const why = implausiblePower(r.value, ceiling);
    if (why === null) return r;
    dropped.push(why);
    return { ...r, value: null, reason: why };
  });
  const { base, used } = energyStart(info, readable, 'gauge', durationS);
  if (dropped.length > 0) base.warnings.push(`${info.id}: ${dropped.length} implausible power reading(s) left out, never integrated (${dropped[0]})`);
  if (base.reason) return base;
  let energyJ = 0;
  for (let i = 1; i < used.length; i++) {
    const a = used[i - 1] as { tS: number; value: number };
    const b = used[i] as { tS: number; value: number };
    // Halved before adding, so two huge readings cannot overflow to Infinity (and Infinity × 0 s to NaN).
    energyJ += (a.value / 2 + b.value / 2) * (b.tS - a.tS);
  }
  const spanS = (used[used.length - 1] as { tS: number }).tS - (used[0] as { tS: number }).tS;
  base.spanS = spanS;
  base.series = used.map((r) => [roundTo(r.tS - (used[0] as { tS: number }).tS, 3), roundTo(r.value, 4)]);
  base.energyJ = energyJ;
  base.powerW = spanS > 0 ? energyJ / spanS : null;
  if (!(spanS > 0)) {
    // One fresh reading (a polled meter slower than the window) gives the power, not 0 J: the window then carries it.
    base.powerW = used.reduce((sum, r) => sum + r.value / used.length, 0);
    base.energyJ = null;
    base.warnings.push(`${info.id}: one reading in the window; its ${base.powerW.toFixed(2)} W is taken as the window's average power`);
  }
  const period = info.updatePeriodS ?? 0;
  if (period > 0 && spanS < 2 * period) {
    base.warnings.push(`${info.id}: window of ${spanS.toFixed(3)} s is shorter than two sensor updates (${period} s each)`);
  }
  base.warnings.push(...coverageWarning(readable, used, info.id));
  return base;
}

/** Utilization over the window: from the first and last readable CPU times, or the mean of busy percentages. */
export function integrateUtilization(info: SourceInfo, records: Rec[], durationS: number): SourceWindow {
  if (records.some((r) => typeof r.value === 'number')) return summarizeTelemetry(info, records);
  const base = windowBase(info);
  const used = valid<CpuTimes>(records);
  base.samples = used.length;
  const first = used[0];
  const last = used[used.length - 1];
  if (!first || !last || used.length < 2) {
    base.reason = `${used.length} readable sample(s); utilization needs 2${firstReason(records)}`;
    return base;
  }
  const busyS = last.value.busyS - first.value.busyS;
  if (info.scope === 'process') {
    base.cpuS = busyS;
    base.value = durationS > 0 ? (busyS / durationS) * 100 : null;
    return base;
  }
  const totalS = (last.value.totalS ?? 0) - (first.value.totalS ?? 0);
  base.value = totalS > 0 ? (busyS / totalS) * 100 : null;
  base.stealPct =
    totalS > 0 && last.value.stealS !== null && first.value.stealS !== null
      ? ((last.value.stealS - first.value.stealS) / totalS) * 100
      : null;
  if (totalS <= 0) base.reason = 'no CPU ticks elapsed in the window (shorter than 10 ms?)';
  return base;
}

/** Mean (frequency) or maximum (temperature) of a telemetry series over the window. */
export function summarizeTelemetry(info: SourceInfo, records: Rec[]): SourceWindow {
  const base = windowBase(info);
  const used = valid<number>(records);
  base.samples = used.length;
  if (used.length === 0) {
    base.reason = `no readable sample${firstReason(records)}`;
    return base;
  }
  const values = used.map((r) => r.value).filter((v) => typeof v === 'number');
  base.value = info.kind === 'temperature' ? Math.max(...values) : values.reduce((a, b) => a + b, 0) / values.length;
  return base;
}

/** Computes one source's window by its kind. */
export function integrate(info: SourceInfo, records: Rec[], durationS: number): SourceWindow {
  switch (info.kind) {
    case 'counter':
      return integrateCounter(info, records, durationS);
    case 'gauge':
      return integrateGauge(info, records, durationS);
    case 'utilization':
      return integrateUtilization(info, records, durationS);
    default:
      return summarizeTelemetry(info, records);
  }
}

function windowBase(info: SourceInfo): SourceWindow {
  return {
    id: info.id,
    kind: info.kind,
    scope: info.scope,
    quality: info.quality,
    fidelity: fidelityOf(info),
    updatePeriodS: null,
    coveragePct: null,
    minWindowS: null,
    energyJ: null,
    powerW: null,
    value: null,
    spanS: null,
    samples: 0,
    reason: null,
    warnings: [],
  };
}

function firstReason(records: Rec[]): string {
  const failed = records.find((r) => r.value === null);
  return failed?.reason ? ` (${failed.reason})` : '';
}

/**
 * Aligns an energy figure to the work: the bracketing reads straddle the work by the time they take, so the
 * energy of the window is the source's average power over its reads times the work's own duration.
 */
export function alignToDuration(w: SourceWindow, durationS: number): SourceWindow {
  if ((w.kind !== 'counter' && w.kind !== 'gauge') || w.powerW === null || !(durationS > 0)) return w;
  return { ...w, energyJ: w.powerW * durationS };
}

/** Rounds to `digits` significant digits (time offsets and watts need no more in a timeline). */
function roundTo(x: number, digits: number): number {
  return x === 0 ? 0 : Number(x.toPrecision(digits));
}
