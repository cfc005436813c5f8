/**
 * Reads what a report is drawn from: results CSV files through the shared streaming reader (`results/read.ts`,
 * which validates every cell and counts invalid rows), split by energy quality so that measured and estimated
 * repetitions never share a group, plus each file's optional JSON sidecar (machine fingerprint, sources, and the
 * per-window, per-source energy and power timeline). A sidecar is treated as hostile: anything missing, unreadable
 * or of the wrong shape is dropped with a reason that the report shows, never an exception.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { UsageError } from '../errors.js';
import {
  type FileSummary,
  GroupAccumulator,
  type GroupSamples,
  perSourceNote,
  readResultFile,
  type ResultRow,
  type SeriesName,
  splitPerSourceFiles,
  type Where,
} from '../results/read.js';
import { type RowWindow, type Sidecar, type SidecarResult, summarizeSidecarLines, summarizeSidecarText } from './sidecar.js';
import { sidecarPathOf } from '../results/paths.js';
import type { Quality } from '../sources/types.js';

export type { RowWindow, Sidecar, SidecarConfig, SidecarProbe, SidecarResult } from './sidecar.js';

/** Series the report keeps per group: throughput and work per joule (CI whiskers), power (context). */
export const REPORT_SERIES: readonly SeriesName[] = ['throughputPerS', 'workPerJ', 'powerW'];
/** Largest sidecar read, in bytes: a bigger one is skipped with a reason (the CSV still gives most charts). */
export const MAX_SIDECAR_BYTES = 256 * 1024 * 1024;
/** Distinct row warnings kept (after numbers are folded), so that a hostile file cannot fill the memory. */
export const MAX_WARNING_KINDS = 200;

/** What a row warning is about, for the report's header. */
export type WarningCategory = 'throttling' | 'busy' | 'estimated' | 'other';

/** One kind of warning carried by valid rows, counted per machine. */
export interface RowWarning {
  category: WarningCategory;
  machine: string;
  /** The first text seen of this kind. */
  example: string;
  count: number;
  first: Where;
}

/** One results file with what was read from it. */
export interface LoadedFile {
  csv: string;
  summary: FileSummary;
  /** Its sidecar, or null with `sidecarNote` saying why. */
  sidecar: Sidecar | null;
  sidecarNote: string | null;
}

/** Everything a report is drawn from. */
export interface LoadedResults {
  files: LoadedFile[];
  /** Groups of valid rows, one set per energy quality: measured and estimated repetitions are never pooled. */
  groups: Record<Quality, Map<string, GroupSamples>>;
  rowWarnings: RowWarning[];
  /** What was done besides reading, for stderr (the per-source files skipped); empty when nothing. */
  notes: string[];
}

/** Sorts each valid row into the accumulator of its energy quality, and tallies the warnings it carries. */
class ReportAccumulator extends GroupAccumulator {
  readonly byQuality: Record<Quality, GroupAccumulator> = {
    measured: new GroupAccumulator({ series: REPORT_SERIES }),
    estimated: new GroupAccumulator({ series: REPORT_SERIES }),
    none: new GroupAccumulator({ series: REPORT_SERIES }),
  };
  readonly warnings = new Map<string, RowWarning>();
  /** Every row of each file by run id, in file order: what the sidecar beside the file is read by. */
  readonly runs = new Map<string, Map<string, RowWindow[]>>();

  constructor() {
    super({ series: [] });
  }

  override add(row: ResultRow, where: Where): void {
    this.byQuality[row.quality].add(row, where);
    let runs = this.runs.get(where.file);
    if (!runs) this.runs.set(where.file, (runs = new Map()));
    let rows = runs.get(row.runId);
    if (!rows) runs.set(row.runId, (rows = []));
    rows.push({
      benchmark: row.benchmark,
      kind: row.kind,
      threads: row.threads,
      version: row.version,
      workUnit: row.workUnit,
      repetition: row.repetition,
      valid: row.valid,
      rank: row.energyJ ?? row.durationS,
    });
    // Invalid rows are reported with their reason per file (FileSummary.excluded); only valid ones' warnings are tallied.
    if (row.valid && row.warnings !== null) this.tally(row.machine, row.warnings, where);
  }

  private tally(machine: string, cell: string, where: Where): void {
    for (const raw of cell.split('; ')) {
      const text = raw.trim();
      if (text === '') continue;
      const category = categorize(text);
      // Numbers differ from window to window ("93% CPU used"); folding them counts one kind of warning once.
      const key = JSON.stringify([category, machine, text.replace(/\d+(?:\.\d+)?/g, '#').slice(0, 200)]);
      const seen = this.warnings.get(key);
      if (seen) seen.count++;
      else if (this.warnings.size < MAX_WARNING_KINDS) this.warnings.set(key, { category, machine, example: text.slice(0, 300), count: 1, first: where });
    }
  }
}

/** Sorts a row warning into what the report header groups together. */
export function categorize(text: string): WarningCategory {
  if (/throttl/i.test(text)) return 'throttling';
  if (/busy with other work|stole .*CPU time|steal/i.test(text)) return 'busy';
  if (/ESTIMATED/.test(text)) return 'estimated';
  return 'other';
}

export { sidecarPathOf };

/** Sidecars read at once: a large one that must be parsed whole takes a worker thread and a core. */
export const SIDECAR_READERS = Math.max(1, Math.min(4, availableParallelism() - 1));

/** Runs `task` over `items` with at most `limit` running at once; the promises come back in the order of `items`. */
function mapLimited<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Array<Promise<R>> {
  const slots: Array<Promise<unknown>> = [];
  return items.map((item, i) => {
    // Item i starts when item i - limit has settled, so no more than `limit` run together.
    const before = i >= limit ? (slots[i - limit] as Promise<unknown>) : Promise.resolve();
    const run = before.then(() => task(item));
    slots.push(run.catch(() => undefined));
    return run;
  });
}

/** Sidecars at least this large that must be parsed whole are parsed in a worker thread, alongside the charts drawn from the rows. */
export const WORKER_MIN_BYTES = 4 * 1024 * 1024;

const WORKER = new URL('./sidecar-worker.js', import.meta.url);

/** Summarizes a sidecar in a worker thread; resolves with a note if the worker fails (e.g. runs out of memory). */
function summarizeInWorker(file: string): Promise<SidecarResult> {
  return new Promise((resolvePromise) => {
    let settled = false;
    const done = (result: SidecarResult): void => {
      if (!settled) {
        settled = true;
        resolvePromise(result);
      }
    };
    const worker = new Worker(WORKER, { workerData: { file } });
    worker.once('message', (result: SidecarResult) => done(result));
    worker.once('error', (err) => done({ sidecar: null, note: `${file}: could not be read (${err.message})` }));
    worker.once('exit', (code) => done({ sidecar: null, note: `${file}: could not be read (worker exited with code ${code})` }));
  });
}

/**
 * Reads and summarizes the sidecar of `csv`, or says why there is none; `runs` are the rows of `csv` by run id (see
 * `summarizeSidecarLines`). Never throws for bad content. A large sidecar that must be parsed whole is parsed in a
 * worker thread when the compiled worker is there (it is not when tests run the TypeScript sources).
 */
export async function loadSidecar(csv: string, options: { workerMinBytes?: number; runs?: ReadonlyMap<string, RowWindow[]> } = {}): Promise<SidecarResult> {
  const file = sidecarPathOf(csv);
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) return { sidecar: null, note: `${file} is not a file` };
    size = info.size;
  } catch {
    return { sidecar: null, note: `no sidecar ${file}` };
  }
  if (size > MAX_SIDECAR_BYTES) return { sidecar: null, note: `${file} is ${(size / 1048576).toFixed(0)} MiB, more than the ${MAX_SIDECAR_BYTES / 1048576} MiB read` };
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    return { sidecar: null, note: `${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})` };
  }
  // Read from its CSV rows, a sidecar in the sidecar layout costs a read and a few lines' parse: no thread needed.
  const fromRows = options.runs ? summarizeSidecarLines(file, bytes, options.runs) : null;
  if (fromRows !== null) return fromRows;
  if (size >= (options.workerMinBytes ?? WORKER_MIN_BYTES) && existsSync(fileURLToPath(WORKER))) return summarizeInWorker(file);
  return summarizeSidecarText(file, bytes);
}

/** Options of `loadResults`. */
export interface LoadOptions {
  /** Called once the CSV files are read, before the sidecars are: the results so far, every sidecar null. */
  onRowsRead?: (rows: LoadedResults) => void;
}

/**
 * Reads results files and their sidecars for a report. Throws a UsageError (`file:line: …`) for an unusable CSV or
 * a file given twice; a missing or bad sidecar is only noted, and per-source files among the inputs are skipped with
 * a note.
 */
export async function loadResults(inputs: readonly string[], options: LoadOptions = {}): Promise<LoadedResults> {
  if (inputs.length === 0) throw new UsageError('report needs at least one results CSV file');
  const { results: csvPaths, perSource } = await splitPerSourceFiles(inputs);
  const note = perSourceNote(perSource);
  const notes = note === null ? [] : [note];
  const seen = new Map<string, string>();
  for (const csv of csvPaths) {
    const key = resolve(csv);
    const before = seen.get(key);
    if (before !== undefined) throw new UsageError(`${csv}: given twice (also as ${before}); each file's rows would count twice`);
    seen.set(key, csv);
  }
  const accumulator = new ReportAccumulator();
  const summaries: FileSummary[] = [];
  for (const csv of csvPaths) summaries.push(await readResultFile(csv, accumulator));
  options.onRowsRead?.(resultsOf(accumulator, csvPaths.map((csv, i) => ({ csv, summary: summaries[i] as FileSummary, sidecar: null, sidecarNote: null })), notes));
  // The sidecars are read after the rows, which choose the windows to read from them, SIDECAR_READERS at a time.
  const sidecars = mapLimited(csvPaths, SIDECAR_READERS, (csv) => loadSidecar(csv, { runs: accumulator.runs.get(csv) ?? new Map() }));
  const files: LoadedFile[] = [];
  for (const [i, csv] of csvPaths.entries()) {
    const summary = summaries[i] as FileSummary;
    let { sidecar, note } = await (sidecars[i] as Promise<SidecarResult>);
    if (sidecar && !summary.machines.includes(sidecar.machine)) {
      note = `${sidecar.file} describes machine ${JSON.stringify(sidecar.machine)}, which ${csv} does not contain`;
      sidecar = null;
    }
    files.push({ csv, summary, sidecar, sidecarNote: note });
  }
  return resultsOf(accumulator, files, notes);
}

function resultsOf(accumulator: ReportAccumulator, files: LoadedFile[], notes: string[]): LoadedResults {
  return {
    files,
    groups: {
      measured: accumulator.byQuality.measured.groups,
      estimated: accumulator.byQuality.estimated.groups,
      none: accumulator.byQuality.none.groups,
    },
    rowWarnings: [...accumulator.warnings.values()],
    notes,
  };
}
