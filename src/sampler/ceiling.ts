import type { Scope, SourceInfo } from '../sources/types.js';
import { DEFAULT_MAX_PLAUSIBLE_POWER_W } from './counter.js';

/**
 * Physical ceilings on power (README, "What wattbench guarantees"): a reading above its source's ceiling is a sensor
 * that lies (a glitch, a unit error, a garbage register), so it is left out of every integral and every total.
 */

/**
 * Highest power in watts one source of each scope can plausibly show. Chosen with a wide margin above the largest
 * parts shipping (server CPU packages near 500 W, accelerators near 1.2 kW, an 8-GPU node near 15 kW at the wall), so
 * that no real reading is ever dropped; a wall meter covering a whole rack is beyond them (a declared limit only lowers them).
 */
export const SCOPE_CEILING_W: Readonly<Record<Scope, number>> = {
  'cpu-package': 1000,
  'cpu-core': 800,
  'cpu-uncore': 500,
  dram: 500,
  psys: 800,
  gpu: 2000,
  npu: 2000,
  battery: 500,
  'system-wall': DEFAULT_MAX_PLAUSIBLE_POWER_W,
  rail: DEFAULT_MAX_PLAUSIBLE_POWER_W,
  cpu: DEFAULT_MAX_PLAUSIBLE_POWER_W,
  process: DEFAULT_MAX_PLAUSIBLE_POWER_W,
};

/** How far above its declared power limit (`SourceInfo.powerLimitW`) a device's power may go before it is implausible. */
export const POWER_LIMIT_MARGIN = 1.5;

/** The ceiling that applies to one source, and where it comes from, for warnings. */
export interface PowerCeiling {
  watts: number;
  /** Where the ceiling comes from, e.g. `the 2000 W ceiling for gpu` or `1.5 × its 300 W power limit`. */
  why: string;
}

/**
 * The ceiling of a source: its scope's, lowered to 1.5 × the device's declared power limit where it declares one.
 * An estimate is a model, not a sensor that can glitch: it is held only to the widest ceiling.
 */
export function powerCeiling(info: SourceInfo): PowerCeiling {
  if (info.quality === 'estimated') return { watts: DEFAULT_MAX_PLAUSIBLE_POWER_W, why: `the ${DEFAULT_MAX_PLAUSIBLE_POWER_W} W ceiling for any source` };
  const scopeW = SCOPE_CEILING_W[info.scope] ?? DEFAULT_MAX_PLAUSIBLE_POWER_W;
  const limit = info.powerLimitW;
  if (limit !== undefined && Number.isFinite(limit) && limit > 0 && POWER_LIMIT_MARGIN * limit < scopeW) {
    return { watts: POWER_LIMIT_MARGIN * limit, why: `${POWER_LIMIT_MARGIN} × its ${limit} W power limit` };
  }
  return { watts: scopeW, why: `the ${scopeW} W ceiling for ${info.scope}` };
}

/** Why a power reading in watts cannot be believed, or null when it can. */
export function implausiblePower(powerW: unknown, ceiling: PowerCeiling): string | null {
  if (typeof powerW !== 'number' || !Number.isFinite(powerW)) return `unusable power reading ${String(powerW)}`;
  if (powerW < 0) return `negative power ${powerW} W`;
  if (powerW > ceiling.watts) return `${powerW} W is above ${ceiling.why}`;
  return null;
}
