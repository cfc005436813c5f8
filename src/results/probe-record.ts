import { fidelityOf, type Fidelity, type Probe } from '../sources/types.js';

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
  /** How directly the source's energy follows the hardware (`fidelityOf`); null for sources without energy. */
  fidelity: Fidelity | null;
  /** For an averaged gauge, the seconds the device averages over, when known. */
  averagingS?: number;
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
    fidelity: fidelityOf(p.info),
    ...(p.info.averagingS !== undefined ? { averagingS: p.info.averagingS } : {}),
  };
}
