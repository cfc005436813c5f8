import { readResults } from '../results/read.js';
import { type CheckOptions, type CheckResult, checkResults, seriesFor } from './check.js';

/** A gate over files, with what reading them noted (per-source files skipped from a glob), baseline's first. */
export type CheckFilesResult = CheckResult & { readNotes: string[] };

/** Reads the baseline and current results files (each side pooled, machines ignored) and draws the gate's verdicts. */
export async function checkFiles(baseline: readonly string[], current: readonly string[], options: CheckOptions = {}): Promise<CheckFilesResult> {
  const series = seriesFor(options.metrics);
  const baselineSet = await readResults([...baseline], { byMachine: false, series });
  const currentSet = await readResults([...current], { byMachine: false, series });
  return { ...checkResults(baselineSet, currentSet, options), readNotes: [...baselineSet.notes, ...currentSet.notes] };
}
