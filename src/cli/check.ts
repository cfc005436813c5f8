import { appendFile } from 'node:fs/promises';
import { thresholdFromFile } from '../compare/ab-verdict.js';
import { type CheckResult, checkResults, type Metric, METRICS, seriesFor } from '../compare/check.js';
import { checkMarkdown, exclusionLines, gateOutcome, type GateReport, notComparedLines } from '../compare/markdown.js';
import { UsageError } from '../errors.js';
import { readResults } from '../results/read.js';
import { termText } from './compare.js';
import { num, table } from './format.js';
import type { Io } from './io.js';

/** Flags shared by `check` and `ab`: how a verdict is reached and what fails the gate. */
export interface GateFlags {
  threshold?: number;
  metric?: string[];
  alpha?: number;
  minRepetitions?: number;
  /** Percent. */
  maxCv?: number;
  seed?: number;
  failOnInconclusive?: boolean;
  json?: boolean;
}

/** Flags of `wattbench check`. */
export interface CheckFlags extends GateFlags {
  baseline?: string[];
  current?: string[];
  thresholdFrom?: string;
  format?: 'table' | 'md' | 'json';
}

/** Parses `--metric` values (repeatable, comma-separated) into metrics; undefined means the default choice. */
export function parseMetrics(values: readonly string[] | undefined): Metric[] | undefined {
  if (!values?.length) return undefined;
  const out: Metric[] = [];
  for (const part of values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean)) {
    const metric = METRICS.find((m) => m === part);
    if (!metric) throw new UsageError(`--metric takes ${METRICS.join(', ')} (comma-separated), got ${JSON.stringify(part)}`);
    if (!out.includes(metric)) out.push(metric);
  }
  return out.length ? out : undefined;
}

/** The gate options of parsed flags. */
export function gateOptions(flags: GateFlags, thresholdPct?: number): Parameters<typeof checkResults>[2] & object {
  const metrics = parseMetrics(flags.metric);
  return {
    ...(metrics ? { metrics } : {}),
    ...(thresholdPct !== undefined ? { thresholdPct } : flags.threshold !== undefined ? { thresholdPct: flags.threshold } : {}),
    ...(flags.alpha !== undefined ? { alpha: flags.alpha } : {}),
    ...(flags.minRepetitions !== undefined ? { minRepetitions: flags.minRepetitions } : {}),
    ...(flags.maxCv !== undefined ? { maxCv: flags.maxCv / 100 } : {}),
    ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
    failOnInconclusive: Boolean(flags.failOnInconclusive),
  };
}

/** What the plain-text gate report shows: the Markdown report's content under a one-line heading. */
export type GateText = Omit<GateReport, 'title' | 'context'> & { heading: string };

function pValueText(p: number | null): string {
  return p === null ? '-' : p < 0.0001 ? '<0.0001' : num(p, 2);
}

function changeText(x: number | null): string {
  return x === null || !Number.isFinite(x) ? '-' : `${x > 0 ? '+' : ''}${x.toFixed(1)}%`;
}

/** The plain-text report of `check` and `ab`: one line per benchmark and metric, then the reasons. */
export function gateText(report: GateText): string {
  const rows = report.entries.map((e) => [
    termText(e.label, 50),
    `${e.metricLabel} ${termText(e.unit, 16)}`,
    num(e.baseline.median),
    num(e.current.median),
    changeText(e.changePct),
    e.ratio === null || e.ci === null ? '-' : `${e.ratio.toFixed(3)} [${e.ci[0].toFixed(3)}, ${e.ci[1].toFixed(3)}]`,
    pValueText(e.pValue),
    `${e.baseline.n}/${e.current.n}`,
    e.verdict === 'regressed' ? 'REGRESSED' : e.verdict,
  ]);
  const lines = [report.heading, table(['benchmark', 'metric', 'baseline', 'current', 'change', 'current/baseline [CI]', 'p', 'n', 'verdict'], rows)];
  for (const e of report.entries.filter((x) => x.verdict !== 'unchanged')) lines.push(`${e.verdict}: ${termText(e.label, 80)}, ${e.metricLabel}: ${termText(e.reason, 600)}`);
  for (const c of report.calibrations ?? []) {
    lines.push(
      `A/A calibration (${c.metric}, n=${c.n} per side): noise CV ${c.noiseCvPct === null ? '-' : `${c.noiseCvPct.toFixed(2)}%`}, observed change ${changeText(c.observedChangePct)}, ` +
        `smallest detectable change ${c.minDetectableChangePct === null ? '-' : `${c.minDetectableChangePct.toFixed(2)}%`}; recommended --threshold ${c.recommendedThresholdPct ?? '-'}`,
    );
  }
  for (const line of notComparedLines(report.notCompared)) lines.push(`not compared: ${termText(line, 600)}`);
  for (const note of report.notes) lines.push(`note: ${termText(note, 600)}`);
  for (const line of exclusionLines(report.excludedRows)) lines.push(`excluded: ${termText(line, 600)}`);
  lines.push(`result: ${gateOutcome(report.entries)}; exit code ${report.exitCode}`);
  return `${lines.join('\n')}\n`;
}

/** Appends Markdown to the file named by $GITHUB_STEP_SUMMARY, when set; a failure is reported, never fatal (the verdict matters more). */
export async function appendStepSummary(markdown: string, env: NodeJS.ProcessEnv, io: Io): Promise<void> {
  const path = env.GITHUB_STEP_SUMMARY;
  if (!path) return;
  try {
    await appendFile(path, `${markdown}\n`);
  } catch (err) {
    io.err(`wattbench: warning: cannot append to GITHUB_STEP_SUMMARY (${path}): ${(err as NodeJS.ErrnoException).code ?? String(err)}\n`);
  }
}

/** The JSON document of `check --json`. */
export function checkJson(result: CheckResult, threshold: Record<string, unknown>): Record<string, unknown> {
  return {
    exitCode: result.exitCode,
    counts: result.counts,
    settings: result.settings,
    threshold,
    entries: result.entries,
    notCompared: result.notCompared,
    notes: result.notes,
    excludedRows: result.excludedRows,
    files: {
      baseline: result.files.baseline.map((f) => ({ file: f.file, rows: f.rows, used: f.used, machines: f.machines })),
      current: result.files.current.map((f) => ({ file: f.file, rows: f.rows, used: f.used, machines: f.machines })),
    },
  };
}

/** `wattbench check --baseline A.csv --current B.csv`: the CI gate; returns 0, or 1 on a regression (UsageError: 2). */
export async function checkAction(flags: CheckFlags, io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (!flags.baseline?.length) throw new UsageError('--baseline <file.csv> is required');
  if (!flags.current?.length) throw new UsageError('--current <file.csv> is required');
  if (flags.threshold !== undefined && flags.thresholdFrom !== undefined) throw new UsageError('--threshold and --threshold-from go alone: choose one');
  const format = flags.json ? 'json' : (flags.format ?? 'table');
  let thresholdPct: number | undefined;
  let threshold: Record<string, unknown> = { pct: flags.threshold ?? null, from: flags.threshold === undefined ? 'default' : '--threshold' };
  if (flags.thresholdFrom !== undefined) {
    const found = await thresholdFromFile(flags.thresholdFrom, flags.alpha === undefined ? {} : { alpha: flags.alpha });
    thresholdPct = found.thresholdPct;
    threshold = { pct: thresholdPct, from: flags.thresholdFrom, command: found.command, calibration: found.calibration };
  }
  const options = gateOptions(flags, thresholdPct);
  const series = seriesFor(options.metrics);
  const baseline = await readResults(flags.baseline, { byMachine: false, series });
  const current = await readResults(flags.current, { byMachine: false, series });
  const result = checkResults(baseline, current, options);
  if (threshold.pct === null) threshold.pct = result.settings.thresholdPct;
  const markdown = checkMarkdown(result) + (flags.thresholdFrom !== undefined ? `\nThreshold ${result.settings.thresholdPct}% from the A/A calibration in ${flags.thresholdFrom}.\n` : '');
  await appendStepSummary(markdown, env, io);
  if (format === 'json') {
    io.out(`${JSON.stringify(checkJson(result, threshold), null, 2)}\n`);
  } else if (format === 'md') {
    io.out(markdown);
  } else {
    const files = (list: CheckResult['files']['baseline']): string => list.map((f) => `${f.file} (${f.machines.join(', ')})`).join(', ');
    io.out(
      gateText({
        heading:
          `wattbench check: baseline ${termText(files(result.files.baseline), 200)} vs current ${termText(files(result.files.current), 200)}; ` +
          `threshold ${result.settings.thresholdPct}%${flags.thresholdFrom !== undefined ? ` (from ${termText(flags.thresholdFrom, 100)})` : ''}, alpha ${result.settings.alpha}`,
        entries: result.entries,
        notCompared: result.notCompared,
        notes: result.notes,
        excludedRows: result.excludedRows,
        exitCode: result.exitCode,
      }),
    );
  }
  return result.exitCode;
}
