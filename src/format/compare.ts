import { type CompareResult, type MachineFigures, type MetricSummary, type RatioSummary } from '../compare/compare.js';
import { toCsv } from '../results/csv.js';
import { round } from '../results/schema.js';
import { exclusionLines, fmtSummary, groupExclusionLines } from './markdown.js';
import { num, table, termText } from './text.js';

/** The formats of `compare`: terminal table, CSV and JSON (Markdown: `compareMarkdown` in ./markdown.ts). */

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

/** The groups, rows and benchmarks left out, one line each. */
export function excludedLines(result: CompareResult): string[] {
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
    notes: result.notes ?? [],
    files: result.files.map((f) => ({ file: f.file, rows: f.rows, used: f.used, machines: f.machines })),
  };
}

/** The CSV of `compare --format csv`. */
export function compareCsv(result: CompareResult): string {
  return toCsv(COMPARE_CSV_COLUMNS, csvRows(result));
}
