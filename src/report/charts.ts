/**
 * The report's charts as Vega-Lite specifications, built from the aggregated model only (a few hundred values at
 * most, whatever the number of rows). A chart that cannot be drawn is returned with the reason instead of a spec,
 * so the page says why it is missing rather than showing an empty frame. Work per joule is drawn once per energy
 * quality: measured and estimated figures never share an axis.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { EnergySplit, Figure, ReportModel, Timeline } from './aggregate.js';
import type { Quality, SourceQuality } from '../sources/types.js';

/** One chart of the report: a spec to render, or why there is none. */
export interface ChartSpec {
  /** Stable id, used as the HTML element id (`chart-<id>`). */
  id: string;
  title: string;
  /** What the chart shows and how to read it, one or two sentences. */
  description: string;
  spec: TopLevelSpec | null;
  /** Why the chart is missing (when `spec` is null). */
  missing: string | null;
  /** Remarks shown under the chart (what was left out, and why). */
  notes: string[];
}

/** Colours of machines, in order of appearance (Tableau 10, readable on white and for most colour vision). */
export const PALETTE = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#eeca3b', '#9d755d', '#ff9da6', '#bab0ac'];

/** A short family, written on every text of every chart; the page's CSS picks the system font (see html.ts). */
const FONT = 'sans-serif';

/** Shared look: system fonts only (nothing to download), white background, readable sizes. */
export const CONFIG = {
  // No ARIA description per mark: it doubles the size of a large chart, and the tables below the charts hold the numbers.
  aria: false,
  background: 'white',
  font: FONT,
  padding: 8,
  view: { stroke: '#ddd' },
  // No label-overlap search: it is most of the drawing time of a chart with many panels, and few ticks do not overlap.
  axis: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'normal', labelLimit: 220, grid: true, gridColor: '#eee', labelOverlap: false },
  axisQuantitative: { tickCount: 6 },
  header: { labelFontSize: 12, labelLimit: 640, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 11, labelLimit: 360 },
  title: { fontSize: 13, anchor: 'start' },
} as const;

const qualityWords: Record<Quality, string> = {
  measured: 'measured energy',
  estimated: 'ESTIMATED energy (modelled from CPU utilization, not measured)',
  none: 'no energy',
};

const FOUR_DIGITS = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4 });

/** Formats a number with at most 4 significant digits for chart labels. */
export function fmt(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e9 || a < 1e-4)) return x.toExponential(2);
  return FOUR_DIGITS.format(x);
}

/** Colour scale of the machines (series) of the report, so a machine keeps its colour in every chart. */
function seriesColor(model: ReportModel): { domain: string[]; range: string[] } {
  const domain = [...new Set(model.figures.map((f) => f.series))];
  return { domain, range: domain.map((_, i) => PALETTE[i % PALETTE.length] as string) };
}

function ciText(f: Figure['workPerJ']): string {
  if (f.lo === null || f.hi === null) return `n=${f.n}, no CI`;
  return `95% CI ${fmt(f.lo)}–${fmt(f.hi)}, n=${f.n}`;
}

/** Work per joule per configuration and machine, with 95% CI whiskers, for one energy quality. */
export function workPerJouleChart(model: ReportModel, quality: SourceQuality): ChartSpec {
  const figures = model.figures.filter((f) => f.quality === quality && f.workPerJ.median !== null);
  const id = `work-per-joule-${quality}`;
  const title = quality === 'measured' ? 'Work per joule — measured energy' : 'Work per joule — ESTIMATED energy';
  const description = `Median work per joule over the valid repetitions of each benchmark, per machine (${qualityWords[quality]}); whiskers show the 95% confidence interval (of the median with 6 or more repetitions, else of the mean). Longer is better. Each benchmark has its own scale and unit.`;
  if (figures.length === 0) return { id, title, description, spec: null, missing: `no valid row with ${qualityWords[quality]}`, notes: [] };
  const rows = [...new Set(figures.map((f) => `${f.label} — ${f.workUnit}/J`))];
  const values = figures.map((f) => ({
    row: `${f.label} — ${f.workUnit}/J`,
    series: f.series,
    median: f.workPerJ.median,
    lo: f.workPerJ.lo,
    hi: f.workPerJ.hi,
    textX: Math.max(f.workPerJ.median as number, f.workPerJ.hi ?? 0),
    text: `${fmt(f.workPerJ.median)} ${f.workUnit}/J (${ciText(f.workPerJ)})`,
  }));
  const color = seriesColor(model);
  // No axis title: the row title names the unit, and a title under each of forty rows costs a third of the height.
  const x = (field: string) => ({ field, type: 'quantitative' as const, title: null });
  const seriesOrder = color.domain;
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    data: { values },
    facet: {
      row: {
        field: 'row',
        type: 'nominal',
        sort: rows,
        title: null,
        header: { labelAngle: 0, labelOrient: 'top', labelAnchor: 'start', labelFontWeight: 'bold', labelPadding: 4 },
      },
    },
    spacing: 14,
    spec: {
      width: 460,
      height: { step: 22 },
      encoding: { y: { field: 'series', type: 'nominal', sort: seriesOrder, title: null } },
      layer: [
        {
          mark: { type: 'bar', height: { band: 0.65 }, opacity: quality === 'estimated' ? 0.55 : 0.9 },
          encoding: { x: { ...x('median'), scale: { zero: true } }, color: { field: 'series', type: 'nominal', scale: color, legend: null } },
        },
        { transform: [{ filter: 'isValid(datum.lo) && isValid(datum.hi)' }], mark: { type: 'rule', color: '#222', strokeWidth: 1.5 }, encoding: { x: x('lo'), x2: { field: 'hi' } } },
        { transform: [{ filter: 'isValid(datum.lo)' }], mark: { type: 'tick', orient: 'vertical', color: '#222', thickness: 1.5, size: 10 }, encoding: { x: x('lo') } },
        { transform: [{ filter: 'isValid(datum.hi)' }], mark: { type: 'tick', orient: 'vertical', color: '#222', thickness: 1.5, size: 10 }, encoding: { x: x('hi') } },
        { mark: { type: 'text', align: 'left', dx: 6, fontSize: 10, color: '#333' }, encoding: { x: x('textX'), text: { field: 'text' } } },
      ],
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
  } as unknown as TopLevelSpec;
  return { id, title, description, spec, missing: null, notes: [] };
}

/** Throughput and work per joule against thread count, per kernel and machine. */
export function scalingChart(model: ReportModel): ChartSpec {
  const id = 'scaling';
  const title = 'Throughput and work per joule against thread count';
  const description =
    'Median throughput (work per second) and work per joule of each kernel at each thread count, per machine, with 95% CI error bars. Measured and estimated work per joule are in separate columns and never share an axis.';
  const kernels = model.figures.filter((f) => f.threads !== null);
  const threadsOf = new Map<string, Set<number>>();
  for (const f of kernels) {
    const key = `${f.benchmark}\0${f.workUnit}`;
    let set = threadsOf.get(key);
    if (!set) threadsOf.set(key, (set = new Set()));
    set.add(f.threads as number);
  }
  const scaled = kernels.filter((f) => (threadsOf.get(`${f.benchmark}\0${f.workUnit}`)?.size ?? 0) > 1);
  if (scaled.length === 0) {
    const why = kernels.length === 0 ? 'no kernel results (commands have no thread count)' : 'every kernel ran at a single thread count (run with --threads 1,2,all to see scaling)';
    return { id, title, description, spec: null, missing: why, notes: [] };
  }
  const notes: string[] = [];
  const single = [...new Set(kernels.filter((f) => !scaled.includes(f)).map((f) => f.benchmark))];
  if (single.length > 0) notes.push(`Left out (a single thread count): ${single.join(', ')}.`);
  type Column = 'throughput' | SourceQuality;
  const cellTitle: Record<Column, (f: Figure) => string> = {
    throughput: (f) => `${f.benchmark} — throughput, ${f.workUnit}/s`,
    measured: (f) => `${f.benchmark} — ${f.workUnit}/J, measured`,
    estimated: (f) => `${f.benchmark} — ${f.workUnit}/J, ESTIMATED`,
  };
  const order: Column[] = ['throughput', 'measured', 'estimated'];
  const present = order.filter((c) => c === 'throughput' || scaled.some((f) => f.quality === c && f.workPerJ.median !== null));
  const values: Array<Record<string, unknown>> = [];
  const cells: string[] = [];
  const benches = [...new Map(scaled.map((f) => [JSON.stringify([f.benchmark, f.workUnit]), f])).values()];
  for (const b of benches) {
    for (const column of present) {
      const cell = cellTitle[column](b);
      cells.push(cell);
      const rows = scaled.filter((f) => f.benchmark === b.benchmark && f.workUnit === b.workUnit && (column === 'throughput' || f.quality === column));
      const est = (f: Figure) => (column === 'throughput' ? f.throughputPerS : f.workPerJ);
      const drawn = rows.filter((f) => est(f).median !== null);
      // A cell with nothing to draw still holds its place in the grid, so that columns stay aligned.
      if (drawn.length === 0) values.push({ cell, series: null, threads: null, median: null, lo: null, hi: null });
      for (const f of drawn) values.push({ cell, series: f.series, threads: f.threads, median: est(f).median, lo: est(f).lo, hi: est(f).hi });
    }
  }
  const color = seriesColor(model);
  const y = (field: string) => ({ field, type: 'quantitative' as const, title: null, scale: { zero: true } });
  // One wrapped facet (not a concatenation of panels): Vega builds one dataflow for all cells, several times faster.
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    data: { values },
    facet: { field: 'cell', type: 'nominal', sort: cells, title: null, header: { labelFontWeight: 'bold', labelFontSize: 11, labelLimit: 330 } },
    columns: present.length,
    spacing: { row: 14, column: 26 },
    spec: {
      width: 250,
      height: 130,
      encoding: {
        x: { field: 'threads', type: 'quantitative', title: 'threads', axis: { tickMinStep: 1, format: 'd' }, scale: { zero: false, nice: false, padding: 12 } },
        color: { field: 'series', type: 'nominal', scale: color, title: 'machine', legend: { orient: 'bottom' } },
      },
      layer: [
        { mark: { type: 'line', point: { size: 40, filled: true }, strokeWidth: 2 }, encoding: { y: y('median') } },
        { transform: [{ filter: 'isValid(datum.lo) && isValid(datum.hi)' }], mark: { type: 'rule', strokeWidth: 1.5 }, encoding: { y: y('lo'), y2: { field: 'hi' } } },
      ],
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
  } as unknown as TopLevelSpec;
  return { id, title, description, spec, missing: null, notes };
}

/** Power over time during the median repetition of each machine and configuration, per energy source. */
export function timelineChart(timeline: Timeline): ChartSpec {
  const id = 'power-timeline';
  const title = 'Power over time during a typical window';
  const description =
    'Watts reported by each energy source during the median repetition (by energy) of each benchmark on each machine, from the samples kept in the sidecar. Solid lines are the sources the total adds; dashed ones are covered by another source or not added.';
  if (timeline.points.length === 0) {
    return { id, title, description, spec: null, missing: timeline.notes[0] ?? 'no power samples in the inputs', notes: timeline.notes.slice(1) };
  }
  const counts = new Map<string, number>();
  for (const p of timeline.points) counts.set(`${p.panel}\0${p.source}`, (counts.get(`${p.panel}\0${p.source}`) ?? 0) + 1);
  const values = timeline.points.map((p) => ({
    ...p,
    role: p.inTotal ? 'added to the total' : 'not added (covered by another source)',
    single: counts.get(`${p.panel}\0${p.source}`) === 1,
  }));
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    data: { values },
    facet: { field: 'panel', type: 'nominal', sort: timeline.panels, title: null, header: { labelLimit: 300, labelFontSize: 11 } },
    columns: 3,
    spacing: { row: 12, column: 18 },
    spec: {
      width: 250,
      height: 120,
      encoding: {
        x: { field: 't', type: 'quantitative', title: 'seconds since the window started', axis: { format: '~g' } },
        y: { field: 'w', type: 'quantitative', title: 'watts', scale: { zero: true } },
        color: { field: 'source', type: 'nominal', title: 'source', scale: { scheme: 'dark2' }, legend: { orient: 'bottom', columns: 3 } },
      },
      layer: [
        {
          mark: { type: 'line', strokeWidth: 1.5, interpolate: 'linear' },
          encoding: {
            strokeDash: {
              field: 'role',
              type: 'nominal',
              title: 'in the total?',
              scale: { domain: ['added to the total', 'not added (covered by another source)'], range: [[1, 0], [5, 3]] },
              legend: { orient: 'bottom', direction: 'vertical', symbolStrokeColor: '#444' },
            },
          },
        },
        // A source with a single sample in the window draws no line: a point shows where it lies.
        { transform: [{ filter: 'datum.single' }], mark: { type: 'point', filled: true, size: 24 } },
      ],
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
  } as unknown as TopLevelSpec;
  return { id, title, description, spec, missing: null, notes: timeline.notes };
}

/** Median energy per window of each source, per machine and configuration. */
export function energySplitChart(split: EnergySplit): ChartSpec {
  const id = 'energy-split';
  const title = 'Energy split by source and scope';
  const description =
    'Energy of each energy source (CPU package, DRAM, GPU, NPU, wall…) in the typical window of each benchmark and machine: the median repetition by energy, the window the power timeline draws, so that the parts are those of one real window. Solid bars are what the machine\'s total adds; pale bars are covered by another source (e.g. a GPU under a wall meter) and are not added again. Each machine has its own scale.';
  if (split.bars.length === 0) return { id, title, description, spec: null, missing: split.notes[0] ?? 'no per-source energy in the inputs', notes: split.notes.slice(1) };
  const machines = [...new Set(split.bars.map((b) => b.machine))];
  const x = (field: string) => ({ field, type: 'quantitative' as const, title: 'energy in the typical window (J)' });
  const role = (inTotal: boolean): string => (inTotal ? 'added to the total' : 'not added (covered by another source)');
  // One chart per machine (each with its own sources and scale), concatenated: facets with independent band scales
  // and sub-bands (yOffset) are mis-sized by Vega-Lite.
  const panels = machines.map((machine) => {
    const bars = split.bars.filter((b) => b.machine === machine);
    return {
      title: { text: `${machine} — total: ${split.totals[machine] ?? 'rule not recorded'}`, fontSize: 12, limit: 760 },
      data: {
        values: bars.map((b) => ({ label: b.label, source: `${b.source} · ${b.scope}`, role: role(b.inTotal), energyJ: b.energyJ, text: `${fmt(b.energyJ)} J` })),
      },
      width: 460,
      height: { step: 13 },
      encoding: {
        y: { field: 'label', type: 'nominal', sort: [...new Set(bars.map((b) => b.label))], title: null },
        yOffset: { field: 'source', type: 'nominal', scale: { type: 'band' } },
      },
      layer: [
        {
          mark: { type: 'bar' },
          encoding: {
            x: x('energyJ'),
            color: { field: 'source', type: 'nominal', title: 'source · scope', scale: { scheme: 'dark2' }, legend: { orient: 'bottom', direction: 'vertical' } },
            opacity: {
              field: 'role',
              type: 'ordinal',
              title: 'in the total?',
              scale: { domain: [role(true), role(false)], range: [0.95, 0.35] },
              legend: { orient: 'bottom', direction: 'vertical', symbolType: 'square', symbolFillColor: '#444', symbolStrokeWidth: 0 },
            },
          },
        },
        { mark: { type: 'text', align: 'left', baseline: 'middle', dx: 4, fontSize: 9, color: '#333' }, encoding: { x: x('energyJ'), text: { field: 'text' } } },
      ],
    };
  });
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    vconcat: panels,
    spacing: 22,
    resolve: { scale: { color: 'shared', opacity: 'shared', x: 'independent', y: 'independent', yOffset: 'independent' } },
  } as unknown as TopLevelSpec;
  return { id, title, description, spec, missing: null, notes: split.notes };
}

/** Every chart of the report, in page order; absent ones carry their reason. */
export function reportCharts(model: ReportModel): ChartSpec[] {
  const charts: ChartSpec[] = [];
  const qualities = new Set(model.figures.map((f) => f.quality));
  if (qualities.has('measured') || !qualities.has('estimated')) charts.push(workPerJouleChart(model, 'measured'));
  if (qualities.has('estimated')) charts.push(workPerJouleChart(model, 'estimated'));
  charts.push(scalingChart(model), timelineChart(model.timeline), energySplitChart(model.split));
  return charts;
}
