import type { RunResult } from '../runner/types.js';
import { HARNESS } from '../version.js';
import { writeNewFileAtomic } from './atomic.js';
import { probeRecord } from './probe-record.js';
import { toCsv } from './csv.js';
import type { Fingerprint } from './fingerprint.js';
import { runPaths, type RunPaths } from './paths.js';
import type { SidecarDocument } from './sidecar-document.js';
import { sidecarText } from './sidecar-text.js';
import { COLUMNS, SCHEMA_VERSION, SOURCE_COLUMNS, windowToRow, windowToSourceRows } from './schema.js';
import { windowRecord } from './window-record.js';

/** Writes a run's CSV, long-format per-source CSV and JSON sidecar. */

export { probeRecord };


/** The JSON sidecar document of a run. */
export function sidecar(run: RunResult, fingerprint: Fingerprint | null, complete: boolean): SidecarDocument {
  return {
    schemaVersion: SCHEMA_VERSION,
    runId: run.runId,
    machine: run.machine,
    startedAt: run.startedAt,
    finishedAt: new Date().toISOString(),
    complete,
    harness: HARNESS,
    node: process.version,
    fingerprint,
    sources: run.probes.map(probeRecord),
    totalRule: run.rule,
    settings: run.settings,
    windows: run.windows.map(windowRecord),
  };
}

/** The results CSV of a run: one row per window. */
export function runCsv(run: RunResult): string {
  return toCsv(COLUMNS, run.windows.map((w) => windowToRow(run, w)));
}

/** Writes the three files atomically; none overwrites an existing file. */
export async function writeRun(
  run: RunResult,
  options: { out?: string; dir?: string; fingerprint: Fingerprint | null; complete?: boolean },
): Promise<RunPaths> {
  const paths = runPaths(run.runId, options.out, options.dir);
  const sourceRows = run.windows.flatMap((w) => windowToSourceRows(run, w));
  await writeNewFileAtomic(paths.csv, runCsv(run));
  await writeNewFileAtomic(paths.sources, toCsv(SOURCE_COLUMNS, sourceRows));
  await writeNewFileAtomic(paths.json, sidecarText(sidecar(run, options.fingerprint, options.complete ?? true)));
  return paths;
}
