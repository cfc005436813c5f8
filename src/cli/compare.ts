import { stat } from 'node:fs/promises';
import { COMPARE_SERIES, compareResults } from '../compare/compare.js';
import { compareCsv, compareJson, compareText, excludedLines } from '../format/compare.js';
import { compareMarkdown, exclusionLines, groupExclusionLines } from '../format/markdown.js';
import { jsonText } from '../format/json.js';
import { termText } from '../format/text.js';
import { UsageError } from '../errors.js';
import { type Quality, readResults } from '../results/read.js';
import { COMPARE_FORMATS } from './commands/compare.js';
import type { Io } from './io.js';

export { COMPARE_FORMATS };
/** One output format of `compare`. */
export type CompareFormat = (typeof COMPARE_FORMATS)[number];

/** Flags of `wattbench compare`. */
export interface CompareFlags {
  baseline?: string;
  format?: CompareFormat;
  json?: boolean;
  quality?: Exclude<Quality, 'none'>;
  seed?: number;
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** `wattbench compare <file.csv>…`: ranks machines per benchmark and overall; returns the exit code (0). */
export async function compareAction(files: string[], flags: CompareFlags, io: Io): Promise<number> {
  const format: CompareFormat = flags.json ? 'json' : (flags.format ?? 'table');
  if (files.length === 0) throw new UsageError('no results file given: use wattbench compare <file.csv>...');
  let inputs = files;
  let baselineFile: string | null = null;
  if (flags.baseline !== undefined && (files.includes(flags.baseline) || (await isFile(flags.baseline)))) {
    baselineFile = flags.baseline;
    if (!files.includes(baselineFile)) inputs = [baselineFile, ...files];
  }
  const set = await readResults(inputs, { series: COMPARE_SERIES, byMachine: true, ...(flags.quality ? { quality: flags.quality } : {}) });
  let baseline = flags.baseline;
  if (baselineFile !== null) {
    const summary = set.files.find((f) => f.file === baselineFile);
    const machines = summary?.machines ?? [];
    if (machines.length !== 1) {
      throw new UsageError(
        machines.length === 0
          ? `--baseline ${baselineFile}: the file has no rows to compare`
          : `--baseline ${baselineFile}: the file holds ${machines.length} machines (${machines.slice(0, 5).join(', ')}); name one with --baseline MACHINE`,
      );
    }
    baseline = machines[0];
  }
  const result = compareResults(set, { ...(baseline !== undefined ? { baseline } : {}), ...(flags.seed !== undefined ? { seed: flags.seed } : {}) });
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
