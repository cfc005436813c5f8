import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { procfs, sysfs } from '../helpers/fake-files.js';

/** Sensors that lie, through the built CLI: the amd-zen fixture's RAPL counters never move, like a VM's frozen zones. */

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wb-frozen-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('wattbench measure on a frozen RAPL counter (built CLI)', () => {
  it('gives an unknown energy with the reason and valid=false, never 0 J measured', async () => {
    const out = join(dir, 'frozen.csv');
    const r = await runCli(['measure', '--sysfs', sysfs('amd-zen'), '--procfs', procfs('basic'), '--out', out, '--', 'sleep', '1']);
    const rows = parse(await readFile(out, 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row, r.stderr).toMatchObject({ source: 'rapl:package-0', energy_j: '', power_w: '', quality: 'none', valid: 'false', exit_code: '0' });
    expect(row.warnings).toMatch(/rapl:package-0: counter did not move in \d+\.\d{3} s, longer than its update period 0\.001 s: frozen sensor, energy unknown/);
    expect(r.stderr).toMatch(/frozen sensor/);
    const long = parse(await readFile(join(dir, 'frozen.sources.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
    const pkg = long.find((x) => x.source === 'rapl:package-0');
    expect(pkg?.energy_j).toBe('');
  });
});
