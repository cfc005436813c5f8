import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { categorize, loadResults, sidecarPathOf } from '../../src/report/load.js';
import { SOURCE_COLUMNS } from '../../src/results/schema.js';
import type { Quality } from '../../src/sources/types.js';
import { MAX_TIMELINE_POINTS, summarizeSidecarDocument, summarizeSidecarText, thinSeries } from '../../src/report/sidecar.js';

const FIX = new URL('../fixtures/report/', import.meta.url).pathname;
const ALL = ['vm-a.csv', 'vm-b.csv', 'gpu-box.csv', 'vm-a-cmd.csv'].map((f) => `${FIX}${f}`);

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wb-report-load-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadResults', () => {
  it('reads the fixture files through the shared reader, one set of groups per energy quality', async () => {
    const loaded = await loadResults(ALL);
    expect(loaded.files.map((f) => f.summary.machines)).toEqual([['vm-a'], ['vm-b'], ['gpu-box'], ['vm-a']]);
    const machinesOf = (q: Quality) => [...new Set([...loaded.groups[q].values()].filter((g) => g.n > 0).map((g) => g.machine))];
    expect(machinesOf('measured')).toEqual(['gpu-box']);
    expect(machinesOf('estimated')).toEqual(['vm-a', 'vm-b']);
    expect(machinesOf('none')).toEqual([]);
    const cmd = loaded.files[3];
    expect(cmd?.summary.excluded).toEqual([expect.objectContaining({ reason: 'invalid window (valid=false)', count: 2, lines: [3, 4] })]);
    for (const f of loaded.files) expect(f.sidecar, f.csv).not.toBeNull();
  });

  it('skips the per-source files among its inputs with a note, and reads the rest as without them', async () => {
    const sources = join(dir, 'vm-a.sources.csv');
    await writeFile(sources, `${SOURCE_COLUMNS.join(',')}\n1,r,vm-a,sha256,1,1,estimate:cpu,counter,cpu-package,estimated,true,1,1,,3,\n`);
    const alone = await loadResults(ALL);
    const globbed = await loadResults([...ALL, sources]);
    expect(globbed.files.map((f) => f.csv)).toEqual(ALL);
    expect(globbed.groups).toEqual(alone.groups);
    expect(alone.notes).toEqual([]);
    expect(globbed.notes).toEqual([`skipped 1 per-source file (one row per window and source; their windows are in the results files beside them): ${sources}`]);
  });

  it('tallies the warnings of valid rows by kind, folding numbers, and never those of invalid rows', async () => {
    const loaded = await loadResults(ALL);
    const busy = loaded.rowWarnings.filter((w) => w.category === 'busy');
    expect(busy.length).toBeGreaterThan(0);
    expect(busy.every((w) => /busy with other work/.test(w.example))).toBe(true);
    expect(loaded.rowWarnings.some((w) => /command exited/.test(w.example))).toBe(false);
    const meter = loaded.rowWarnings.find((w) => w.machine === 'gpu-box' && w.category === 'other');
    expect(meter?.count).toBe(12);
  });

  it('categorizes warnings', () => {
    expect(categorize('CPU at 2100 MHz, 25% below the 2800 MHz seen earlier: throttled?')).toBe('throttling');
    expect(categorize('CPU at 97 °C: likely thermally throttled')).toBe('throttling');
    expect(categorize('hypervisor stole 7.5% of CPU time')).toBe('busy');
    expect(categorize('energy is ESTIMATED by model teads-tdp@1, not measured')).toBe('estimated');
    expect(categorize('nvidia:0: window of 0.3 s is shorter than two sensor updates')).toBe('other');
  });

  it('summarizes a sidecar: per configuration the median repetition, with each energy source\'s energy and timeline', async () => {
    const loaded = await loadResults([`${FIX}gpu-box.csv`]);
    const s = loaded.files[0]?.sidecar;
    expect(s?.machine).toBe('gpu-box');
    expect(s?.totalRule?.ids).toEqual(['meter:fake-wattmeter']);
    expect(s?.configs.map((c) => `${c.benchmark} x${c.threads}`)).toEqual(['sha256 x1', 'sha256 x2', 'json x1', 'json x2']);
    for (const c of s?.configs ?? []) {
      expect(c.valid).toBe(3);
      const byId = Object.fromEntries((c.typical?.sources ?? []).map((x) => [x.id, x]));
      expect(Object.keys(byId).sort()).toEqual(['meter:fake-wattmeter', 'nvidia:0', 'nvidia:1']);
      expect(byId['meter:fake-wattmeter']?.inTotal).toBe(true);
      expect(byId['nvidia:0']?.inTotal).toBe(false);
      expect(byId['nvidia:0']?.scope).toBe('gpu');
      expect(byId['meter:fake-wattmeter']?.energyJ).toBeGreaterThan(0);
      expect(byId['nvidia:0']?.series.length).toBeGreaterThan(0);
    }
    // The typical window is the median repetition by total energy.
    const doc = JSON.parse(await readFile(`${FIX}gpu-box.json`, 'utf8')) as { windows: Array<{ benchmark: string; threads: number; repetition: number; energyJ: number }> };
    const json1 = doc.windows.filter((w) => w.benchmark === 'json' && w.threads === 1).sort((a, b) => a.energyJ - b.energyJ);
    const typical = s?.configs.find((c) => c.benchmark === 'json' && c.threads === 1)?.typical;
    expect(typical?.repetition).toBe(json1[1]?.repetition);
    expect(typical?.rankValue).toBe(json1[1]?.energyJ);
  });

  it('reads a sidecar in the sidecar layout from the CSV rows: the windows not drawn are never parsed', async () => {
    const csv = join(dir, 'layout.csv');
    await copyFile(`${FIX}gpu-box.csv`, csv);
    const doc = JSON.parse(await readFile(`${FIX}gpu-box.json`, 'utf8')) as Record<string, unknown> & { windows: Array<Record<string, unknown>> };
    const { sidecarText } = await import('../../src/results/sidecar-text.js');
    const whole = (await loadResults([`${FIX}gpu-box.csv`])).files[0]?.sidecar;
    const drawn = new Set(whole?.configs.map((c) => `${c.benchmark}|${c.threads}|${c.typical?.repetition}`));
    const text = sidecarText(doc)
      .split('\n')
      .map((line) => {
        if (!line.startsWith('{"startedAt"')) return line;
        const w = JSON.parse(line.replace(/,$/, '')) as { benchmark: string; threads: number; repetition: number };
        // Break every window that is not drawn: parsing the text whole would now fail.
        return drawn.has(`${w.benchmark}|${w.threads}|${w.repetition}`) ? line : line.replace('"benchmark"', '"benchmark"]]');
      })
      .join('\n');
    await writeFile(join(dir, 'layout.json'), text);
    expect(() => JSON.parse(text)).toThrow();
    const loaded = await loadResults([csv]);
    expect(loaded.files[0]?.sidecarNote).toBeNull();
    expect({ ...loaded.files[0]?.sidecar, file: '' }).toEqual({ ...whole, file: '' });
  });

  it('notes a missing, unreadable or foreign sidecar, and still reads the CSV', async () => {
    const alone = join(dir, 'alone.csv');
    await copyFile(`${FIX}vm-b.csv`, alone);
    const broken = join(dir, 'broken.csv');
    await copyFile(`${FIX}vm-b.csv`, broken);
    await writeFile(sidecarPathOf(broken), '{"machine": "vm-b", "windows": [');
    const foreign = join(dir, 'foreign.csv');
    await copyFile(`${FIX}vm-b.csv`, foreign);
    await copyFile(`${FIX}vm-a.json`, sidecarPathOf(foreign));
    const loaded = await loadResults([alone, broken, foreign]);
    expect(loaded.files.map((f) => f.sidecar)).toEqual([null, null, null]);
    expect(loaded.files[0]?.sidecarNote).toMatch(/^no sidecar .*alone\.json$/);
    expect(loaded.files[1]?.sidecarNote).toMatch(/broken\.json is not readable JSON/);
    expect(loaded.files[2]?.sidecarNote).toMatch(/describes machine "vm-a", which .*foreign\.csv does not contain/);
    expect(loaded.files[0]?.summary.rows).toBe(12);
  });

  it('refuses a file given twice and an unreadable CSV with a one-line UsageError', async () => {
    await expect(loadResults([`${FIX}vm-a.csv`, `${FIX}../report/vm-a.csv`])).rejects.toThrow(/given twice/);
    const missing = loadResults([join(dir, 'nope.csv')]);
    await expect(missing).rejects.toBeInstanceOf(UsageError);
    await expect(loadResults([join(dir, 'nope.csv')])).rejects.toThrow(/nope\.csv: cannot read: no such file/);
    await expect(loadResults([])).rejects.toThrow(/at least one/);
  });
});

describe('sidecar summaries of hostile documents', () => {
  it('skip what has the wrong shape instead of throwing', () => {
    expect(summarizeSidecarText('x.json', 'not json').note).toMatch(/not readable JSON/);
    expect(summarizeSidecarDocument('x.json', [1, 2]).note).toMatch(/not a JSON object/);
    expect(summarizeSidecarDocument('x.json', { windows: [] }).note).toMatch(/no machine/);
    const r = summarizeSidecarDocument('x.json', {
      machine: 'm',
      fingerprint: 'nope',
      sources: [null, { id: 7 }, { id: 'ok', state: 'ok' }],
      windows: [
        null,
        'window',
        { valid: true, benchmark: 'k', repetition: 1, sources: 'x' },
        { valid: true, benchmark: 'k', repetition: 2, energyJ: 5, sources: [{ id: 'a', kind: 'gauge', energyJ: 'NaN', series: [[0, 1], ['t', 2], [1]] }, { id: 'b', kind: 'gauge', energyJ: 3, series: [[0, 4], [0.1, 5]] }] },
        { valid: false, benchmark: 'k', repetition: 3, sources: [{ id: 'b', kind: 'gauge', energyJ: 99 }] },
      ],
    });
    expect(r.sidecar?.fingerprint).toBeNull();
    expect(r.sidecar?.sources.map((s) => s.id)).toEqual(['ok']);
    const c = r.sidecar?.configs[0];
    expect(c?.valid).toBe(2);
    // Of two valid windows the lower is the median: repetition 1, whose sources are not a list, so it has none.
    expect(c?.typical).toEqual({ repetition: 1, rankValue: 0, sources: [] });
    const two = summarizeSidecarDocument('x.json', {
      machine: 'm',
      windows: [
        { valid: true, benchmark: 'k', repetition: 2, energyJ: 5, sources: [{ id: 'a', kind: 'gauge', energyJ: 'NaN', series: [[0, 1], ['t', 2], [1]] }, { id: 'b', kind: 'gauge', energyJ: 3, series: [[0, 4], [0.1, 5]] }, { id: 'c', kind: 'utilization', energyJ: 1 }] },
      ],
    });
    expect(two.sidecar?.configs[0]?.typical?.sources.map((s) => [s.id, s.energyJ, s.series])).toEqual([['a', null, [[0, 1]]], ['b', 3, [[0, 4], [0.1, 5]]]]);
  });
});

describe('thinSeries', () => {
  it('keeps short series and averages long ones into bounded buckets', () => {
    expect(thinSeries([[0, 1], [1, 2]])).toEqual([[0, 1], [1, 2]]);
    const long: Array<[number, number]> = Array.from({ length: 6000 }, (_, i) => [i * 0.1, i % 2 === 0 ? 10 : 20]);
    const thin = thinSeries(long);
    expect(thin.length).toBeLessThanOrEqual(MAX_TIMELINE_POINTS);
    expect(thin.length).toBeGreaterThan(MAX_TIMELINE_POINTS / 2);
    for (const [, w] of thin) expect(w).toBeCloseTo(15, 0);
    expect(thinSeries([[1, 3], [1, 5], [1, 7]], 2)).toEqual([[1, 5]]);
  });
});

describe('loadSidecar in a worker thread (the compiled build)', () => {
  it('gives the same summary as reading it in the main thread', async () => {
    const built = new URL('../../dist/src/report/load.js', import.meta.url);
    const { existsSync } = await import('node:fs');
    expect(existsSync(built), 'dist/ is missing: npm test builds it first (npm run build)').toBe(true);
    const { loadSidecar } = (await import(built.href)) as typeof import('../../src/report/load.js');
    const inWorker = await loadSidecar(`${FIX}gpu-box.csv`, { workerMinBytes: 0 });
    const inThread = summarizeSidecarText(`${FIX}gpu-box.json`, await readFile(`${FIX}gpu-box.json`, 'utf8'));
    expect(inWorker.note).toBeNull();
    expect(inWorker).toEqual(inThread);
    const bad = join(dir, 'bad.csv');
    await writeFile(sidecarPathOf(bad), '[');
    expect((await loadSidecar(bad, { workerMinBytes: 0 })).note).toMatch(/not readable JSON/);
  }, 30_000);
});
