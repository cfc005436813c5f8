import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toCsv } from '../../src/results/csv.js';
import { readResults } from '../../src/results/read.js';
import { COLUMNS, SOURCE_COLUMNS, type Row } from '../../src/results/schema.js';
import { runMain } from '../helpers/cli.js';
import { FIXTURES, procfs, sysfs } from '../helpers/fake-files.js';

/** Fidelity and coverage on every row, through `main(argv, io)`: measure, sources, the readers, compare and check. */

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wb-fidelity-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const readRows = async (path: string): Promise<Array<Record<string, string>>> => parse(await readFile(path, 'utf8'), { columns: true });

function row(over: Partial<Row>): Row {
  return {
    schema_version: 1, run_id: 'r1', started_at: '2026-11-29T10:00:00.000Z', machine: 'm1', benchmark: 'sha256', kind: 'kernel', threads: 1,
    repetition: 1, duration_s: 2, work: 200, work_unit: 'MB', throughput_per_s: 100, energy_j: 40, power_w: 20, idle_power_w: null,
    net_energy_j: null, work_per_j: 5, quality: 'measured', source: 'rapl:package-0', cpu_util_pct: 50, checksum: 'abc', valid: true,
    version: '1', steal_pct: 0, process_cpu_s: 2, freq_mhz: null, temp_c: null, exit_code: null, warnings: null, fidelity: 'counter', coverage_pct: 100, ...over,
  };
}

async function resultsFile(name: string, machine: string, fidelity: Row['fidelity']): Promise<string> {
  const rows = [1, 2, 3, 4, 5].map((repetition) => row({ machine, repetition, fidelity, throughput_per_s: 100 + repetition, work_per_j: 5 + repetition / 10 }));
  const path = join(dir, name);
  await writeFile(path, toCsv(COLUMNS, rows));
  return path;
}

describe('fidelity and coverage through the CLI', () => {
  it('measure writes fidelity and coverage_pct last on every row, per source in the long CSV and the JSON, and a column in the summary', async () => {
    const out = join(dir, 'measured.csv');
    const r = await runMain(['measure', '--sysfs', sysfs('amd-zen'), '--procfs', procfs('basic'), '--debug-source', '20', '--out', out, '--json', '--', 'true']);
    expect(r.code, r.stderr).toBe(0);
    const w = JSON.parse(r.stdout).windows[0];
    expect(w).toMatchObject({ source: 'debug:wall', fidelity: 'counter' });
    expect(w.coveragePct).toBeGreaterThan(0);
    expect(w.coveragePct).toBeLessThanOrEqual(100);
    expect(w.sources.find((s: { id: string }) => s.id === 'debug:wall')).toMatchObject({ fidelity: 'counter', coveragePct: w.coveragePct });
    expect(w.sources.find((s: { id: string }) => s.id === 'rapl:package-0')).toMatchObject({ fidelity: 'counter' });
    expect(w.sources.find((s: { id: string }) => s.id === 'procstat:cpu')).toMatchObject({ fidelity: null, updatePeriodS: null, coveragePct: null });

    expect(COLUMNS.slice(-2)).toEqual(['fidelity', 'coverage_pct']);
    const [csvRow] = await readRows(out);
    expect(Object.keys(csvRow!)).toEqual([...COLUMNS]);
    expect(csvRow!.fidelity).toBe('counter');
    expect(Number(csvRow!.coverage_pct)).toBeCloseTo(w.coveragePct, 6);
    const long = await readRows(join(dir, 'measured.sources.csv'));
    expect(Object.keys(long[0]!)).toEqual([...SOURCE_COLUMNS]);
    expect(SOURCE_COLUMNS.slice(-3)).toEqual(['fidelity', 'update_period_s', 'coverage_pct']);
    expect(long.find((s) => s.source === 'debug:wall')).toMatchObject({ fidelity: 'counter' });

    const text = await runMain(['measure', '--sysfs', sysfs('amd-zen'), '--procfs', procfs('basic'), '--debug-source', '20', '--out', join(dir, 'text.csv'), '--', 'true']);
    expect(text.code, text.stderr).toBe(0);
    const header = text.stderr.split('\n').find((l) => l.startsWith('rep '));
    expect(header ?? text.stdout.split('\n').find((l) => l.startsWith('rep '))).toMatch(/quality\s+fidelity\s+cover_%/);
  });

  it('sources shows each source fidelity: a fidelity column in the table, a field in --json', async () => {
    const json = await runMain(['sources', '--json', '--sysfs', sysfs('amd-zen'), '--procfs', procfs('basic'), '--debug-source', '10']);
    expect(json.code, json.stderr).toBe(0);
    const list = JSON.parse(json.stdout) as Array<{ id: string; fidelity: string | null }>;
    expect(list.find((s) => s.id === 'debug:wall')?.fidelity).toBe('counter');
    expect(list.find((s) => s.id === 'rapl:package-0')?.fidelity).toBe('counter');
    expect(list.find((s) => s.id === 'procstat:cpu')?.fidelity).toBeNull();
    const table = await runMain(['sources', '--sysfs', sysfs('amd-zen'), '--procfs', procfs('basic')]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^id\s+state\s+kind\s+scope\s+quality\s+fidelity\s+reason/m);
    expect(table.stdout).toMatch(/^rapl:package-0\s+ok\s+counter\s+cpu-package\s+measured\s+counter/m);
  });

  it('reads files older than the columns as unknown fidelity and coverage, and rejects a fidelity it does not know', async () => {
    const old = join(FIXTURES, 'results', 'm1.csv');
    const set = await readResults([old]);
    for (const g of set.groups.values()) expect(g.fidelities).toEqual({});
    const fresh = await readResults([await resultsFile('fresh.csv', 'm1', 'averaged')]);
    expect([...fresh.groups.values()][0]!.fidelities).toEqual({ averaged: { file: join(dir, 'fresh.csv'), line: 2 } });
    const bad = join(dir, 'bad-fidelity.csv');
    await writeFile(bad, toCsv(COLUMNS, [row({ fidelity: 'exact' })]));
    await expect(readResults([bad])).rejects.toThrow(/bad-fidelity\.csv:2: fidelity must be one of estimated, averaged, instant, counter, got "exact"/);
  });

  it('check and compare note two sides of different fidelity, and say nothing when they agree or one is unknown', async () => {
    const counter = await resultsFile('counter.csv', 'm1', 'counter');
    const averaged = await resultsFile('averaged.csv', 'm2', 'averaged');
    const unknown = await resultsFile('unknown.csv', 'm2', null);
    const differ = await runMain(['check', '--baseline', counter, '--current', averaged]);
    expect(differ.code, differ.stderr).toBe(0);
    expect(differ.stdout).toMatch(/note: sha256 x1: energy fidelity differs: baseline counter, current averaged/);
    const same = await runMain(['check', '--baseline', counter, '--current', counter]);
    expect(same.stdout).not.toMatch(/fidelity differs/);
    const old = await runMain(['check', '--baseline', counter, '--current', unknown]);
    expect(old.stdout).not.toMatch(/fidelity differs/);

    const compared = await runMain(['compare', counter, averaged, '--json']);
    expect(compared.code, compared.stderr).toBe(0);
    expect(compared.stderr).toMatch(/energy fidelity differs between machines \(weakest per machine: m1 counter, m2 averaged/);
    expect(JSON.parse(compared.stdout).notes).toEqual([expect.stringMatching(/^energy fidelity differs between machines/)]);
    const agreeing = await runMain(['compare', counter, unknown]);
    expect(agreeing.code, agreeing.stderr).toBe(0);
    expect(agreeing.stderr).not.toMatch(/fidelity/);
  });
});
