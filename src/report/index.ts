/**
 * `wattbench report`: results CSV files (and their sidecars) in, one self-contained HTML page and optionally a
 * Markdown summary out. Load → aggregate → Vega-Lite specs → SVG → page.
 */
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { writeFileReplacing } from '../results/atomic.js';
import { aggregate, type ReportModel } from './aggregate.js';
import { reportCharts } from './charts.js';
import { type RenderedChart, renderHtml } from './html.js';
import { loadResults } from './load.js';
import { renderMarkdown } from './markdown.js';
import { RenderPool } from './render-pool.js';
import type { RenderedSvg } from './render-svg.js';
import type { TopLevelSpec } from 'vega-lite';

export { writeFileReplacing };
export { aggregate, NOISY_CV, MAX_TIMELINE_PANELS, MAX_TIMELINE_POINTS, type ReportModel } from './aggregate.js';
export { reportCharts, type ChartSpec } from './charts.js';
export { escapeHtml, renderHtml, type RenderedChart } from './html.js';
export { loadResults, type LoadedResults } from './load.js';
export { escapeMarkdown, renderMarkdown } from './markdown.js';
export { renderSvg } from './render-svg.js';
export { RenderPool } from './render-pool.js';

/** Charts drawn from the CSV rows alone, which can be drawn before the sidecars are read. */
const ROW_CHARTS = new Set(['work-per-joule-measured', 'work-per-joule-estimated', 'scaling']);

/** Options of `buildReport`. */
export interface BuildReportOptions {
  title?: string;
  /** How the Markdown names the HTML report (default `report.html`). */
  htmlName?: string;
  /** Clock for the page's timestamp (tests pin it). */
  now?: Date;
  /** Threads that draw charts (0: this thread); default: two fewer than the cores, at most MAX_RENDER_THREADS (on two cores, threads measured slower than this thread). */
  renderThreads?: number;
}

/** A built report, in memory. */
export interface BuiltReport {
  model: ReportModel;
  charts: RenderedChart[];
  html: string;
  markdown: string;
  /** Warnings Vega or Vega-Lite gave while drawing (empty when all is well). */
  chartWarnings: string[];
  /** What the reader did besides reading (the per-source files it skipped), for stderr. */
  notes: string[];
}

/** Chart threads a report uses at most: it draws five charts, and reads its files in this thread meanwhile. */
export const MAX_RENDER_THREADS = 3;

/**
 * Reads the files and builds the page and the Markdown; throws a UsageError for an unusable input. Charts are drawn
 * on worker threads when there are cores to spare; those drawn from the CSV rows alone start as soon as the rows are
 * read, before the sidecars are, and are kept when the sidecars leave their specification unchanged (they are drawn
 * again if not).
 */
export async function buildReport(csvPaths: readonly string[], options: BuildReportOptions = {}): Promise<BuiltReport> {
  const pool = new RenderPool(options.renderThreads ?? Math.min(MAX_RENDER_THREADS, Math.max(0, availableParallelism() - 2)));
  const drawn = new Map<string, Promise<RenderedSvg>>();
  const draw = (spec: TopLevelSpec): Promise<RenderedSvg> => {
    const key = JSON.stringify(spec);
    let svg = drawn.get(key);
    if (!svg) {
      svg = pool.render(spec);
      // Drawn ahead and perhaps never asked for again: a failure is reported when (if) it is asked for.
      svg.catch(() => undefined);
      drawn.set(key, svg);
    }
    return svg;
  };
  try {
    const loaded = await loadResults(csvPaths, {
      onRowsRead: (rows) => {
        for (const chart of reportCharts(aggregate(rows))) if (chart.spec !== null && ROW_CHARTS.has(chart.id)) draw(chart.spec);
      },
    });
    const model = aggregate(loaded, { ...(options.title !== undefined ? { title: options.title } : {}), ...(options.now ? { now: options.now } : {}) });
    const specs = reportCharts(model);
    const rendered = specs.map((chart) => (chart.spec === null ? null : draw(chart.spec)));
    const charts: RenderedChart[] = [];
    const chartWarnings: string[] = [];
    for (const [i, chart] of specs.entries()) {
      const pending = rendered[i];
      if (pending === null || pending === undefined) {
        charts.push({ chart, svg: null, missing: chart.missing });
        continue;
      }
      try {
        const { svg, warnings } = await pending;
        chartWarnings.push(...warnings.map((w) => `${chart.id}: ${w}`));
        charts.push({ chart, svg, missing: null });
      } catch (err) {
        // One chart that cannot be drawn must not cost the person the rest of the report; the page says why.
        charts.push({ chart, svg: null, missing: `could not be drawn (${err instanceof Error ? err.message : String(err)})` });
      }
    }
    return {
      model,
      charts,
      html: renderHtml(model, charts),
      markdown: renderMarkdown(model, { htmlName: options.htmlName ?? 'report.html' }),
      chartWarnings,
      notes: loaded.notes,
    };
  } finally {
    await pool.close();
  }
}

/** Options of `writeReport`. */
export interface WriteReportOptions {
  /** The HTML file. */
  out: string;
  /** Also write the Markdown summary here. */
  markdown?: string;
  title?: string;
}

/** What `writeReport` wrote. */
export interface WrittenReport {
  html: string;
  htmlBytes: number;
  markdown: string | null;
  report: BuiltReport;
}

/** Builds the report of `csvPaths` and writes the HTML (and the Markdown), replacing earlier reports at those paths. */
export async function writeReport(csvPaths: readonly string[], options: WriteReportOptions): Promise<WrittenReport> {
  const report = await buildReport(csvPaths, { ...(options.title !== undefined ? { title: options.title } : {}), htmlName: basename(options.out) });
  await writeFileReplacing(options.out, report.html);
  if (options.markdown !== undefined) await writeFileReplacing(options.markdown, report.markdown);
  return { html: options.out, htmlBytes: Buffer.byteLength(report.html), markdown: options.markdown ?? null, report };
}
