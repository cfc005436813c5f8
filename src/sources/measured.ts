import type { Probe } from './types.js';

/** Returns true for a usable source that measures energy or power (not utilization or telemetry). */
export function isMeasuredEnergy(probe: Probe): boolean {
  return probe.state === 'ok' && probe.info.quality === 'measured' && (probe.info.kind === 'counter' || probe.info.kind === 'gauge');
}
