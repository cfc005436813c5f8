import type { RunResult } from '../runner/types.js';
import type { RunPaths } from '../results/paths.js';
import { recordRun } from '../results/record.js';
import { toCsv } from '../results/csv.js';
import { COLUMNS, windowToRow } from '../results/schema.js';
import type { Io } from './io.js';

/** Records a finished run (see `recordRun`) and prints it as JSON or as a summary. */
export async function finishRun(
  run: RunResult,
  flags: { out?: string; json?: boolean; sysfs: string; procfs: string },
  io: Io,
  summary: () => string,
  extraJson: Record<string, unknown> = {},
  complete = true,
): Promise<RunPaths> {
  let paths: RunPaths;
  try {
    paths = await recordRun(run, { ...(flags.out ? { out: flags.out } : {}), sysfs: flags.sysfs, procfs: flags.procfs, complete });
  } catch (err) {
    // Nothing measured is lost: the summary and the rows go to stderr before the one-line error and exit 2.
    io.err(`${summary()}\nwattbench: could not write the results; the rows follow so they are not lost:\n${toCsv(COLUMNS, run.windows.map((w) => windowToRow(run, w)))}`);
    throw err;
  }
  if (flags.json) {
    const doc = { runId: run.runId, machine: run.machine, startedAt: run.startedAt, complete, files: paths, totalRule: run.rule, ...extraJson, windows: run.windows };
    io.out(`${JSON.stringify(doc, null, 2)}\n`);
  } else {
    io.err(`${summary()}\n${complete ? '' : 'INCOMPLETE run (interrupted): '}written: ${paths.csv} (per source: ${paths.sources}; metadata: ${paths.json})\n`);
  }
  return paths;
}
