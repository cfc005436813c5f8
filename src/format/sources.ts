import type { TotalRule } from '../sampler/total.js';
import { fidelityOf, type Probe } from '../sources/types.js';
import { probeRecord } from '../results/probe-record.js';
import { jsonText } from './json.js';
import { table } from './text.js';

/** The formats of `wattbench sources`: a terminal table with the energy total and the fixes, or a JSON array. */

/** The table of probes, then the rule of the energy total, then each fix once with the sources it unlocks. */
export function sourcesText(probes: readonly Probe[], rule: TotalRule): string {
  const rows = probes.map((p) => [p.info.id, p.state, p.info.kind, p.info.scope, p.info.quality, fidelityCell(p), p.reason ?? '']);
  let text = `${table(['id', 'state', 'kind', 'scope', 'quality', 'fidelity', 'reason'], rows)}\n`;
  text += `\ntotal energy: ${rule.description}\n`;
  const byFix = new Map<string, string[]>();
  for (const p of probes) if (p.fix) byFix.set(p.fix, [...(byFix.get(p.fix) ?? []), `${p.info.id} (${p.state})`]);
  for (const [fix, ids] of byFix) text += `\nfix for ${ids.join(', ')}: ${fix}\n`;
  return text;
}

/** A probe's fidelity cell: `-` for sources without energy, the averaging period where the device says it. */
function fidelityCell(p: Probe): string {
  const fidelity = fidelityOf(p.info);
  if (fidelity === null) return '-';
  return fidelity === 'averaged' && p.info.averagingS !== undefined ? `averaged ${Number(p.info.averagingS.toPrecision(3))} s` : fidelity;
}

/** `sources --json`: one record per probe. */
export function sourcesJson(probes: readonly Probe[]): string {
  return jsonText(probes.map(probeRecord));
}
