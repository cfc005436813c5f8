import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregate, type ReportModel } from '../../src/report/aggregate.js';
import { type ChartSpec, fmt, reportCharts } from '../../src/report/charts.js';
import { loadResults } from '../../src/report/load.js';
import { compactSvg, renderSvg } from '../../src/report/render-svg.js';

const FIX = new URL('../fixtures/report/', import.meta.url).pathname;
const ALL = ['vm-a.csv', 'vm-b.csv', 'gpu-box.csv', 'vm-a-cmd.csv'].map((f) => `${FIX}${f}`);

let dir = '';
let model: ReportModel;
let charts: ChartSpec[];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wb-report-charts-'));
  model = aggregate(await loadResults(ALL));
  charts = reportCharts(model);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const valuesOf = (c: ChartSpec | undefined): Array<Record<string, unknown>> => {
  const spec = c?.spec as { data?: { values?: Array<Record<string, unknown>> }; vconcat?: unknown[] } | null | undefined;
  if (spec?.data?.values) return spec.data.values;
  // Concatenated charts carry their data per panel.
  const out: Array<Record<string, unknown>> = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const n = node as { data?: { values?: Array<Record<string, unknown>> }; hconcat?: unknown; vconcat?: unknown };
      if (n.data?.values) out.push(...n.data.values);
      walk(n.hconcat);
      walk(n.vconcat);
    }
  };
  walk(spec?.vconcat);
  return out;
};

describe('reportCharts', () => {
  it('has the five charts in page order, each with a spec', () => {
    expect(charts.map((c) => c.id)).toEqual(['work-per-joule-measured', 'work-per-joule-estimated', 'scaling', 'power-timeline', 'energy-split']);
    for (const c of charts) expect(c.spec, c.id).not.toBeNull();
  });

  it('never puts measured and estimated work per joule on one axis', () => {
    const measured = valuesOf(charts[0]);
    const estimated = valuesOf(charts[1]);
    expect(new Set(measured.map((v) => v.series))).toEqual(new Set(['gpu-box']));
    expect(new Set(estimated.map((v) => v.series))).toEqual(new Set(['vm-a', 'vm-b']));
    expect(charts[1]?.title).toMatch(/ESTIMATED/);
    // Scaling: every cell holds one quality of work per joule (a column per quality).
    const scaling = valuesOf(charts[2]);
    for (const v of scaling.filter((x) => /measured$/.test(String(x.cell)))) expect(v.series).toBe('gpu-box');
    for (const v of scaling.filter((x) => /ESTIMATED$/.test(String(x.cell)))) expect(['vm-a', 'vm-b']).toContain(v.series);
    expect(new Set(scaling.map((v) => v.cell))).toEqual(
      new Set(['sha256 — throughput, MB/s', 'sha256 — MB/J, measured', 'sha256 — MB/J, ESTIMATED', 'json — throughput, MB/s', 'json — MB/J, measured', 'json — MB/J, ESTIMATED']),
    );
  });

  it('gives CI whiskers from the aggregated figures, not raw rows', () => {
    const row = valuesOf(charts[1]).find((v) => v.series === 'vm-b' && String(v.row).startsWith('sha256 x1'));
    const f = model.figures.find((x) => x.machine === 'vm-b' && x.label === 'sha256 x1');
    expect(row).toMatchObject({ median: f?.workPerJ.median, lo: f?.workPerJ.lo, hi: f?.workPerJ.hi });
    expect(String(row?.text)).toMatch(/MB\/J \(95% CI .*n=3\)/);
  });

  it('says why a chart is missing instead of drawing an empty one', async () => {
    const bare = join(dir, 'cmd.csv');
    await copyFile(`${FIX}vm-a-cmd.csv`, bare);
    const only = reportCharts(aggregate(await loadResults([bare])));
    const byId = Object.fromEntries(only.map((c) => [c.id, c]));
    expect(byId['work-per-joule-measured']).toBeUndefined();
    expect(byId['work-per-joule-estimated']?.spec).not.toBeNull();
    expect(byId.scaling?.spec).toBeNull();
    expect(byId.scaling?.missing).toMatch(/no kernel results/);
    expect(byId['power-timeline']?.missing).toMatch(/sidecar/);
    expect(byId['energy-split']?.missing).toMatch(/sidecar/);
  });
});

describe('renderSvg', () => {
  it('renders every fixture chart to SVG with marks and without Vega warnings', async () => {
    for (const c of charts) {
      const { svg, warnings } = await renderSvg(c.spec as NonNullable<ChartSpec['spec']>);
      expect(warnings, c.id).toEqual([]);
      expect(svg.startsWith('<svg'), c.id).toBe(true);
      expect(svg, c.id).toMatch(/class="mark-(rect|line|rule|symbol)[^"]*role-mark/);
      expect(svg).not.toMatch(/<script|<foreignObject|\son\w+=/i);
    }
  }, 30_000);

  it('escapes data: a command line with markup stays text', async () => {
    const spec = { data: { values: [{ a: `<script>alert("x")</script> & 'q'`, b: 1 }] }, mark: 'bar', encoding: { y: { field: 'a', type: 'nominal' }, x: { field: 'b', type: 'quantitative' } } };
    const { svg } = await renderSvg(spec as never);
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
  });

  it('loads nothing from outside', async () => {
    const spec = { data: { url: 'https://example.invalid/data.json' }, mark: 'bar', encoding: { x: { field: 'b', type: 'quantitative' } } };
    const { svg, warnings } = await renderSvg(spec as never);
    expect(svg).toContain('<svg');
    expect(warnings.join(' ')).toMatch(/loads no external data/);
  });
});

describe('helpers', () => {
  it('compactSvg shortens geometry, never text', () => {
    const svg = '<svg><path d="M0,3.25h428.13454545454545v13Z"/><g transform="translate(12.3456,7)"><text x="1.23456">0.123456 MB/J</text></g></svg>';
    expect(compactSvg(svg)).toBe('<svg><path d="M0,3.25h428.13v13Z"/><g transform="translate(12.34,7)"><text x="1.23">0.123456 MB/J</text></g></svg>');
  });

  it('fmt gives at most four significant digits', () => {
    expect(fmt(1234.5678)).toBe('1,235');
    expect(fmt(0.012345)).toBe('0.01235');
    expect(fmt(null)).toBe('–');
    expect(fmt(1.5e-7)).toBe('1.50e-7');
  });
});
