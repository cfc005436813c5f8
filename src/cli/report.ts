import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { writeReport } from '../report/index.js';
import { sidecarPathOf } from '../results/paths.js';
import type { Io } from './io.js';


/** Flags of `wattbench report`. */
export interface ReportFlags {
  out: string;
  markdown?: string;
  title?: string;
}

function assertOutput(flag: string, path: string, inputs: readonly string[], ext: RegExp, hint: string): void {
  if (/\.(csv|json)$/i.test(path) && !ext.test(path)) throw new UsageError(`${flag} ${path}: looks like a results file; ${flag} is where the ${hint} goes (e.g. ${flag} report.${hint === 'HTML report' ? 'html' : 'md'})`);
  const target = resolve(path);
  for (const input of inputs) {
    if (resolve(input) === target || resolve(sidecarPathOf(input)) === target) throw new UsageError(`${flag} ${path}: would overwrite the input ${input}`);
  }
}

/** `wattbench report <file.csv>... --out report.html`: writes the report; returns the exit code (UsageError: 2). */
export async function reportAction(files: string[], flags: ReportFlags, io: Io): Promise<number> {
  if (files.length === 0) throw new UsageError('no results file given: use wattbench report <file.csv>... --out report.html');
  assertOutput('--out', flags.out, files, /\.html?$/i, 'HTML report');
  if (flags.markdown !== undefined) {
    assertOutput('--markdown', flags.markdown, files, /\.(md|markdown)$/i, 'Markdown summary');
    if (resolve(flags.markdown) === resolve(flags.out)) throw new UsageError('--markdown and --out name the same file');
  }
  const written = await writeReport(files, { out: flags.out, ...(flags.markdown !== undefined ? { markdown: flags.markdown } : {}), ...(flags.title !== undefined ? { title: flags.title } : {}) });
  const { report } = written;
  const drawn = report.charts.filter((c) => c.svg !== null).length;
  const missing = report.charts.filter((c) => c.svg === null).map((c) => c.chart.id);
  const serious = report.model.notices.filter((n) => n.level === 'danger').length;
  for (const w of report.chartWarnings) io.err(`report: chart warning: ${w}\n`);
  for (const note of report.notes) io.err(`report: ${note}\n`);
  io.err(
    `report: ${written.html} (${(written.htmlBytes / 1024).toFixed(0)} KiB; ${drawn} chart${drawn === 1 ? '' : 's'}${missing.length ? `, not drawn: ${missing.join(', ')}` : ''}; ${report.model.notices.length} warning${report.model.notices.length === 1 ? '' : 's'}${serious ? `, ${serious} serious` : ''})\n`,
  );
  if (written.markdown) io.err(`report: ${written.markdown} (Markdown summary)\n`);
  return 0;
}

/** Writes the HTML report of `csvPaths` to `outHtml` (for `run --report` and `measure --report`). */
export async function writeReportFor(csvPaths: string[], outHtml: string): Promise<void> {
  assertOutput('--report', outHtml, csvPaths, /\.html?$/i, 'HTML report');
  await writeReport(csvPaths, { out: outHtml });
}
