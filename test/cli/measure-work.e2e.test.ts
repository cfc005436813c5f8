import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { procfs, sysfs } from '../helpers/fake-files.js';

/** The work file and `--skip` through the built CLI, in a real process: the variable reaches the command's environment. */

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wb-work-e2e-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const vm = ['--sysfs', sysfs('vm'), '--procfs', procfs('basic')];
const readRows = async (path: string): Promise<Array<Record<string, string>>> => parse(await readFile(path, 'utf8'), { columns: true });
const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

describe('$WATTBENCH_WORK_FILE and --skip (built CLI)', () => {
  it('gives each run a fresh empty file of its own in a private folder, reads its line as the work, and removes it', async () => {
    const out = join(dir, 'tokens.csv');
    // Each run prints the path it was given and its size and mode, then reports 4096 tokens.
    const script = `const fs = require('fs'); const f = process.env.WATTBENCH_WORK_FILE; const st = fs.statSync(f);
      console.log(JSON.stringify({ f, size: st.size, dirMode: fs.statSync(require('path').dirname(f)).mode & 0o777 }));
      fs.writeFileSync(f, '4096 tokens\\n');`;
    const r = await runCli(['measure', ...vm, '--debug-source', '20', '--repeat', '2', '--work-unit', 'tokens', '--out', out, '--', process.execPath, '-e', script]);
    expect(r.code, r.stderr).toBe(0);
    const given = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { f: string; size: number; dirMode: number });
    expect(given).toHaveLength(2);
    expect(given[0]!.f).not.toBe(given[1]!.f);
    for (const g of given) {
      expect(g.size).toBe(0);
      expect(g.dirMode).toBe(0o700);
      expect(await exists(g.f)).toBe(false);
      expect(await exists(dirname(g.f))).toBe(false);
    }
    const rows = await readRows(out);
    expect(rows.map((row) => [row.work, row.work_unit, row.valid])).toEqual([
      ['4096', 'tokens', 'true'],
      ['4096', 'tokens', 'true'],
    ]);
    expect(Number(rows[0]!.work_per_j)).toBeCloseTo(4096 / Number(rows[0]!.energy_j), 2);
  });

  it('makes a window with garbage in its work file invalid, the reason first in its warnings, and exits with the command\'s code', async () => {
    const out = join(dir, 'garbage.csv');
    const r = await runCli(['measure', ...vm, '--debug-source', '20', '--out', out, '--', process.execPath, '-e', `require('fs').writeFileSync(process.env.WATTBENCH_WORK_FILE, '-5 tokens')`]);
    expect(r.code, r.stderr).toBe(0);
    const [row] = await readRows(out);
    expect(row).toMatchObject({ valid: 'false', work: '1', work_unit: 'run' });
    expect(row!.warnings).toMatch(/^the work file: work must be positive, got "-5"; /);
  });

  it('--skip: the row is the measured part after the power step, at exactly the step\'s power', async () => {
    const out = join(dir, 'skip.csv');
    const r = await runCli(['measure', ...vm, '--debug-source', '10@0,30@0.5', '--skip', '1', '--work', '1000', '--work-unit', 'tokens', '--out', out, '--', process.execPath, '-e', 'setTimeout(() => {}, 1500)']);
    expect(r.code, r.stderr).toBe(0);
    const [row] = await readRows(out);
    expect(row!.valid).toBe('true');
    expect(Number(row!.power_w)).toBeCloseTo(30, 6);
    expect(Number(row!.energy_j) / Number(row!.duration_s)).toBeCloseTo(30, 5);
    expect(Number(row!.work)).toBeLessThan(1000);
    const sidecar = JSON.parse(await readFile(join(dir, 'skip.json'), 'utf8')) as { settings: { skipS: number }; windows: Array<{ skip: { runWork: number } }> };
    expect(sidecar.settings.skipS).toBe(1);
    expect(sidecar.windows[0]!.skip.runWork).toBe(1000);
  });
});
