import { stat } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { readResults } from '../results/read.js';
import type { SourceQuality } from '../sources/types.js';
import { COMPARE_SERIES, compareResults, type CompareResult } from './compare.js';

/** Options of `compareFiles`. */
export interface CompareFilesOptions {
  /** A machine name, or a results file that holds exactly one machine (read too when not among `files`). */
  baseline?: string;
  /** Keep only rows of this energy quality. */
  quality?: SourceQuality;
  seed?: number;
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** A comparison of files, with what reading them noted (per-source files skipped from a glob). */
export type CompareFilesResult = CompareResult & { readNotes: string[] };

/** Reads results files and compares their machines; `--baseline` may name a machine or a file of one machine. */
export async function compareFiles(files: readonly string[], options: CompareFilesOptions = {}): Promise<CompareFilesResult> {
  if (files.length === 0) throw new UsageError('no results file given: use wattbench compare <file.csv>...');
  let inputs = [...files];
  let baselineFile: string | null = null;
  if (options.baseline !== undefined && (files.includes(options.baseline) || (await isFile(options.baseline)))) {
    baselineFile = options.baseline;
    if (!files.includes(baselineFile)) inputs = [baselineFile, ...files];
  }
  const set = await readResults(inputs, { series: COMPARE_SERIES, byMachine: true, ...(options.quality ? { quality: options.quality } : {}) });
  let baseline = options.baseline;
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
  const result = compareResults(set, { ...(baseline !== undefined ? { baseline } : {}), ...(options.seed !== undefined ? { seed: options.seed } : {}) });
  // The notes of the comparison go where the CLI prints the reader's, on stderr for every format.
  return { ...result, readNotes: [...set.notes, ...result.notes] };
}
