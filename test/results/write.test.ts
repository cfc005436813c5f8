import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeNewFileAtomic } from '../../src/results/atomic.js';
import { escapeFormula, toCsv } from '../../src/results/csv.js';
import { runPaths } from '../../src/results/paths.js';
import { COLUMNS, windowToRow } from '../../src/results/schema.js';
import type { CommandWindow } from '../../src/runner/types.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wb-results-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const window = (over: Partial<CommandWindow> = {}): CommandWindow => ({
  startedAt: '2026-11-29T10:00:00.000Z',
  durationS: 2,
  energyJ: 10,
  powerW: 5,
  quality: 'measured',
  source: 'rapl:package-0',
  cpuUtilPct: 50,
  stealPct: 0,
  processCpuS: 1,
  freqMhz: null,
  tempC: null,
  sources: [],
  warnings: [],
  benchmark: 'sleep 2',
  kind: 'command',
  repetition: 1,
  work: 1,
  workUnit: 'run',
  exitCode: 0,
  signal: null,
  valid: true,
  ...over,
});

describe('rows', () => {
  it('derives throughput and work per joule, and leaves unknowns empty rather than 0', () => {
    const row = windowToRow({ runId: 'r', machine: 'm' }, window());
    expect(row).toMatchObject({ throughput_per_s: 0.5, work_per_j: 0.1, idle_power_w: null, net_energy_j: null, threads: null });
    const none = windowToRow({ runId: 'r', machine: 'm' }, window({ energyJ: null, powerW: null, quality: 'none' }));
    expect(none).toMatchObject({ energy_j: null, work_per_j: null, quality: 'none' });
    const csv = toCsv(COLUMNS, [none]);
    const [parsed] = parse(csv, { columns: true }) as Array<Record<string, string>>;
    expect(parsed?.energy_j).toBe('');
    expect(parsed?.work_per_j).toBe('');
  });

  it('neutralises spreadsheet formulas in text cells but keeps negative numbers numeric', () => {
    expect(escapeFormula('=HYPERLINK("x")')).toBe('\'=HYPERLINK("x")');
    expect(escapeFormula('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(escapeFormula('sleep 1')).toBe('sleep 1');
    const csv = toCsv(['a', 'b'] as const, [{ a: '=1+2', b: -3.5 }]);
    expect(csv).toBe("a,b\n'=1+2,-3.5\n");
  });

  it('quotes commas, quotes and newlines so Python and spreadsheets read the cell back', () => {
    const csv = toCsv(['a'] as const, [{ a: 'x, "y"\nz' }]);
    expect(parse(csv, { columns: true })).toEqual([{ a: 'x, "y"\nz' }]);
  });
});

describe('files', () => {
  it('writes atomically and leaves no temporary file behind', async () => {
    const path = join(dir, 'sub', 'a.csv');
    await writeNewFileAtomic(path, 'x\n');
    expect(await readFile(path, 'utf8')).toBe('x\n');
    expect(await readdir(join(dir, 'sub'))).toEqual(['a.csv']);
  });

  it('never overwrites an existing file', async () => {
    const path = join(dir, 'b.csv');
    await writeFile(path, 'old\n');
    await expect(writeNewFileAtomic(path, 'new\n')).rejects.toThrow(/already exists/);
    expect(await readFile(path, 'utf8')).toBe('old\n');
    expect(await readdir(dir)).toEqual(['b.csv']);
  });

  it('derives sidecar paths from --out and refuses a non-CSV name', () => {
    expect(runPaths('id', 'out/x.csv')).toEqual({ csv: 'out/x.csv', sources: 'out/x.sources.csv', json: 'out/x.json' });
    expect(runPaths('id')).toEqual({ csv: 'results/id.csv', sources: 'results/id.sources.csv', json: 'results/id.json' });
    expect(() => runPaths('id', 'x.txt')).toThrow(/--out must name a \.csv file/);
  });
});
