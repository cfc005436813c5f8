import type { Probe } from '../sources/types.js';

/** A probe as recorded in a sidecar and printed by `sources --json` (no live source object). */
export interface ProbeRecord {
  id: string;
  kind: Probe['info']['kind'];
  scope: Probe['info']['scope'];
  quality: Probe['info']['quality'];
  state: Probe['state'];
  reason: Probe['reason'];
  fix: Probe['fix'];
  description: Probe['info']['description'];
  duplicateOf?: string;
  model?: NonNullable<Probe['info']['model']>;
}

/** The record of a probe. */
export function probeRecord(p: Probe): ProbeRecord {
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
