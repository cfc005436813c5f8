import { discoverSources, sourceContext } from '../sources/discover.js';
import { totalRule } from '../sampler/total.js';
import { selectSources } from '../runner/session.js';
import { probeRecord } from '../results/probe-record.js';
import { sessionOptions, type SourceFlags } from './options.js';
import { table } from '../format/text.js';
import type { Io } from './io.js';

/** `wattbench sources`: every source found, its state, kind, scope, quality, reason and fix. */
export async function sourcesCommand(flags: SourceFlags & { json?: boolean }, io: Io): Promise<number> {
  const context = sourceContext(sessionOptions(flags));
  const probes = await discoverSources({ ...sessionOptions(flags), files: context.files });
  await Promise.all(probes.map((p) => p.source?.close?.()));
  await context.files.close?.();
  if (flags.json) {
    io.out(`${JSON.stringify(probes.map(probeRecord), null, 2)}\n`);
    return 0;
  }
  const rows = probes.map((p) => [p.info.id, p.state, p.info.kind, p.info.scope, p.info.quality, p.reason ?? '']);
  io.out(`${table(['id', 'state', 'kind', 'scope', 'quality', 'reason'], rows)}\n`);
  const options = sessionOptions(flags);
  const rule = totalRule(selectSources(probes, options).map((s) => s.info));
  io.out(`\ntotal energy: ${rule.description}\n`);
  const byFix = new Map<string, string[]>();
  for (const p of probes) if (p.fix) byFix.set(p.fix, [...(byFix.get(p.fix) ?? []), `${p.info.id} (${p.state})`]);
  for (const [fix, ids] of byFix) io.out(`\nfix for ${ids.join(', ')}: ${fix}\n`);
  return 0;
}
