import type { RunResult } from '../runner/types.js';
import type { RunPaths } from '../results/paths.js';
import { windowRecord } from '../results/window-record.js';

/** The JSON formats: every document printed on stdout is indented by two and ends with a line break. */

/** Prints a document as the CLI's JSON output. */
export function jsonText(doc: unknown): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** The document `measure --json`, `run --json` and `ab --json` print: the run, where it was written, and its windows. */
export function runJson(run: RunResult, paths: RunPaths, complete: boolean, extra: Record<string, unknown> = {}): string {
  return jsonText({ runId: run.runId, machine: run.machine, startedAt: run.startedAt, complete, files: paths, totalRule: run.rule, ...extra, windows: run.windows.map(windowRecord) });
}
