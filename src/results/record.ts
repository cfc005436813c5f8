import type { RunResult } from '../runner/types.js';
import { readGovernor } from '../sources/cpu/cpufreq.js';
import { sourceContext } from '../sources/discover.js';
import { nodeFileReader } from '../sources/io/files.js';
import { collectFingerprint } from './fingerprint.js';
import type { RunPaths } from './paths.js';
import { writeRun } from './write.js';

/** Options of `recordRun`. */
export interface RecordOptions {
  /** `--out FILE.csv`; default `results/<run id>.csv`. */
  out?: string;
  /** Roots the governor is read from (the same as the run's sources). */
  sysfs: string;
  procfs: string;
  /** False for an interrupted run: the sidecar says the run is incomplete. */
  complete?: boolean;
}

/** Records a finished run: takes the machine's fingerprint and writes the CSV, per-source CSV and sidecar atomically. */
export async function recordRun(run: RunResult, options: RecordOptions): Promise<RunPaths> {
  const governor = await readGovernor(sourceContext({ sysfs: options.sysfs, procfs: options.procfs, files: nodeFileReader }));
  const fingerprint = await collectFingerprint(governor);
  return writeRun(run, { ...(options.out ? { out: options.out } : {}), fingerprint, complete: options.complete ?? true });
}
