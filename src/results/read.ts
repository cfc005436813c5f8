/**
 * Streaming reader of results CSV files (DESIGN.md §5). Every file is treated as hostile: rows are read in chunks
 * by `csv-records.ts` (a fast splitter backed by csv-parse), validated cell by cell, and folded into per-group numeric series at once, so
 * memory grows with the number of groups and repetitions, never with row objects. Anything unusable (a missing or
 * empty file, missing columns, another schema_version, a cell of the wrong type, a CSV syntax error) is a UsageError
 * whose one-line message starts with `file:line:`; rows that are well formed but not usable (invalid windows, rows
 * left out by a quality filter) are counted per file with their line numbers, never dropped silently.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { csvRecords, CsvSyntaxError } from './csv-records.js';
import { UsageError } from '../errors.js';
import type { BenchmarkIdentity, WindowKind } from '../runner/types.js';
import { FIDELITIES, type Fidelity, type Quality } from '../sources/types.js';
import { COLUMNS, SCHEMA_VERSION, type Row } from './schema.js';


/** Columns a results file must have (DESIGN.md §5); `version` and the later extras are optional. */
export const REQUIRED_COLUMNS = COLUMNS.slice(0, COLUMNS.indexOf('valid') + 1);

/** Numeric series that can be kept per group, one value per valid row. */
export const SERIES = ['throughputPerS', 'durationS', 'energyPerWorkJ', 'powerW', 'workPerJ'] as const;
/** Name of one per-group numeric series. */
export type SeriesName = (typeof SERIES)[number];

/** Largest magnitude accepted in a numeric cell: no physical quantity here comes near it, and sums of a million such values stay finite. */
export const MAX_MAGNITUDE = 1e30;
/** Line numbers kept per exclusion reason and file, so that a million excluded rows cost no memory. */
export const EXAMPLE_LINES = 5;
/** Largest CSV record accepted, in bytes: a hostile file with no line breaks must not fill the memory. */
export const MAX_RECORD_BYTES = 1 << 20;

/** A place in an input file. */
export interface Where {
  file: string;
  /** 1-based line where the record starts. */
  line: number;
}

/** One validated data row, with the cells the comparisons and the report use. */
export interface ResultRow extends BenchmarkIdentity {
  /** The run that wrote the row (its sidecar has the same run id). */
  runId: string;
  /** Repetition of the configuration within its run, from 1. */
  repetition: number;
  machine: string;
  checksum: string | null;
  quality: Quality;
  source: string;
  valid: boolean;
  durationS: number;
  work: number;
  throughputPerS: number | null;
  energyJ: number | null;
  powerW: number | null;
  workPerJ: number | null;
  /** The warnings cell (why a window is invalid), or null. */
  warnings: string | null;
  /** The weakest fidelity in the row's total, or null when unknown (an empty cell, or a file older than the column). */
  fidelity: Fidelity | null;
  /** The total's coverage in percent, or null when unknown (as `fidelity`). */
  coveragePct: number | null;
}

/** The repetitions of one benchmark configuration (and, unless pooled, one machine): numeric series only. */
export interface GroupSamples extends BenchmarkIdentity {
  /** Group key: kind, benchmark, threads, work unit and version (and machine unless pooled). */
  key: string;
  /** Identity of the benchmark without version or machine: what `compare` and `check` join on. */
  identity: string;
  machine: string;
  /** Every machine seen in the group (pooled groups), at most MAX_NAMES of them. */
  machines: string[];
  /** Checksum of the first valid row that has one, or null. */
  checksum: string | null;
  /** First valid row whose non-null checksum differs from `checksum`, or null. */
  otherChecksum: (Where & { checksum: string }) | null;
  /** Energy quality of the first valid row (of the first row while there is none). */
  quality: Quality;
  /** Energy source of the first valid row. */
  source: string;
  /** Where each quality was first seen among the valid rows: more than one key means the group mixes qualities. */
  qualities: Partial<Record<Quality, Where>>;
  /** Where each known fidelity was first seen among the valid rows (rows of unknown fidelity are not keyed). */
  fidelities: Partial<Record<Fidelity, Where>>;
  /** First row of the group. */
  first: Where;
  /** Valid rows folded in. */
  n: number;
  /** Invalid rows (valid=false) of the group: counted, never in the series. */
  invalid: number;
  /** The first invalid row and its warnings, or null. */
  firstInvalid: (Where & { detail: string | null }) | null;
  /** One value per valid row that had one, for the series that were asked for. */
  series: Partial<Record<SeriesName, number[]>>;
  /** Valid rows that had no value for a kept series (e.g. no energy when quality is none). */
  missing: Partial<Record<SeriesName, number>>;
}

/** Rows of one file left out for one reason. */
export interface Exclusion {
  file: string;
  /** Why, in words. */
  reason: string;
  /** How many rows. */
  count: number;
  /** The first few line numbers (at most EXAMPLE_LINES). */
  lines: number[];
  /** A detail from the first excluded row (e.g. its warnings), or null. */
  detail: string | null;
}

/** What was read from one file. */
export interface FileSummary {
  file: string;
  /** Data rows read (repeated header lines of concatenated files not counted). */
  rows: number;
  /** Valid rows folded into groups. */
  used: number;
  /** Machines named in the file, in order of appearance (at most MAX_NAMES). */
  machines: string[];
  excluded: Exclusion[];
}

/** Options of the reader. */
export interface ReadOptions {
  /** Series to keep per group (default: all). Keep only what is needed: memory is 8 bytes per value. */
  series?: readonly SeriesName[];
  /** Group each machine's rows apart (default true); false pools all machines of a benchmark into one group. */
  byMachine?: boolean;
  /** Keep only rows of this energy quality; the others are excluded and counted. */
  quality?: Quality;
}

/** Names kept in lists of machines (a file of a million machines must not hold them all). */
export const MAX_NAMES = 50;
/** Most groups (benchmark configurations × machines) held at once: a hostile file of a million names must not fill the memory. */
export const MAX_GROUPS = 100_000;

const KINDS: readonly WindowKind[] = ['kernel', 'command', 'function'];
const QUALITIES: readonly Quality[] = ['measured', 'estimated', 'none'];
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^\d+$/;

/** Quotes a hostile cell for a one-line message: JSON escapes control characters, long cells are cut. */
export function quoteCell(text: string, max = 40): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

/** Identity of a benchmark configuration: what results are joined on across files and machines (version checked apart). */
export function identityOf(row: Pick<ResultRow, 'kind' | 'benchmark' | 'threads' | 'workUnit'>): string {
  return JSON.stringify([row.kind, row.benchmark, row.threads, row.workUnit]);
}

function groupKey(row: ResultRow, byMachine: boolean): string {
  return JSON.stringify([row.kind, row.benchmark, row.threads, row.workUnit, row.version, byMachine ? row.machine : null]);
}

/** Folds validated rows into groups; shared by the CSV reader and by `ab`, which groups its windows the same way. */
export class GroupAccumulator {
  readonly groups = new Map<string, GroupSamples>();
  private readonly series: readonly SeriesName[];
  private readonly byMachine: boolean;

  constructor(options: Pick<ReadOptions, 'series' | 'byMachine'> = {}) {
    this.series = options.series ?? SERIES;
    this.byMachine = options.byMachine ?? true;
  }

  /** Adds one row; `where` locates it for later messages. An invalid row only counts (see `GroupSamples.invalid`). */
  add(row: ResultRow, where: Where): void {
    const key = groupKey(row, this.byMachine);
    let group = this.groups.get(key);
    if (!group) {
      if (this.groups.size >= MAX_GROUPS) {
        throw new UsageError(`${where.file}:${where.line}: more than ${MAX_GROUPS} distinct benchmark configurations and machines; split the input, or check that it is a wattbench results file`);
      }
      group = {
        key,
        identity: identityOf(row),
        machine: row.machine,
        machines: [row.machine],
        benchmark: row.benchmark,
        kind: row.kind,
        threads: row.threads,
        workUnit: row.workUnit,
        version: row.version,
        checksum: null,
        otherChecksum: null,
        quality: row.quality,
        source: row.source,
        qualities: {},
        fidelities: {},
        first: where,
        n: 0,
        invalid: 0,
        firstInvalid: null,
        series: Object.fromEntries(this.series.map((name) => [name, [] as number[]])),
        missing: {},
      };
      this.groups.set(key, group);
    }
    if (group.machine !== row.machine && group.machines.length < MAX_NAMES && !group.machines.includes(row.machine)) group.machines.push(row.machine);
    if (!row.valid) {
      group.invalid++;
      group.firstInvalid ??= { ...where, detail: row.warnings === null ? null : row.warnings.slice(0, 200) };
      return;
    }
    if (group.n === 0) {
      group.quality = row.quality;
      group.source = row.source;
    }
    group.n++;
    group.qualities[row.quality] ??= where;
    if (row.fidelity !== null) group.fidelities[row.fidelity] ??= where;
    if (row.checksum !== null) {
      if (group.checksum === null) group.checksum = row.checksum;
      else if (row.checksum !== group.checksum) group.otherChecksum ??= { ...where, checksum: row.checksum };
    }
    for (const name of this.series) {
      const value = seriesValue(row, name);
      if (value === null) group.missing[name] = (group.missing[name] ?? 0) + 1;
      else (group.series[name] as number[]).push(value);
    }
  }
}

/** The value a row contributes to a series, or null when it has none. */
export function seriesValue(row: ResultRow, name: SeriesName): number | null {
  switch (name) {
    case 'throughputPerS':
      return row.throughputPerS;
    case 'durationS':
      return row.durationS;
    case 'energyPerWorkJ':
      if (row.energyJ === null || !(row.work > 0)) return null;
      // Two finite cells can still divide to Infinity (a denormal amount of work).
      return Number.isFinite(row.energyJ / row.work) ? row.energyJ / row.work : null;
    case 'powerW':
      return row.powerW;
    case 'workPerJ':
      return row.workPerJ;
  }
}

/** Turns a row as wattbench writes it (see `windowToRow`) into a ResultRow, for callers that hold windows rather than files. */
export function resultRowOf(row: Row): ResultRow {
  const text = (value: unknown): string | null => (value === null || value === undefined || value === '' ? null : String(value));
  const number = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
  return {
    runId: String(row.run_id),
    repetition: number(row.repetition) ?? 1,
    machine: String(row.machine),
    benchmark: String(row.benchmark),
    kind: row.kind as WindowKind,
    threads: number(row.threads),
    workUnit: String(row.work_unit),
    version: text(row.version),
    checksum: text(row.checksum),
    quality: row.quality as Quality,
    source: String(row.source ?? ''),
    valid: row.valid === true,
    durationS: number(row.duration_s) ?? 0,
    work: number(row.work) ?? 0,
    throughputPerS: number(row.throughput_per_s),
    energyJ: number(row.energy_j),
    powerW: number(row.power_w),
    workPerJ: number(row.work_per_j),
    warnings: text(row.warnings),
    fidelity: (FIDELITIES as readonly unknown[]).includes(row.fidelity) ? (row.fidelity as Fidelity) : null,
    coveragePct: number(row.coverage_pct),
  };
}

/** Everything read from a set of files: groups of samples, and per file what was read and what was left out. */
export interface ResultSet {
  groups: Map<string, GroupSamples>;
  files: FileSummary[];
  /** What the reader did besides reading, for stderr (e.g. the per-source files it skipped); empty when nothing. */
  notes: string[];
}

class FileExclusions {
  readonly list: Exclusion[] = [];
  constructor(private readonly file: string) {}

  add(reason: string, line: number, detail: string | null): void {
    let entry = this.list.find((e) => e.reason === reason);
    if (!entry) {
      entry = { file: this.file, reason, count: 0, lines: [], detail };
      this.list.push(entry);
    }
    entry.count++;
    if (entry.lines.length < EXAMPLE_LINES) entry.lines.push(line);
  }
}

interface Columns {
  index: Map<string, number>;
  width: number;
  /** Index of each column a row is read from, or -1 when the header lacks it: looked up once per header, not per cell. */
  at: Record<string, number>;
}

/** Columns that `parseRow` reads. */
const READ_COLUMNS = [
  'schema_version', 'run_id', 'machine', 'benchmark', 'kind', 'threads', 'work_unit', 'version', 'checksum', 'quality', 'source', 'valid',
  'duration_s', 'work', 'throughput_per_s', 'energy_j', 'power_w', 'work_per_j', 'warnings', 'repetition', 'idle_power_w', 'net_energy_j',
  'cpu_util_pct', 'fidelity', 'coverage_pct',
] as const;

function columnsOf(header: string[]): Columns {
  const index = new Map<string, number>();
  header.forEach((name, i) => {
    if (!index.has(name)) index.set(name, i);
  });
  const at: Record<string, number> = {};
  for (const name of READ_COLUMNS) at[name] = index.get(name) ?? -1;
  return { index, width: header.length, at };
}

function fail(where: Where, message: string): never {
  throw new UsageError(`${where.file}:${where.line}: ${message}`);
}

function cellOf(record: string[], columns: Columns, name: string): string {
  const i = columns.at[name] ?? -1;
  return i === -1 ? '' : (record[i] ?? '');
}

/** A cell without surrounding white space; calls trim only when an end could be space, since nearly no cell has any. */
function trimmedCell(record: string[], columns: Columns, name: string): string {
  const value = cellOf(record, columns, name);
  if (value.length === 0) return value;
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(value.length - 1);
  return first <= 32 || first > 126 || last <= 32 || last > 126 ? value.trim() : value;
}

function textCell(record: string[], columns: Columns, name: string, where: Where): string {
  const value = cellOf(record, columns, name);
  if (value.trim() === '') fail(where, `${name} is empty`);
  return value;
}

function optionalTextCell(record: string[], columns: Columns, name: string): string | null {
  const value = cellOf(record, columns, name);
  return value === '' ? null : value;
}

function numberCell(record: string[], columns: Columns, name: string, where: Where, required: boolean, min: number | null): number | null {
  const value = trimmedCell(record, columns, name);
  if (value === '') {
    if (required) fail(where, `${name} is empty; expected a number`);
    return null;
  }
  if (!DECIMAL.test(value)) fail(where, `${name} is not a number: ${quoteCell(value)}`);
  const n = Number(value);
  if (!Number.isFinite(n) || Math.abs(n) > MAX_MAGNITUDE) fail(where, `${name} is out of range: ${quoteCell(value)}`);
  if (min !== null && n < min) fail(where, `${name} must be >= ${min}, got ${quoteCell(value)}`);
  return n;
}

function integerCell(record: string[], columns: Columns, name: string, where: Where, required: boolean): number | null {
  const value = trimmedCell(record, columns, name);
  if (value === '') {
    if (required) fail(where, `${name} is empty; expected a whole number`);
    return null;
  }
  if (!INTEGER.test(value) || Number(value) < 1 || Number(value) > Number.MAX_SAFE_INTEGER) fail(where, `${name} must be a whole number >= 1, got ${quoteCell(value)}`);
  return Number(value);
}

function oneOfCell<T extends string>(record: string[], columns: Columns, name: string, where: Where, allowed: readonly T[]): T {
  const value = cellOf(record, columns, name);
  if (!(allowed as readonly string[]).includes(value)) fail(where, `${name} must be one of ${allowed.join(', ')}, got ${quoteCell(value)}`);
  return value as T;
}

/** A cell that is empty (unknown) or one of `allowed`. */
function optionalOneOfCell<T extends string>(record: string[], columns: Columns, name: string, where: Where, allowed: readonly T[]): T | null {
  return cellOf(record, columns, name) === '' ? null : oneOfCell(record, columns, name, where, allowed);
}

const VALID_WORDS = ['true', 'false'] as const;

/** Validates and types the cells of one data row; throws a UsageError naming file and line on any bad cell. */
function parseRow(record: string[], columns: Columns, where: Where): ResultRow {
  const version = trimmedCell(record, columns, 'schema_version');
  if (version !== String(SCHEMA_VERSION)) {
    fail(
      where,
      version === ''
        ? 'schema_version is empty'
        : `schema_version ${quoteCell(version)} is not supported: this wattbench reads schema_version ${SCHEMA_VERSION} (use the wattbench that wrote the file, or re-run the benchmarks)`,
    );
  }
  const row: ResultRow = {
    runId: textCell(record, columns, 'run_id', where),
    repetition: integerCell(record, columns, 'repetition', where, true) as number,
    machine: textCell(record, columns, 'machine', where),
    benchmark: textCell(record, columns, 'benchmark', where),
    kind: oneOfCell(record, columns, 'kind', where, KINDS),
    threads: integerCell(record, columns, 'threads', where, false),
    workUnit: textCell(record, columns, 'work_unit', where),
    version: optionalTextCell(record, columns, 'version'),
    checksum: optionalTextCell(record, columns, 'checksum'),
    quality: oneOfCell(record, columns, 'quality', where, QUALITIES),
    source: cellOf(record, columns, 'source'),
    valid: oneOfCell(record, columns, 'valid', where, VALID_WORDS) === 'true',
    durationS: numberCell(record, columns, 'duration_s', where, true, 0) as number,
    work: numberCell(record, columns, 'work', where, true, 0) as number,
    throughputPerS: numberCell(record, columns, 'throughput_per_s', where, false, 0),
    energyJ: numberCell(record, columns, 'energy_j', where, false, 0),
    powerW: numberCell(record, columns, 'power_w', where, false, 0),
    workPerJ: numberCell(record, columns, 'work_per_j', where, false, 0),
    warnings: optionalTextCell(record, columns, 'warnings'),
    // Files written before these columns existed lack them: their rows read as unknown fidelity and coverage.
    fidelity: optionalOneOfCell(record, columns, 'fidelity', where, FIDELITIES),
    coveragePct: numberCell(record, columns, 'coverage_pct', where, false, 0),
  };
  numberCell(record, columns, 'idle_power_w', where, false, 0);
  numberCell(record, columns, 'net_energy_j', where, false, null);
  numberCell(record, columns, 'cpu_util_pct', where, false, 0);
  return row;
}

function csvErrorMessage(err: { code?: unknown; message?: unknown }): string {
  switch (err.code) {
    case 'CSV_MAX_RECORD_SIZE':
      return `a record is longer than ${MAX_RECORD_BYTES} bytes; this is not a wattbench results file`;
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted cell is never closed (truncated file?)';
    default:
      // csv-parse messages may quote the offending characters (a raw CR or LF): the reason stays one line.
      return `not valid CSV (${String(err.code)}): ${String(err.message).replace(/\s+/g, ' ').replace(/ at line \d+.*$/, '')}`;
  }
}

async function assertReadableFile(file: string): Promise<void> {
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw new UsageError(`${file}: is a folder, not a results CSV file`);
    if (info.size === 0) throw new UsageError(`${file}:1: empty file; expected a wattbench results CSV with a header line`);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`${file}: cannot read: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? String(err))}`);
  }
}

function missingColumnsMessage(file: string, header: string[], missing: string[]): string {
  const hint = header.includes('in_total')
    ? ' (this is the per-source *.sources.csv file; pass the main results CSV)'
    : header.length <= 1
      ? ' (is it comma-separated?)'
      : '';
  const list = missing.length > 6 ? `${missing.slice(0, 6).join(', ')} and ${missing.length - 6} more` : missing.join(', ');
  return `${file}:1: not a wattbench results file: missing column${missing.length === 1 ? '' : 's'} ${list}${hint}`;
}

/**
 * Reads one results CSV into `groups` (valid rows only) and returns what was read and excluded.
 * Throws a UsageError `file:line: …` on anything unusable; never throws anything else for bad content.
 */
export async function readResultFile(file: string, accumulator: GroupAccumulator, options: Pick<ReadOptions, 'quality'> = {}): Promise<FileSummary> {
  await assertReadableFile(file);
  const summary: FileSummary = { file, rows: 0, used: 0, machines: [], excluded: [] };
  const exclusions = new FileExclusions(file);
  const stream = createReadStream(file, { highWaterMark: 1 << 20 });
  let columns: Columns | null = null;
  let pendingMissing: string[] = [];
  let header: string[] = [];
  try {
    for await (const batch of csvRecords(stream, { maxRecordChars: MAX_RECORD_BYTES })) {
      for (const { cells: record, line } of batch) {
        if (columns === null) {
          header = record.map((name) => name.trim());
          columns = columnsOf(header);
          pendingMissing = REQUIRED_COLUMNS.filter((name) => !columns?.index.has(name));
          continue;
        }
        const versionIndex = columns.index.get('schema_version');
        if (versionIndex !== undefined && record[versionIndex]?.trim() === 'schema_version') {
          // A header repeated inside the file: files were concatenated (`cat a.csv b.csv`); it may reorder the columns.
          header = record.map((name) => name.trim());
          columns = columnsOf(header);
          pendingMissing = REQUIRED_COLUMNS.filter((name) => !columns?.index.has(name));
          continue;
        }
        const where: Where = { file, line };
        if (pendingMissing.length > 0) {
          // Another schema_version says more than a list of missing columns, so it is reported first.
          const version = versionIndex === undefined ? '' : (record[versionIndex] ?? '').trim();
          if (version !== '' && version !== String(SCHEMA_VERSION)) parseRow(record, columns, where);
          throw new UsageError(missingColumnsMessage(file, header, pendingMissing));
        }
        if (record.length !== columns.width) {
          throw new UsageError(`${file}:${line}: ${record.length} cell${record.length === 1 ? '' : 's'} where the header has ${columns.width} (truncated or corrupted row)`);
        }
        const row = parseRow(record, columns, where);
        summary.rows++;
        if (summary.machines.length < MAX_NAMES && !summary.machines.includes(row.machine)) summary.machines.push(row.machine);
        if (options.quality !== undefined && row.quality !== options.quality) {
          exclusions.add(`${row.quality} energy (only ${options.quality} kept)`, line, null);
          continue;
        }
        accumulator.add(row, where);
        if (row.valid) summary.used++;
        else exclusions.add('invalid window (valid=false)', line, row.warnings === null ? null : row.warnings.slice(0, 200));
      }
    }
  } catch (err) {
    stream.destroy();
    if (err instanceof UsageError) throw err;
    if (err instanceof CsvSyntaxError) throw new UsageError(`${file}:${err.line}: ${csvErrorMessage(err)}`);
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`${file}: cannot read: ${code ?? String(err)}`);
  }
  if (columns === null) throw new UsageError(`${file}:1: empty file; expected a wattbench results CSV with a header line`);
  if (pendingMissing.length > 0) throw new UsageError(missingColumnsMessage(file, header, pendingMissing));
  if (summary.rows === 0) throw new UsageError(`${file}:2: no result rows after the header`);
  summary.excluded = exclusions.list;
  return summary;
}

/** Bytes read to find a file's header line: a wattbench header is under 1 KiB. */
const HEADER_BYTES = 64 * 1024;

/** Says whether a CSV header is that of the per-source long format (`*.sources.csv`, SOURCE_COLUMNS), not of a results file. */
export function isPerSourceHeader(header: readonly string[]): boolean {
  return header.includes('in_total') && header.includes('scope') && !header.includes('work_unit');
}

/** The cells of a file's first line, or null when it cannot be read or has none; for recognising a file, not for reading it. */
async function headerLineOf(file: string): Promise<string[] | null> {
  let handle;
  try {
    handle = await open(file, 'r');
    const buffer = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEADER_BYTES, 0);
    const text = buffer.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '');
    const end = text.search(/\r?\n/);
    if (end === -1) return null;
    return text.slice(0, end).split(',').map((cell) => cell.trim().replace(/^"(.*)"$/, '$1'));
  } catch {
    // The reader says what is wrong with a file it cannot open; recognising it is not the place.
    return null;
  } finally {
    await handle?.close();
  }
}

/** Input files split into results files and the per-source files among them (recognised by their header). */
export interface PerSourceSplit {
  results: string[];
  perSource: string[];
}

/**
 * Sets aside the per-source files (`*.sources.csv`) among `files`, which `results/*.csv` matches beside each results
 * file. When nothing else is left they stay in `results`, so that the reader says what they are.
 */
export async function splitPerSourceFiles(files: readonly string[]): Promise<PerSourceSplit> {
  const results: string[] = [];
  const perSource: string[] = [];
  for (const file of files) {
    const header = await headerLineOf(file);
    (header !== null && isPerSourceHeader(header) ? perSource : results).push(file);
  }
  return results.length === 0 ? { results: [...files], perSource: [] } : { results, perSource };
}

/** The note that per-source files were skipped, or null when none was. */
export function perSourceNote(perSource: readonly string[]): string | null {
  if (perSource.length === 0) return null;
  // A file name is printed on a terminal: one with control characters is quoted, escapes and all.
  const shown = perSource.slice(0, 5).map((f) => (/[\u0000-\u001f\u007f-\u009f]/.test(f) ? JSON.stringify(f) : f));
  const names = perSource.length > 5 ? `${shown.join(', ')} and ${perSource.length - 5} more` : shown.join(', ');
  return `skipped ${perSource.length} per-source file${perSource.length === 1 ? '' : 's'} (one row per window and source; their windows are in the results files beside them): ${names}`;
}

/**
 * Reads several results files into one set of groups (see `ReadOptions`); per-source files among them are skipped
 * with a note. The first unusable file stops the read with a UsageError.
 */
export async function readResults(files: readonly string[], options: ReadOptions = {}): Promise<ResultSet> {
  const { results, perSource } = await splitPerSourceFiles(files);
  const accumulator = new GroupAccumulator(options);
  const summaries: FileSummary[] = [];
  for (const file of results) summaries.push(await readResultFile(file, accumulator, options));
  const note = perSourceNote(perSource);
  return { groups: accumulator.groups, files: summaries, notes: note === null ? [] : [note] };
}
