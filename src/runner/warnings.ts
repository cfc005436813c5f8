import type { Measurement } from '../sampler/window.js';

/** Heuristics that tell a person when a window's figures may not mean what they seem. */

/** Percentage points of CPU above what our own threads explain before the machine counts as busy. */
export const BUSY_MARGIN_PCT = 15;
/** Steal above this share of CPU time is worth a warning on a VM. */
export const STEAL_WARN_PCT = 5;
/** A frequency this far below the highest seen in the run suggests throttling. */
export const THROTTLE_FREQ_RATIO = 0.85;
/** A CPU this hot is at or near its throttling point on most parts. */
export const HOT_C = 95;

/** Returns warnings for one kernel window: other load on the machine, steal time, throttling. */
export function windowWarnings(m: Measurement, threads: number, cpus: number, highestFreqMhz: number | null): string[] {
  const out: string[] = [];
  const expectedPct = Math.min(100, (threads / Math.max(1, cpus)) * 100);
  if (m.cpuUtilPct !== null && m.cpuUtilPct > expectedPct + BUSY_MARGIN_PCT) {
    out.push(
      `machine busy with other work: ${m.cpuUtilPct.toFixed(0)}% CPU used, ~${expectedPct.toFixed(0)}% expected from ${threads} thread(s) on ${cpus} CPU(s)`,
    );
  }
  if (m.stealPct !== null && m.stealPct > STEAL_WARN_PCT) out.push(`hypervisor stole ${m.stealPct.toFixed(1)}% of CPU time`);
  if (m.freqMhz !== null && highestFreqMhz !== null && m.freqMhz < highestFreqMhz * THROTTLE_FREQ_RATIO) {
    out.push(`CPU at ${m.freqMhz.toFixed(0)} MHz, ${((1 - m.freqMhz / highestFreqMhz) * 100).toFixed(0)}% below the ${highestFreqMhz.toFixed(0)} MHz seen earlier: throttled?`);
  }
  if (m.tempC !== null && m.tempC >= HOT_C) out.push(`CPU at ${m.tempC.toFixed(0)} °C: likely thermally throttled`);
  return out;
}
