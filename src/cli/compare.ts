import { compareFiles } from '../compare/compare-files.js';
import { compareCsv, compareJson, compareText, excludedLines } from '../format/compare.js';
import { compareMarkdown, exclusionLines, groupExclusionLines } from '../format/markdown.js';
import { jsonText } from '../format/json.js';
import { termText } from '../format/text.js';
import { UsageError } from '../errors.js';
import type { SourceQuality } from '../sources/types.js';
import { COMPARE_FORMATS } from './commands/defaults.js';
import type { Io } from './io.js';

export { COMPARE_FORMATS };
/** One output format of `compare`. */
export type CompareFormat = (typeof COMPARE_FORMATS)[number];

/** Flags of `wattbench compare`. */
export interface CompareFlags {
  baseline?: string;
  format?: CompareFormat;
  json?: boolean;
  quality?: SourceQuality;
  seed?: number;
}

/** `wattbench compare <file.csv>…`: ranks machines per benchmark and overall; returns the exit code (0). */
export async function compareAction(files: string[], flags: CompareFlags, io: Io): Promise<number> {
  const format: CompareFormat = flags.json ? 'json' : (flags.format ?? 'table');
  const result = await compareFiles(files, {
    ...(flags.baseline !== undefined ? { baseline: flags.baseline } : {}),
    ...(flags.quality ? { quality: flags.quality } : {}),
    ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
  });
  for (const note of result.readNotes) io.err(`wattbench: ${note}\n`);
  if (result.benchmarks.every((b) => b.machines.every((m) => m.n === 0))) {
    const first = exclusionLines(result.excludedRows)[0] ?? groupExclusionLines(result.excludedGroups)[0] ?? 'no rows';
    throw new UsageError(`nothing to compare: no valid rows are left (first exclusion: ${first})`);
  }
  switch (format) {
    case 'json':
      io.out(jsonText(compareJson(result)));
      break;
    case 'csv':
      io.out(compareCsv(result));
      for (const line of excludedLines(result)) io.err(`wattbench: excluded: ${termText(line, 400)}\n`);
      break;
    case 'md':
      io.out(compareMarkdown(result));
      break;
    case 'table':
      io.out(compareText(result));
      break;
  }
  return 0;
}
