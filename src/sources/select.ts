import { isMeasuredEnergy } from './measured.js';
import type { Probe, Source } from './types.js';

/** Which of the probed sources a run samples: what the person allowed, and never an estimate beside a measurement. */

/** Which sources a person asked for (`--source`) or against (`--no-source`): ids, or prefixes ending before a `:`. */
export interface SourceChoice {
  include?: string[];
  exclude?: string[];
}

/** True when `id` is `pattern` or lies under it (`nvidia` matches `nvidia:0`, `rapl:package-0` matches `rapl:package-0:core`). */
export function matchesSource(id: string, pattern: string): boolean {
  return id === pattern || id.startsWith(`${pattern}:`);
}

/**
 * Chooses the sources to sample: every usable one the person allows, except the estimate when something is measured.
 * `include` narrows the energy sources (counters and gauges); utilization and telemetry stay unless excluded.
 */
export function selectSources(probes: Probe[], choice: SourceChoice = {}): Source[] {
  const isEnergy = (p: Probe): boolean => p.info.kind === 'counter' || p.info.kind === 'gauge';
  const allowed = probes.filter(
    (p) =>
      p.state === 'ok' &&
      p.source &&
      (!choice.include?.length || !isEnergy(p) || choice.include.some((x) => matchesSource(p.info.id, x))) &&
      !choice.exclude?.some((x) => matchesSource(p.info.id, x)),
  );
  const measured = allowed.some(isMeasuredEnergy);
  return allowed.filter((p) => !(measured && p.info.quality === 'estimated')).map((p) => p.source as Source);
}
