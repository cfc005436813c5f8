import { readResults } from '../results/read.js';
import { type CheckOptions, type CheckResult, checkResults, seriesFor } from './check.js';

/** Reads the baseline and current results files (each side pooled, machines ignored) and draws the gate's verdicts. */
export async function checkFiles(baseline: readonly string[], current: readonly string[], options: CheckOptions = {}): Promise<CheckResult> {
  const series = seriesFor(options.metrics);
  const baselineSet = await readResults([...baseline], { byMachine: false, series });
  const currentSet = await readResults([...current], { byMachine: false, series });
  return checkResults(baselineSet, currentSet, options);
}
