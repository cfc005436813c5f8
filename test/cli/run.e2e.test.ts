import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kernels } from '../../benchmarks/index.js';
import { runCli } from '../helpers/cli.js';
import { procfs, sysfs } from '../helpers/fake-files.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wb-run-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('wattbench run (built CLI: the kernels run in compiled worker threads)', () => {
  it('runs two kernels and writes rows whose work per joule is throughput over the known 12 W', async () => {
    const out = join(dir, 'run.csv');
    const r = await runCli([
      'run', '--sysfs', sysfs('vm'), '--procfs', procfs('basic'), '--tdp', '100', '--kernels', 'sha256,json', '--threads', '1',
      '--repetitions', '2', '--duration', '0.5', '--warmup', '0.1', '--idle', '0.2', '--out', out, '--label', 'ci-vm',
    ]);
    expect(r.stderr).toMatch(/\[1\/2\] sha256 x1/);
    expect(r.code).toBe(0);
    const rows = parse(await readFile(out, 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((x) => `${x.benchmark}/${x.threads}/${x.repetition}`)).toEqual(['sha256/1/1', 'sha256/1/2', 'json/1/1', 'json/1/2']);
    for (const row of rows) {
      expect(row).toMatchObject({ kind: 'kernel', quality: 'estimated', valid: 'true', version: '1', machine: 'ci-vm' });
      expect(row.checksum).toBe(kernels.find((k) => k.id === row.benchmark)?.expectedChecksum);
      // The fixture /proc/stat never moves: the estimate is 12 W exactly, at work and at idle alike.
      expect(Number(row.power_w)).toBeCloseTo(12, 4);
      expect(Number(row.work_per_j) / (Number(row.throughput_per_s) / 12)).toBeCloseTo(1, 4);
      expect(Number(row.idle_power_w)).toBeCloseTo(12, 4);
      expect(Number(row.net_energy_j)).toBeCloseTo(0, 4);
    }
    const sidecar = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8'));
    expect(sidecar.settings).toMatchObject({ kernels: ['sha256', 'json'], threads: [1], repetitions: 2 });
    expect(sidecar.fingerprint.cpu.logicalCores).toBeGreaterThan(0);
  });
});
