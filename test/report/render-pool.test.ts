import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Charts drawn on worker threads need the compiled build (npm test builds it first), so these tests load `dist/`.
 * The pool must draw what this thread draws, and a report drawn with threads (charts started before the sidecars are
 * read) must be the report drawn without them, even when a sidecar changes a chart after it was started.
 */
const dist = (path: string): URL => new URL(`../../dist/src/${path}`, import.meta.url);
const FIX = new URL('../fixtures/report/', import.meta.url).pathname;
const ALL = ['vm-a.csv', 'vm-b.csv', 'gpu-box.csv', 'vm-a-cmd.csv'].map((f) => `${FIX}${f}`);
const NOW = new Date('2026-11-29T12:00:00Z');

type Index = typeof import('../../src/report/index.js');
let report: Index;
let dir = '';
beforeAll(async () => {
  expect(existsSync(dist('report/render-worker.js')), 'dist/ is missing: npm test builds it first (npm run build)').toBe(true);
  report = (await import(dist('report/index.js').href)) as Index;
  dir = await mkdtemp(join(tmpdir(), 'wb-render-pool-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const spec = {
  data: { values: [{ a: 'x<y>', b: 1 }, { a: 'z', b: 2 }] },
  mark: 'bar',
  encoding: { x: { field: 'a', type: 'nominal' }, y: { field: 'b', type: 'quantitative' } },
} as const;

describe('RenderPool', () => {
  it('draws on worker threads what this thread draws, and says why a chart cannot be drawn', async () => {
    const pool = new report.RenderPool(2);
    try {
      expect(pool.threads).toBe(2);
      const [one, two] = await Promise.all([pool.render(spec as never), pool.render({ ...spec, mark: 'point' } as never)]);
      expect(one).toEqual(await report.renderSvg(spec as never));
      expect(two?.svg).toContain('<svg');
      expect(one?.svg).toContain('x&lt;y&gt;');
      const offline = await pool.render({ data: { url: 'http://example.com/x.csv' }, mark: 'bar' } as never);
      expect(offline.warnings.join(' ')).toMatch(/a report loads no external data/);
      await expect(pool.render({ data: { values: [] }, mark: 'bar', encoding: { x: { field: 'a', type: 'bogus' } } } as never)).rejects.toThrow(/Invalid field type/);
      // The threads are still there after a chart failed.
      expect((await pool.render(spec as never)).svg).toBe(one?.svg);
    } finally {
      await pool.close();
    }
    expect(pool.threads).toBe(0);
  }, 30_000);
});

describe('buildReport with chart threads', () => {
  it('writes the page it writes without them', async () => {
    const alone = await report.buildReport(ALL, { now: NOW, renderThreads: 0 });
    const threaded = await report.buildReport(ALL, { now: NOW, renderThreads: 2 });
    expect(threaded.charts.map((c) => c.svg !== null)).toEqual(alone.charts.map((c) => c.svg !== null));
    expect(threaded.html).toBe(alone.html);
  }, 60_000);

  it('draws a chart again when the sidecars change it after it was started from the rows', async () => {
    // The sidecar knows a version 2 of sha256 that the CSV does not: labels then name versions, in every chart.
    const csv = join(dir, 'vm-a.csv');
    await copyFile(`${FIX}vm-a.csv`, csv);
    const doc = JSON.parse(await readFile(`${FIX}vm-a.json`, 'utf8')) as { windows: Array<Record<string, unknown>> };
    (doc.windows[0] as Record<string, unknown>).version = '2';
    await writeFile(join(dir, 'vm-a.json'), JSON.stringify(doc));
    const alone = await report.buildReport([csv], { now: NOW, renderThreads: 0 });
    const threaded = await report.buildReport([csv], { now: NOW, renderThreads: 1 });
    const chart = threaded.charts.find((c) => c.chart.id === 'work-per-joule-estimated');
    expect(chart?.svg).toContain('(v1)');
    expect(threaded.html).toBe(alone.html);
  }, 60_000);
});
