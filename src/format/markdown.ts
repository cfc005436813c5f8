/**
 * Markdown rendering of `compare`, `check` and `ab` results (for `--format md` and `$GITHUB_STEP_SUMMARY`).
 * Benchmark, machine and file names are data, possibly hostile: every one goes through `escapeMarkdown` (`mdText`), which escapes
 * table pipes, Markdown syntax and HTML, and flattens newlines and control characters, so a name can neither break
 * a table nor inject a link, an image or markup.
 */
import type { Exclusion } from '../results/read.js';
import type { Calibration } from '../compare/ab.js';
import type { CheckEntry, CheckResult, NotCompared } from '../compare/check.js';
import type { CompareResult, MetricSummary } from '../compare/compare.js';
import type { GroupExclusion } from '../compare/join.js';

// Control characters, and the bidirectional overrides that can make a name read as something else ("Trojan Source").
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * The one Markdown escaper (GitHub Flavored Markdown), for table cells and paragraphs alike: line breaks and control
 * characters become spaces, bidirectional overrides U+FFFD, text past `max` characters is cut with `…`; every
 * Markdown punctuation character is backslash-escaped; `&`, `<`, `>`, `"` and `@` become entities (no HTML, no
 * mention); and `://` is broken so that no autolink forms (a `www.` loses its link with its escaped dot).
 */
export function escapeMarkdown(text: unknown, max = Number.POSITIVE_INFINITY): string {
  const flat = String(text).replace(/\r\n?|\n/g, ' ').replace(CONTROL, ' ').replace(BIDI, '\ufffd');
  const cut = flat.length > max ? `${flat.slice(0, max)}…` : flat;
  return (
    cut
      .replace(/[\\`*_{}[\]()#+\-.!|~']/g, (c) => `\\${c}`)
      // Entities come after the backslash escapes, whose `#` they would otherwise break.
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/@/g, '&#64;')
      .replace(/:\/\//g, ':\\/\\/')
  );
}

/** `escapeMarkdown` for names in the reports of `compare`, `check` and `ab`, cut at 200 characters unless told. */
export function mdText(text: string, max = 200): string {
  return escapeMarkdown(text, max);
}

/** Formats a number with 4 significant digits, or `-`. */
export function fmt(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '-';
  if (x !== 0 && (Math.abs(x) >= 1e6 || Math.abs(x) < 1e-3)) return x.toExponential(digits - 1);
  return Number(x.toPrecision(digits)).toString();
}

/** Formats a signed percentage with one decimal, or `-`. */
export function fmtPct(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '-';
  return `${x > 0 ? '+' : x < 0 ? '−' : ''}${Math.abs(x).toFixed(1)}%`;
}

/** `1.234 [1.100, 1.350]` for a ratio with its interval. */
export function fmtRatio(r: { ratio: number; lo: number; hi: number } | null): string {
  return r === null ? '-' : `${r.ratio.toFixed(3)} [${r.lo.toFixed(3)}, ${r.hi.toFixed(3)}]`;
}

/** `168.9 [165.2, 170.1]` for a median with its CI (a † marks the CI of the mean, used when n < 6). */
export function fmtSummary(s: MetricSummary): string {
  if (s.median === null) return '-';
  if (!s.ci) return fmt(s.median);
  return `${fmt(s.median)} [${fmt(s.ci[0])}, ${fmt(s.ci[1])}]${s.ciOf === 'mean' ? '†' : ''}`;
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function tableMd(header: string[], rows: string[][]): string {
  return [row(header), row(header.map(() => '---')), ...rows.map(row)].join('\n');
}

/** The lines of an exclusion list (rows left out while reading). */
export function exclusionLines(rows: readonly Exclusion[]): string[] {
  return rows.map((e) => {
    const more = e.count > e.lines.length ? ', …' : '';
    return `${e.file}: ${e.count} row${e.count === 1 ? '' : 's'} excluded: ${e.reason} (line${e.lines.length === 1 ? '' : 's'} ${e.lines.join(', ')}${more})${e.detail ? `: ${e.detail}` : ''}`;
  });
}

/** The lines of a group exclusion list. */
export function groupExclusionLines(groups: readonly GroupExclusion[]): string[] {
  return groups.map((g) => `${g.benchmark} on ${g.machine} (${g.rows} rows from ${g.where.file}:${g.where.line}): ${g.reason}`);
}

/** The lines of benchmarks not compared by a gate. */
export function notComparedLines(list: readonly NotCompared[]): string[] {
  return list.map((n) => `${n.label}: ${n.reason}`);
}

function bullets(lines: readonly string[]): string[] {
  return lines.map((line) => `- ${mdText(line, 400)}`);
}

/** Markdown of a `compare` result. */
export function compareMarkdown(result: CompareResult): string {
  const base = result.baseline;
  const out: string[] = [`### wattbench compare: ${result.machines.length} machine${result.machines.length === 1 ? '' : 's'}, baseline ${mdText(base)}`, ''];
  const rows: string[][] = [];
  for (const b of result.benchmarks) {
    for (const m of b.machines) {
      rows.push([
        mdText(b.label),
        mdText(m.machine),
        String(m.n),
        `${fmt(m.throughputPerS.median)} ${mdText(b.workUnit)}/s`,
        fmt(m.powerW.median),
        fmtSummary(m.workPerJ),
        m.quality,
        m.machine === base ? 'baseline' : fmtRatio(m.vsBaseline?.workPerJ ?? null),
        m.machine === base ? 'baseline' : fmtRatio(m.vsBaseline?.throughput ?? null),
      ]);
    }
  }
  out.push(tableMd(['Benchmark', 'Machine', 'n', 'Throughput (median)', 'Power W', 'Work/J median [95% CI]', 'Energy', 'Work/J vs baseline [95% CI]', 'Throughput vs baseline [95% CI]'], rows));
  out.push('', '† CI of the mean (fewer than 6 repetitions); otherwise the distribution-free CI of the median. Ratios: bootstrap 95% CI of the ratio of medians.');
  out.push('', `#### Score: geometric mean of ratios to ${mdText(base)}`, '');
  out.push(
    tableMd(
      ['Machine', 'Work/J score', 'Benchmarks', 'Throughput score', 'Benchmarks'],
      result.scores.map((s) => [mdText(s.machine), fmt(s.workPerJ), String(s.workPerJBenchmarks), fmt(s.throughput), String(s.throughputBenchmarks)]),
    ),
  );
  const notes = [...result.notScored.map((n) => `not in the score: ${n.benchmark}: ${n.reason}`), ...groupExclusionLines(result.excludedGroups), ...exclusionLines(result.excludedRows)];
  if (notes.length > 0) out.push('', '#### Excluded', '', ...bullets(notes));
  return `${out.join('\n')}\n`;
}

const VERDICT_MARK: Record<CheckEntry['verdict'], string> = { regressed: '❌ **regressed**', improved: '✅ improved', unchanged: 'unchanged', inconclusive: '⚠️ inconclusive' };

/** What a gate report shows besides its entries. */
export interface GateReport {
  /** Heading, e.g. `wattbench check`. */
  title: string;
  /** Lines under the heading (inputs, settings). */
  context: string[];
  entries: readonly CheckEntry[];
  notCompared: readonly NotCompared[];
  notes: readonly string[];
  excludedRows: readonly Exclusion[];
  exitCode: number;
  calibrations?: readonly Calibration[];
}

/** One-line outcome of a gate, e.g. `1 regressed, 3 unchanged`. */
export function gateOutcome(entries: readonly CheckEntry[]): string {
  const counts = { regressed: 0, improved: 0, unchanged: 0, inconclusive: 0 };
  for (const e of entries) counts[e.verdict]++;
  return (Object.keys(counts) as Array<keyof typeof counts>)
    .filter((k) => counts[k] > 0)
    .map((k) => `${counts[k]} ${k}`)
    .join(', ');
}

/** Markdown of a `check` or `ab` result. */
export function gateMarkdown(report: GateReport): string {
  const status = report.entries.some((e) => e.verdict === 'regressed')
    ? '❌ regression'
    : report.exitCode !== 0
      ? '⚠️ failed (strict)'
      : report.entries.some((e) => e.verdict === 'inconclusive')
        ? '⚠️ no regression found, some results inconclusive'
        : '✅ no regression';
  const out: string[] = [`### ${mdText(report.title)}: ${status}`, '', ...report.context.map((line) => `${mdText(line, 1000)}  `), ''];
  out.push(
    tableMd(
      ['Benchmark', 'Metric', 'Baseline median', 'Current median', 'Change', 'Current/baseline [CI]', 'p (Mann–Whitney)', 'n', 'Verdict'],
      report.entries.map((e) => [
        mdText(e.label),
        `${e.metricLabel} (${mdText(e.unit)})`,
        fmt(e.baseline.median),
        fmt(e.current.median),
        fmtPct(e.changePct),
        e.ratio === null || e.ci === null ? '-' : fmtRatio({ ratio: e.ratio, lo: e.ci[0], hi: e.ci[1] }),
        e.pValue === null ? '-' : e.pValue < 0.0001 ? '<0.0001' : fmt(e.pValue, 2),
        `${e.baseline.n} / ${e.current.n}`,
        VERDICT_MARK[e.verdict],
      ]),
    ),
  );
  out.push('', `Outcome: ${gateOutcome(report.entries)}; exit code ${report.exitCode}.`);
  const reasons = report.entries.filter((e) => e.verdict !== 'unchanged');
  if (reasons.length > 0) out.push('', '<details><summary>Why</summary>', '', ...bullets(reasons.map((e) => `${e.label}, ${e.metricLabel}: ${e.reason}`)), '', '</details>');
  if (report.calibrations?.length) {
    out.push('', '#### A/A calibration', '');
    out.push(
      tableMd(
        ['Metric', 'n per side', 'Noise (CV)', 'Observed change', 'Smallest detectable change', 'Recommended --threshold'],
        report.calibrations.map((c) => [
          c.metric,
          String(c.n),
          c.noiseCvPct === null ? '-' : `${c.noiseCvPct.toFixed(2)}%`,
          fmtPct(c.observedChangePct),
          c.minDetectableChangePct === null ? '-' : `${c.minDetectableChangePct.toFixed(2)}%`,
          c.recommendedThresholdPct === null ? '-' : `${c.recommendedThresholdPct}%`,
        ]),
      ),
    );
  }
  const extra = [...notComparedLines(report.notCompared).map((l) => `not compared: ${l}`), ...report.notes, ...exclusionLines(report.excludedRows)];
  if (extra.length > 0) out.push('', '#### Not compared or excluded', '', ...bullets(extra));
  return `${out.join('\n')}\n`;
}

/** Markdown of a `check` result with its inputs. */
export function checkMarkdown(result: CheckResult): string {
  const s = result.settings;
  const files = (list: CheckResult['files']['baseline']): string => list.map((f) => `${f.file} (${f.machines.join(', ')})`).join(', ');
  return gateMarkdown({
    title: 'wattbench check',
    context: [
      `Baseline: ${files(result.files.baseline)}`,
      `Current: ${files(result.files.current)}`,
      `Threshold ${s.thresholdPct}%, alpha ${s.alpha} (${Number(((1 - s.alpha) * 100).toFixed(2))}% bootstrap CI of the ratio of medians), at least ${s.minRepetitions} repetitions per side${s.failOnInconclusive ? ', strict (--fail-on-inconclusive)' : ''}`,
    ],
    entries: result.entries,
    notCompared: result.notCompared,
    notes: result.notes,
    excludedRows: result.excludedRows,
    exitCode: result.exitCode,
  });
}


