import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregate, estimateOf, MAX_TIMELINE_PANELS, NOISY_CV, type ReportModel } from '../../src/report/aggregate.js';
import { loadResults } from '../../src/report/load.js';
import * as schema from '../../src/results/schema.js';
import { sidecarText } from '../../src/results/sidecar-text.js';
// A plain JavaScript script, shared with `npm run bench:report`.
import { generateResults } from '../../scripts/bench-report.js';

const FIX = new URL('../fixtures/report/', import.meta.url).pathname;
const ALL = ['vm-a.csv', 'vm-b.csv', 'gpu-box.csv', 'vm-a-cmd.csv'].map((f) => `${FIX}${f}`);
const NOW = new Date('2026-11-29T12:00:00Z');

let dir = '';
let model: ReportModel;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wb-report-agg-'));
  model = aggregate(await loadResults(ALL), { now: NOW, title: 'T' });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('estimateOf', () => {
  it('gives the median with the t CI of the mean for 2–5 values and the order-statistic CI from 6', () => {
    expect(estimateOf([])).toEqual({ n: 0, median: null, lo: null, hi: null, ciOf: null, cv: null });
    expect(estimateOf([5])).toMatchObject({ n: 1, median: 5, lo: null, hi: null, ciOf: null });
    const three = estimateOf([10, 11, 12]);
    expect(three).toMatchObject({ n: 3, median: 11, ciOf: 'mean' });
    expect(three.lo).toBeLessThan(11);
    expect(three.hi).toBeGreaterThan(11);
    expect(estimateOf([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toMatchObject({ median: 5.5, ciOf: 'median', lo: 2, hi: 9 });
  });

  it('never reaches below zero: throughput, power and work per joule are not negative', () => {
    const wide = estimateOf([0.1, 5, 10]);
    expect(wide.lo).toBe(0);
  });
});

describe('aggregate (fixtures: two estimated machines, one measured, a failing command)', () => {
  it('has one figure per machine, configuration and quality, ordered kernels first, by thread count', () => {
    expect(model.title).toBe('T');
    expect(model.generatedAt).toBe(NOW.toISOString());
    expect(model.machines.map((m) => m.machine)).toEqual(['vm-a', 'vm-b', 'gpu-box']);
    expect(model.figures).toHaveLength(13);
    expect(model.figures.slice(0, 3).map((f) => `${f.label} ${f.machine}`)).toEqual(['sha256 x1 vm-a', 'sha256 x1 vm-b', 'sha256 x1 gpu-box']);
    expect(model.figures.at(-1)?.kind).toBe('command');
    for (const f of model.figures) expect(f.quality).toBe(f.machine === 'gpu-box' ? 'measured' : 'estimated');
    expect(model.rows).toBe(39);
    expect(model.validRows).toBe(37);
  });

  it('takes medians and intervals from the valid repetitions only', () => {
    const cmd = model.figures.find((f) => f.kind === 'command');
    expect(cmd?.n).toBe(1);
    expect(cmd?.workPerJ.lo).toBeNull();
    const f = model.figures.find((x) => x.machine === 'vm-b' && x.label === 'sha256 x1');
    expect(f?.n).toBe(3);
    expect(f?.workPerJ.median).toBeGreaterThan(0);
    expect(f?.workPerJ.ciOf).toBe('mean');
  });

  it('describes the machines from their sidecars: fingerprint, sources, total rule', () => {
    const gpu = model.machines.find((m) => m.machine === 'gpu-box');
    expect(gpu?.fingerprint).toMatchObject({ cpu: expect.any(Object) });
    expect(gpu?.totals).toEqual(['meter:fake-wattmeter (wall power covers the whole machine)']);
    expect(gpu?.sources.filter((s) => s.state === 'ok').map((s) => s.id)).toContain('nvidia:0');
    expect(gpu?.qualities).toEqual(['measured']);
    const vmA = model.machines.find((m) => m.machine === 'vm-a');
    expect(vmA?.files).toHaveLength(2);
    expect(vmA?.runIds).toHaveLength(2);
    expect(vmA?.complete).toBe(true);
  });

  it('puts every warning a person must see in the notices, most serious kinds first', () => {
    const titles = model.notices.map((n) => `${n.level}: ${n.title}`);
    expect(titles[0]).toMatch(/^danger: ESTIMATED energy on vm-a, vm-b/);
    expect(titles).toContainEqual(expect.stringMatching(/^warning: Measured and estimated energy are both present/));
    expect(titles).toContainEqual(expect.stringMatching(/^danger: 2 invalid rows left out/));
    expect(titles).toContainEqual(expect.stringMatching(/^warning: Noisy: \d+ configurations vary by more than 10\.0%/));
    expect(titles).toContainEqual(expect.stringMatching(/^warning: Other load on the machine/));
    expect(titles).toContainEqual(expect.stringMatching(/^warning: 3 valid windows have no work per joule/));
    const invalid = model.notices.find((n) => /invalid rows/.test(n.title));
    expect(invalid?.items[0]).toMatch(/vm-a-cmd\.csv: 2 × invalid window \(valid=false\), lines 3, 4 — .*command exited with code 3/);
    const noisy = model.notices.find((n) => /^Noisy/.test(n.title));
    expect(noisy?.items.length).toBe(model.figures.filter((f) => f.noisyCv !== null).length);
    for (const f of model.figures) if (f.noisyCv !== null) expect(f.noisyCv).toBeGreaterThan(NOISY_CV);
  });

  it('draws one power timeline per machine and configuration, from its median repetition', () => {
    expect(model.timeline.panels).toHaveLength(13);
    expect(model.timeline.panels[0]).toMatch(/^vm-a · sha256 x1 · repetition \d$/);
    const gpu = model.timeline.points.filter((p) => p.panel.startsWith('gpu-box · json x2'));
    expect([...new Set(gpu.map((p) => p.source))].sort()).toEqual(['meter:fake-wattmeter', 'nvidia:0', 'nvidia:1']);
    expect(gpu.find((p) => p.source === 'meter:fake-wattmeter')?.inTotal).toBe(true);
    expect(gpu.find((p) => p.source === 'nvidia:0')?.inTotal).toBe(false);
    expect(model.timeline.points.some((p) => p.source === 'estimate:cpu (ESTIMATED)')).toBe(true);
  });

  it('splits energy by source with the median per window, marking what the total adds', () => {
    const bars = model.split.bars.filter((b) => b.machine === 'gpu-box' && b.label === 'sha256 x1');
    expect(bars.map((b) => [b.source, b.scope, b.inTotal])).toEqual([
      ['nvidia:0', 'gpu', false],
      ['nvidia:1', 'gpu', false],
      ['meter:fake-wattmeter', 'system-wall', true],
    ]);
    expect(model.split.totals['gpu-box']).toMatch(/wall power/);
  });
});

describe('aggregate, special inputs', () => {
  it('says why the timeline and the split are missing when no CSV has its sidecar', async () => {
    const csv = join(dir, 'bare.csv');
    await copyFile(`${FIX}vm-a.csv`, csv);
    const m = aggregate(await loadResults([csv]));
    expect(m.timeline.points).toEqual([]);
    expect(m.timeline.notes[0]).toMatch(/recorded in each run's JSON sidecar, and none was found beside .*bare\.csv/);
    expect(m.split.bars).toEqual([]);
    expect(m.split.notes[0]).toMatch(/none was found/);
    expect(m.notices.some((n) => n.level === 'info' && n.items.some((i) => /no sidecar .*bare\.json/.test(i)))).toBe(true);
    expect(m.figures).toHaveLength(4);
  });

  it('keeps measured and estimated figures of one machine apart, under distinct names', async () => {
    const csv = join(dir, 'mixed.csv');
    const a = await readFile(`${FIX}vm-a.csv`, 'utf8');
    const g = (await readFile(`${FIX}gpu-box.csv`, 'utf8')).split('\n').slice(1).join('\n').replaceAll(',gpu-box,', ',vm-a,');
    await writeFile(csv, a + g);
    const m = aggregate(await loadResults([csv]));
    const sha = m.figures.filter((f) => f.label === 'sha256 x1');
    expect(sha.map((f) => [f.series, f.quality])).toEqual([
      ['vm-a [measured]', 'measured'],
      ['vm-a [estimated]', 'estimated'],
    ]);
    expect(m.machines[0]?.qualities).toEqual(['measured', 'estimated']);
  });

  it('bounds the timeline to MAX_TIMELINE_PANELS panels and says how many more there were', async () => {
    const sub = await mkdtemp(join(dir, 'gen-'));
    const files = generateResults(sub, { rows: 800, schema, sidecarText }) as string[];
    const m = aggregate(await loadResults(files));
    expect(m.figures).toHaveLength(160);
    expect(m.timeline.panels).toHaveLength(MAX_TIMELINE_PANELS);
    expect(m.timeline.available).toBe(160);
    expect(m.timeline.notes[0]).toMatch(/160 configurations have a timeline; the first 24 are drawn/);
    expect(m.notices.some((n) => n.level === 'danger' && /Throttling suspected/.test(n.title))).toBe(true);
  });
});
