import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kernels } from '../../benchmarks/index.js';
import { parseKernels, parseThreads } from '../../src/cli/run.js';
import { runCli } from '../helpers/cli.js';
import { procfs, sysfs } from '../helpers/fake-files.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wb-run-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('wattbench run (built CLI)', () => {
  it('runs two kernels and writes rows whose work per joule is throughput over the known 12 W', async () => {
    const out = join(dir, 'run.csv');
    const r = await runCli([
      'run', '--sysfs', sysfs('vm'), '--procfs', procfs('basic'), '--tdp', '100', '--kernels', 'sha256,json', '--threads', '1',
      '--repetitions', '2', '--duration', '1', '--warmup', '0.1', '--idle', '0.5', '--out', out, '--label', 'ci-vm',
    ]);
    expect(r.stderr).toMatch(/\[1\/2\] sha256 x1/);
    expect(r.code).toBe(0);
    const rows = parse(await readFile(out, 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((x) => `${x.benchmark}/${x.threads}/${x.repetition}`)).toEqual(['sha256/1/1', 'sha256/1/2', 'json/1/1', 'json/1/2']);
    for (const row of rows) {
      expect(row).toMatchObject({ kind: 'kernel', quality: 'estimated', valid: 'true', version: '1', machine: 'ci-vm' });
      expect(row.checksum).toBe(kernels.find((k) => k.id === row.benchmark)?.expectedChecksum);
      expect(Math.abs(Number(row.work_per_j) / (Number(row.throughput_per_s) / 12) - 1)).toBeLessThan(0.01);
      expect(Number(row.idle_power_w)).toBeCloseTo(12, 1);
      expect(Math.abs(Number(row.net_energy_j))).toBeLessThan(0.2);
    }
    const sidecar = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8'));
    expect(sidecar.settings).toMatchObject({ kernels: ['sha256', 'json'], threads: [1], repetitions: 2 });
    expect(sidecar.fingerprint.cpu.logicalCores).toBeGreaterThan(0);
  });

  it('lists the kernels as JSON', async () => {
    const r = await runCli(['list', '--json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as Array<Record<string, string>>;
    expect(list.length).toBeGreaterThanOrEqual(10);
    for (const k of list) expect(Object.keys(k)).toEqual(['id', 'version', 'unit', 'description', 'default']);
    expect(list.filter((k) => k.default).length).toBeGreaterThanOrEqual(10);
  });

  it('rejects an unknown kernel and bad thread counts with exit 2 and one line', async () => {
    for (const args of [['run', '--kernels', 'nope'], ['run', '--threads', '0'], ['run', '--threads', 'x']]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

describe('argument parsing', () => {
  it('expands all and drops duplicate thread counts', () => {
    expect(parseThreads('1,all,2', 2)).toEqual([1, 2]);
    expect(parseThreads('4', 2)).toEqual([4]);
    expect(() => parseThreads('1,-1')).toThrow(/positive whole numbers/);
  });
  it('keeps the order kernels were asked in, and defaults to all of them', () => {
    expect(parseKernels('json,sha256').map((k) => k.id)).toEqual(['json', 'sha256']);
    expect(parseKernels(undefined).map((k) => k.id)).not.toContain('pointer-chase');
    expect(parseKernels(undefined).length).toBeGreaterThanOrEqual(10);
    expect(parseKernels('all')).toHaveLength(kernels.length);
    expect(() => parseKernels('sha256,bogus')).toThrow(/unknown kernel "bogus"; known: /);
  });
});
