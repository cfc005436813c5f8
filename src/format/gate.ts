import type { CheckResult } from '../compare/check.js';
import { exclusionLines, gateOutcome, type GateReport, notComparedLines } from './markdown.js';
import { num, table, termText } from './text.js';

/** The terminal and JSON formats of `check` and `ab` (Markdown: `checkMarkdown` and `gateMarkdown` in ./markdown.ts). */

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

/** The terminal report of `check`: the files of each side and the settings, then `gateText`. */
export function checkText(result: CheckResult, thresholdFrom?: string): string {
  const files = (list: CheckResult['files']['baseline']): string => list.map((f) => `${f.file} (${f.machines.join(', ')})`).join(', ');
  return gateText({
    heading:
      `wattbench check: baseline ${termText(files(result.files.baseline), 200)} vs current ${termText(files(result.files.current), 200)}; ` +
      `threshold ${result.settings.thresholdPct}%${thresholdFrom !== undefined ? ` (from ${termText(thresholdFrom, 100)})` : ''}, alpha ${result.settings.alpha}`,
    entries: result.entries,
    notCompared: result.notCompared,
    notes: result.notes,
    excludedRows: result.excludedRows,
    exitCode: result.exitCode,
  });
}
