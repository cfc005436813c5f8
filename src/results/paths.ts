import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../errors.js';

/** The three files of a run: rows, long-format per-source rows, and the JSON sidecar. */
export interface RunPaths {
  csv: string;
  sources: string;
  json: string;
}

const CSV = /\.csv$/i;

/** `<name>.json` beside `<name>.csv` (`.CSV` too), or `<file>.json` for a file not named .csv: the one sidecar rule. */
export function sidecarPathOf(csv: string): string {
  return CSV.test(csv) ? `${csv.slice(0, -'.csv'.length)}.json` : `${csv}.json`;
}

/** The files a run writes for `--out FILE.csv` (UsageError when it is not a .csv name). */
export function outPaths(out: string): RunPaths {
  if (!CSV.test(out)) throw new UsageError(`--out must name a .csv file, got ${JSON.stringify(out)}`);
  return { csv: out, sources: `${out.slice(0, -'.csv'.length)}.sources.csv`, json: sidecarPathOf(out) };
}

/** Derives a run's file paths from `--out FILE.csv`, or from the results folder and run id. */
export function runPaths(runId: string, out?: string, dir = 'results'): RunPaths {
  return outPaths(out ?? join(dir, `${runId}.csv`));
}

/** A file by device and inode: how a path is recognised as the file stdout already writes to. */
export interface FileIdentity {
  dev: number;
  ino: number;
}

const ROLE: Record<keyof RunPaths, string> = { csv: 'the results file', sources: 'the per-source file', json: 'the sidecar' };

/**
 * Refuses, before anything is measured, an `--out` whose files exist already (wattbench never overwrites results).
 * When the existing file is the one stdout writes to (`> run.json` makes the shell create it first), the message
 * says so and what to do, since "already exists" would be a puzzle: the person never wrote that file.
 */
export async function assertOutFree(out: string, stdout: FileIdentity | null = null): Promise<RunPaths> {
  const paths = outPaths(out);
  for (const role of ['csv', 'sources', 'json'] as const) {
    const path = paths[role];
    const found = await stat(path).catch(() => null);
    if (found === null) continue;
    if (stdout !== null && found.dev === stdout.dev && found.ino === stdout.ino) {
      throw new UsageError(
        `${path} is where your shell is sending stdout (\`> ${path}\`) and also ${ROLE[role]} of --out ${out}; redirect stdout elsewhere or choose another --out`,
      );
    }
    throw new UsageError(`${path} already exists; wattbench never overwrites results (choose another --out)`);
  }
  return paths;
}
