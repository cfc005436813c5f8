/** Unit conversions used across wattbench; every name says the unit it converts from and to. */

/** Microjoules to joules. */
export const ujToJ = (uj: number): number => uj / 1e6;
/** Microwatts to watts. */
export const uwToW = (uw: number): number => uw / 1e6;
/** Milliwatts to watts. */
export const mwToW = (mw: number): number => mw / 1e3;
/** Kilohertz to megahertz. */
export const khzToMhz = (khz: number): number => khz / 1e3;
/** Millidegrees Celsius to degrees Celsius. */
export const milliCToC = (mc: number): number => mc / 1e3;
/** Nanoseconds (bigint, from process.hrtime.bigint) to seconds. */
export const nsToS = (ns: bigint): number => Number(ns) / 1e9;
/** Linux USER_HZ: /proc tick counts are in 1/100 s on every mainstream kernel configuration. */
export const USER_HZ = 100;
/** /proc clock ticks to seconds. */
export const ticksToS = (ticks: number): number => ticks / USER_HZ;

/** Monotonic clock in seconds since an arbitrary origin (never goes backwards, unlike Date). */
export function monotonicS(): number {
  return nsToS(process.hrtime.bigint());
}
