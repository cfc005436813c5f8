import type { RunResult } from '../runner/types.js';
import type { RunPaths } from '../results/paths.js';
import { recordRun } from '../results/record.js';
import { runCsv } from '../results/write.js';
import { runJson } from '../format/json.js';
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
    io.err(`${summary()}\nwattbench: could not write the results; the rows follow so they are not lost:\n${runCsv(run)}`);
    throw err;
  }
  if (flags.json) {
    io.out(runJson(run, paths, complete, extraJson));
  } else {
    io.err(`${summary()}\n${complete ? '' : 'INCOMPLETE run (interrupted): '}written: ${paths.csv} (per source: ${paths.sources}; metadata: ${paths.json})\n`);
  }
  return paths;
}
