import { discoverSources, sourceContext } from '../sources/discover.js';
import { totalRule } from '../sampler/total.js';
import { selectSources } from '../sources/select.js';
import { sourcesJson, sourcesText } from '../format/sources.js';
import type { SourceFlags } from './options.js';
import { sessionOptions } from './session-options.js';
import type { Io } from './io.js';

/** `wattbench sources`: every source found, its state, kind, scope, quality, reason and fix. */
export async function sourcesCommand(flags: SourceFlags & { json?: boolean }, io: Io): Promise<number> {
  const options = sessionOptions(flags);
  const context = sourceContext(options);
  const probes = await discoverSources({ ...options, files: context.files });
  await Promise.all(probes.map((p) => p.source?.close?.()));
  await context.files.close?.();
  io.out(flags.json ? sourcesJson(probes) : sourcesText(probes, totalRule(selectSources(probes, options).map((s) => s.info))));
  return 0;
}
