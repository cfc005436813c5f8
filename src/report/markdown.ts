/**
 * The Markdown variant of the report, for a pull-request comment: the warnings, the machines, and tables of work per
 * joule (one table per energy quality, never mixed) and throughput, with a pointer to the HTML report for the
 * charts. Every string from the inputs goes through `escapeMarkdown`, so a benchmark name or command line cannot
 * open a link, a table cell, an HTML tag or a mention.
 */
import { escapeMarkdown } from '../format/markdown.js';
import type { SourceQuality } from '../sources/types.js';
import type { Estimate, Figure, Notice, ReportModel } from './aggregate.js';
import { fmt } from './charts.js';

/** Table rows written at most per table; the HTML report has them all. */
export const MAX_MARKDOWN_ROWS = 150;

export { escapeMarkdown };

// One argument only: `.map(m)` must not pass the index as the length limit.
const m = (text: unknown): string => escapeMarkdown(text);

function cell(est: Estimate): string {
  if (est.median === null) return '–';
  return est.lo !== null && est.hi !== null ? `${fmt(est.median)} [${fmt(est.lo)}–${fmt(est.hi)}]` : `${fmt(est.median)} (n=${est.n})`;
}

function alert(n: Notice): string {
  const kind = n.level === 'danger' ? 'CAUTION' : n.level === 'warning' ? 'WARNING' : 'NOTE';
  const lines = [`> [!${kind}]`, `> **${m(n.title)}**`];
  for (const item of n.items) lines.push(`> - ${m(item)}`);
  return lines.join('\n');
}

/** One table: a row per configuration, a column per machine (series). */
function table(figures: Figure[], value: (f: Figure) => Estimate, unit: (f: Figure) => string): string {
  const series = [...new Set(figures.map((f) => f.series))];
  const rows = new Map<string, { label: string; unit: string; cells: Map<string, string> }>();
  for (const f of figures) {
    const key = `${f.label}\0${unit(f)}`;
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { label: f.label, unit: unit(f), cells: new Map() }));
    row.cells.set(f.series, cell(value(f)) + (f.noisyCv !== null ? ' ⚠' : ''));
  }
  const all = [...rows.values()];
  const lines = [`| benchmark | unit | ${series.map(m).join(' | ')} |`, `| --- | --- | ${series.map(() => '---:').join(' | ')} |`];
  for (const r of all.slice(0, MAX_MARKDOWN_ROWS)) lines.push(`| ${m(r.label)} | ${m(r.unit)} | ${series.map((s) => r.cells.get(s) ?? '–').join(' | ')} |`);
  if (all.length > MAX_MARKDOWN_ROWS) lines.push(`\n… and ${all.length - MAX_MARKDOWN_ROWS} more rows in the HTML report.`);
  return lines.join('\n');
}

function machineLine(model: ReportModel): string {
  const lines = ['| machine | energy | total | CPU | cores | OS |', '| --- | --- | --- | --- | ---: | --- |'];
  for (const mi of model.machines) {
    const fp = mi.fingerprint as { cpu?: { brand?: unknown; manufacturer?: unknown; logicalCores?: unknown }; os?: { distro?: unknown; arch?: unknown } } | null;
    const cpu = fp?.cpu ? [fp.cpu.manufacturer, fp.cpu.brand].filter((x) => typeof x === 'string' && x).join(' ') : '?';
    const cores = typeof fp?.cpu?.logicalCores === 'number' ? String(fp.cpu.logicalCores) : '?';
    const os = fp?.os ? [fp.os.distro, fp.os.arch].filter((x) => typeof x === 'string' && x).join(' ') : '?';
    const quality = mi.qualities.map((q) => (q === 'estimated' ? '**ESTIMATED**' : q === 'none' ? 'none' : 'measured')).join(', ') || 'none';
    lines.push(`| ${m(mi.machine)} | ${quality} | ${m(mi.totals.join('; ') || (mi.hasSidecar ? '?' : 'no sidecar'))} | ${m(cpu || '?')} | ${cores} | ${m(os || '?')} |`);
  }
  return lines.join('\n');
}

/** Options of `renderMarkdown`. */
export interface MarkdownOptions {
  /** How the HTML report is named in the pointer (its file name, or a URL). */
  htmlName: string;
}

/** Builds the Markdown summary of the report. */
export function renderMarkdown(model: ReportModel, options: MarkdownOptions): string {
  const out: string[] = [];
  out.push(`## ${m(model.title)}`);
  out.push(
    `**Charts and details:** \`${options.htmlName.replace(/[`\r\n]/g, '')}\` — the self-contained HTML report (kept as this job's artifact; open it in a browser). ${model.machines.length} machine${model.machines.length === 1 ? '' : 's'}, ${model.figures.length} configurations, ${model.validRows} of ${model.rows} rows valid.`,
  );
  if (model.notices.length > 0) out.push(model.notices.map(alert).join('\n\n'));
  else out.push('No warnings: every row valid, energy measured, no throttling or noise flagged.');
  out.push('### Machines', machineLine(model));
  const qualities: SourceQuality[] = ['measured', 'estimated'];
  for (const q of qualities) {
    const figures = model.figures.filter((f) => f.quality === q && f.workPerJ.median !== null);
    if (figures.length === 0) continue;
    out.push(
      q === 'measured' ? '### Work per joule — measured energy' : '### Work per joule — ⚠ ESTIMATED energy (modelled from CPU utilization, not measured; never rank against measured)',
      'Median [95% CI]; higher is better; ⚠ marks a noisy configuration.',
      table(figures, (f) => f.workPerJ, (f) => `${f.workUnit}/J`),
    );
  }
  if (model.figures.length > 0) {
    out.push('### Throughput', 'Median [95% CI]; higher is better.', table(model.figures, (f) => f.throughputPerS, (f) => `${f.workUnit}/s`));
  }
  return `${out.join('\n\n')}\n`;
}
