import type { Probe } from '../sources/types.js';

/** Probe as recorded in results and printed by `sources --json` (no live source object). */
export function probeRecord(p: Probe): Record<string, unknown> {
  return {
    id: p.info.id,
    kind: p.info.kind,
    scope: p.info.scope,
    quality: p.info.quality,
    state: p.state,
    reason: p.reason,
    fix: p.fix,
    description: p.info.description,
    ...(p.info.duplicateOf ? { duplicateOf: p.info.duplicateOf } : {}),
    ...(p.info.model ? { model: p.info.model } : {}),
  };
}
