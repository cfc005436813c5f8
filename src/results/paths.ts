import { join } from 'node:path';
import { UsageError } from '../errors.js';

/** The three files of a run: rows, long-format per-source rows, and the JSON sidecar. */
export interface RunPaths {
  csv: string;
  sources: string;
  json: string;
}

/** Derives a run's file paths from `--out FILE.csv`, or from the results folder and run id. */
export function runPaths(runId: string, out?: string, dir = 'results'): RunPaths {
  const csv = out ?? join(dir, `${runId}.csv`);
  if (!csv.endsWith('.csv')) throw new UsageError(`--out must name a .csv file, got ${JSON.stringify(out)}`);
  const base = csv.slice(0, -'.csv'.length);
  return { csv, sources: `${base}.sources.csv`, json: `${base}.json` };
}
