import { stat } from 'node:fs/promises';
import { COMPARE_SERIES, compareResults, type CompareResult, type MachineFigures, type MetricSummary, type RatioSummary } from '../compare/compare.js';
import { compareMarkdown, exclusionLines, fmtSummary, groupExclusionLines } from '../compare/markdown.js';
import { UsageError } from '../errors.js';
import { toCsv } from '../results/csv.js';
import { round } from '../results/schema.js';
import { type Quality, readResults } from '../results/read.js';
import { COMPARE_FORMATS } from './commands/compare.js';
import { num, table } from './format.js';
import type { Io } from './io.js';

export { COMPARE_FORMATS };
/** One output format of `compare`. */
export type CompareFormat = (typeof COMPARE_FORMATS)[number];

/** Flags of `wattbench compare`. */
export interface CompareFlags {
  baseline?: string;
  format?: CompareFormat;
  json?: boolean;
  quality?: Exclude<Quality, 'none'>;
  seed?: number;
}

// Control characters (terminal escape sequences) and bidirectional overrides in names must not reach a terminal.
const TERMINAL_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Makes a name (data, possibly hostile) safe to print on a terminal: control characters become `?`, long names are cut. */
export function termText(text: string, max = 80): string {
  const safe = text.replace(TERMINAL_UNSAFE, '?');
  return safe.length > max ? `${safe.slice(0, max - 1)}…` : safe;
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** Columns of `compare --format csv`: one row per benchmark and machine, then one `score` row per machine. */
export const COMPARE_CSV_COLUMNS = [
  'row_type',
  'benchmark',
  'kind',
  'threads',
  'work_unit',
  'version',
  'machine',
  'baseline_machine',
  'n',
  'quality',
  'source',
  'throughput_per_s_median',
  'throughput_per_s_ci_lo',
  'throughput_per_s_ci_hi',
  'power_w_median',
  'work_per_j_median',
  'work_per_j_ci_lo',
  'work_per_j_ci_hi',
  'ci_of',
  'throughput_ratio',
  'throughput_ratio_ci_lo',
  'throughput_ratio_ci_hi',
  'work_per_j_ratio',
  'work_per_j_ratio_ci_lo',
  'work_per_j_ratio_ci_hi',
  'score_throughput_benchmarks',
  'score_work_per_j_benchmarks',
] as const;

type CsvRow = Record<(typeof COMPARE_CSV_COLUMNS)[number], string | number | null>;

function csvRows(result: CompareResult): CsvRow[] {
  const empty = Object.fromEntries(COMPARE_CSV_COLUMNS.map((c) => [c, null])) as CsvRow;
  const rows: CsvRow[] = [];
  for (const b of result.benchmarks) {
    for (const m of b.machines) {
      const t = m.vsBaseline?.throughput ?? null;
      const w = m.vsBaseline?.workPerJ ?? null;
      rows.push({
        ...empty,
        row_type: 'benchmark',
        benchmark: b.benchmark,
        kind: b.kind,
        threads: b.threads,
        work_unit: b.workUnit,
        version: b.version,
        machine: m.machine,
        baseline_machine: result.baseline,
        n: m.n,
        quality: m.quality,
        source: m.source,
        throughput_per_s_median: m.throughputPerS.median,
        throughput_per_s_ci_lo: m.throughputPerS.ci?.[0] ?? null,
        throughput_per_s_ci_hi: m.throughputPerS.ci?.[1] ?? null,
        power_w_median: m.powerW.median,
        work_per_j_median: m.workPerJ.median,
        work_per_j_ci_lo: m.workPerJ.ci?.[0] ?? null,
        work_per_j_ci_hi: m.workPerJ.ci?.[1] ?? null,
        ci_of: m.workPerJ.ciOf,
        throughput_ratio: m.machine === result.baseline ? 1 : (t?.ratio ?? null),
        throughput_ratio_ci_lo: t?.lo ?? null,
        throughput_ratio_ci_hi: t?.hi ?? null,
        work_per_j_ratio: m.machine === result.baseline && m.workPerJ.median !== null ? 1 : (w?.ratio ?? null),
        work_per_j_ratio_ci_lo: w?.lo ?? null,
        work_per_j_ratio_ci_hi: w?.hi ?? null,
      });
    }
  }
  for (const s of result.scores) {
    rows.push({
      ...empty,
      row_type: 'score',
      benchmark: 'geometric mean',
      machine: s.machine,
      baseline_machine: result.baseline,
      throughput_ratio: s.throughput,
      work_per_j_ratio: s.workPerJ,
      score_throughput_benchmarks: s.throughputBenchmarks,
      score_work_per_j_benchmarks: s.workPerJBenchmarks,
    });
  }
  // Nine significant digits, as in the results files: the bootstrap's float noise is not information.
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? round(v) : v])) as CsvRow);
}

function ratioText(r: RatioSummary | null): string {
  return r === null ? '-' : `${r.ratio.toFixed(3)} [${r.lo.toFixed(3)}, ${r.hi.toFixed(3)}]`;
}

function summaryText(s: MetricSummary): string {
  return fmtSummary(s);
}

function vsText(result: CompareResult, m: MachineFigures, pick: 'throughput' | 'workPerJ'): string {
  if (m.machine === result.baseline) return 'baseline';
  return ratioText(m.vsBaseline?.[pick] ?? null);
}

/** The plain-text report of `compare` (for the terminal). */
export function compareText(result: CompareResult): string {
  const base = termText(result.baseline, 30);
  const rows: string[][] = [];
  for (const b of result.benchmarks) {
    for (const m of b.machines) {
      rows.push([
        termText(b.label, 50),
        termText(m.machine, 30),
        String(m.n),
        `${num(m.throughputPerS.median)} ${termText(b.workUnit, 12)}/s`,
        num(m.powerW.median),
        `${summaryText(m.workPerJ)}${m.workPerJ.median === null ? '' : ` ${termText(b.workUnit, 12)}/J`}`,
        m.quality,
        vsText(result, m, 'workPerJ'),
        vsText(result, m, 'throughput'),
      ]);
    }
  }
  const lines = [
    table(['benchmark', 'machine', 'n', 'throughput', 'power_w', 'work/J median [95% CI]', 'energy', `work/J vs ${base} [95% CI]`, `throughput vs ${base} [95% CI]`], rows),
    '† CI of the mean (fewer than 6 repetitions); otherwise the distribution-free CI of the median. Ratios: bootstrap 95% CI of the ratio of medians.',
  ];
  if (result.benchmarks.some((b) => b.machines.some((m) => m.quality === 'estimated'))) {
    lines.push('energy is ESTIMATED (not measured) on every machine: work per joule only restates throughput through a power model');
  }
  lines.push('', `score: geometric mean of ratios to ${base} over the benchmarks every machine ran`);
  lines.push(
    table(
      ['machine', 'work/J score', 'benchmarks', 'throughput score', 'benchmarks'],
      result.scores.map((s) => [termText(s.machine, 30), num(s.workPerJ), String(s.workPerJBenchmarks), num(s.throughput), String(s.throughputBenchmarks)]),
    ),
  );
  const excluded = excludedLines(result);
  if (excluded.length > 0) lines.push('', 'excluded:', ...excluded.map((line) => `  ${termText(line, 400)}`));
  return `${lines.join('\n')}\n`;
}

function excludedLines(result: CompareResult): string[] {
  return [
    ...result.notScored.map((n) => `not in the score: ${n.benchmark}: ${n.reason}`),
    ...groupExclusionLines(result.excludedGroups),
    ...exclusionLines(result.excludedRows),
  ];
}

/** The JSON document of `compare --format json`. */
export function compareJson(result: CompareResult): Record<string, unknown> {
  return {
    baseline: result.baseline,
    machines: result.machines,
    seed: result.seed,
    benchmarks: result.benchmarks,
    scores: result.scores,
    notScored: result.notScored,
    excluded: { groups: result.excludedGroups, rows: result.excludedRows },
    files: result.files.map((f) => ({ file: f.file, rows: f.rows, used: f.used, machines: f.machines })),
  };
}

/** `wattbench compare <file.csv>…`: ranks machines per benchmark and overall; returns the exit code (0). */
export async function compareAction(files: string[], flags: CompareFlags, io: Io): Promise<number> {
  const format: CompareFormat = flags.json ? 'json' : (flags.format ?? 'table');
  if (files.length === 0) throw new UsageError('no results file given: use wattbench compare <file.csv>...');
  let inputs = files;
  let baselineFile: string | null = null;
  if (flags.baseline !== undefined && (files.includes(flags.baseline) || (await isFile(flags.baseline)))) {
    baselineFile = flags.baseline;
    if (!files.includes(baselineFile)) inputs = [baselineFile, ...files];
  }
  const set = await readResults(inputs, { series: COMPARE_SERIES, byMachine: true, ...(flags.quality ? { quality: flags.quality } : {}) });
  let baseline = flags.baseline;
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
  const result = compareResults(set, { ...(baseline !== undefined ? { baseline } : {}), ...(flags.seed !== undefined ? { seed: flags.seed } : {}) });
  if (result.benchmarks.every((b) => b.machines.every((m) => m.n === 0))) {
    const first = exclusionLines(result.excludedRows)[0] ?? groupExclusionLines(result.excludedGroups)[0] ?? 'no rows';
    throw new UsageError(`nothing to compare: no valid rows are left (first exclusion: ${first})`);
  }
  switch (format) {
    case 'json':
      io.out(`${JSON.stringify(compareJson(result), null, 2)}\n`);
      break;
    case 'csv':
      io.out(toCsv(COMPARE_CSV_COLUMNS, csvRows(result)));
      for (const line of excludedLines(result)) io.err(`wattbench: excluded: ${termText(line, 400)}\n`);
      break;
    case 'md':
      io.out(compareMarkdown(result));
      break;
    case 'table':
      io.out(compareText(result));
      break;
  }
  return 0;
}
