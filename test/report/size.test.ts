import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregate } from '../../src/report/aggregate.js';
import { buildReport } from '../../src/report/index.js';
import { loadResults } from '../../src/report/load.js';
import * as schema from '../../src/results/schema.js';
import { sidecarText } from '../../src/results/sidecar-text.js';
// A plain JavaScript script, shared with `npm run bench:report` (which times 100,000 rows).
import { generateResults } from '../../scripts/bench-report.js';

/** Largest page for 4 machines × 160 configurations: what 100,000 rows of the benchmark script hold. */
const MAX_HTML_BYTES = 2 * 1024 * 1024;

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wb-report-size-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('report size', () => {
  it('stays under the bound for 4 machines × 160 configurations, with every chart drawn', async () => {
    const files = generateResults(await mkdtemp(join(dir, 'small-')), { rows: 800, schema, sidecarText }) as string[];
    const report = await buildReport(files);
    expect(report.charts.map((c) => [c.chart.id, c.svg !== null])).toEqual([
      ['work-per-joule-measured', true],
      ['work-per-joule-estimated', true],
      ['scaling', true],
      ['power-timeline', true],
      ['energy-split', true],
    ]);
    expect(report.model.timeline.panels).toHaveLength(24);
    expect(Buffer.byteLength(report.html)).toBeLessThan(MAX_HTML_BYTES);
  }, 60_000);

  it('charts aggregates, not rows: four times the rows give the same number of values to draw', async () => {
    const counts: number[][] = [];
    for (const rows of [800, 3200]) {
      const files = generateResults(await mkdtemp(join(dir, `r${rows}-`)), { rows, schema, sidecarText }) as string[];
      const model = aggregate(await loadResults(files));
      counts.push([model.figures.length, model.timeline.points.length, model.split.bars.length]);
    }
    expect(counts[1]).toEqual(counts[0]);
  }, 60_000);
});
