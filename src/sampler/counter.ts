/** Counter arithmetic: the difference of two reads of a cumulative counter, with wraps and resets made explicit. */

/** The outcome of differencing two counter reads. */
export type CounterDelta =
  | { state: 'first' }
  | { state: 'delta'; delta: number }
  | { state: 'wrapped'; delta: number }
  | { state: 'reset'; reason: string };

/** Limits a delta must respect to be believed. */
export interface CounterLimits {
  /** Raw value at which the counter wraps to 0, or null when unknown (then any decrease is a reset). */
  maxRange: number | null;
  /** Joules per raw unit. */
  joulesPerUnit: number;
  /** Highest power the source can plausibly show (its ceiling, ceiling.ts); a delta implying more is a reset or glitch, never added. */
  maxPlausiblePowerW: number;
}

/** The widest plausibility bound: no source of one machine, a whole node at the wall included, draws 20 kW (per-scope ceilings are in ceiling.ts). */
export const DEFAULT_MAX_PLAUSIBLE_POWER_W = 20_000;

/** Says how much power a raw delta over `dtS` seconds implies, for the reason of an implausible one. */
function implied(raw: number, dtS: number, limits: CounterLimits): string {
  const powerW = dtS > 0 ? (raw * limits.joulesPerUnit) / dtS : Infinity;
  return `implies ${Number.isFinite(powerW) ? `${Number(powerW.toPrecision(4))} W` : 'infinite power'}, above the ${limits.maxPlausiblePowerW} W ceiling`;
}

/** Differences `next` against `prev` over `dtS` seconds; an impossible delta is a `reset`, never a number to add. */
export function counterDelta(prev: number | null, next: number, dtS: number, limits: CounterLimits): CounterDelta {
  if (prev === null) return { state: 'first' };
  if (!Number.isFinite(next) || next < 0) return { state: 'reset', reason: `unreadable value ${next}` };
  // A previous read that was itself impossible (garbage, or above the range) cannot anchor a delta: one more lost interval.
  if (!Number.isFinite(prev) || prev < 0 || (limits.maxRange !== null && prev > limits.maxRange)) {
    const why = Number.isFinite(prev) && prev >= 0 ? `above max_energy_range ${limits.maxRange}` : 'unreadable';
    return { state: 'reset', reason: `previous value ${prev} ${why}: no delta from it` };
  }
  if (limits.maxRange !== null && next > limits.maxRange) {
    return { state: 'reset', reason: `value ${next} above max_energy_range ${limits.maxRange}` };
  }
  const plausible = (raw: number): boolean =>
    dtS > 0 ? (raw * limits.joulesPerUnit) / dtS <= limits.maxPlausiblePowerW : raw === 0;
  if (next >= prev) {
    // max() turns the -0 of a read of -0 after 0 into 0: no negative zero leaves the counter arithmetic.
    const delta = Math.max(0, next - prev);
    return plausible(delta)
      ? { state: 'delta', delta }
      : { state: 'reset', reason: `jump of ${delta} in ${dtS.toFixed(3)} s ${implied(delta, dtS, limits)}` };
  }
  if (limits.maxRange === null) return { state: 'reset', reason: `counter went back from ${prev} to ${next} (no known range)` };
  // One wrap: the counter ran from prev up to maxRange, restarted at 0 and reached next (the kernel's documented rule).
  const delta = next + limits.maxRange - prev;
  return plausible(delta)
    ? { state: 'wrapped', delta }
    : { state: 'reset', reason: `counter went back from ${prev} to ${next}: as one wrap it ${implied(delta, dtS, limits)}` };
}
