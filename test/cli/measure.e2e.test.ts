import { cp, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLUMNS } from '../../src/results/schema.js';
import { runCli } from '../helpers/cli.js';
import { procfs, sysfs } from '../helpers/fake-files.js';
import { fakeTools } from '../helpers/fake-tools.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wb-e2e-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Rewrites a fake energy_uj every 5 ms at offset 0 without truncating (same digit count), so no read sees it empty. */
async function driveCounter(path: string, valueUj: () => number): Promise<{ stop: () => Promise<void> }> {
  const handle = await open(path, 'r+');
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void handle.write(`${valueUj()}\n`, 0).finally(() => (busy = false));
  }, 5);
  return {
    stop: async () => {
      clearInterval(timer);
      await handle.close();
    },
  };
}

const readRows = async (path: string): Promise<Array<Record<string, string>>> => parse(await readFile(path, 'utf8'), { columns: true });

describe('wattbench measure (built CLI)', () => {
  it('measures a real sleep on a fake RAPL tree whose counter a driver advances at 20 W', async () => {
    const tree = join(dir, 'sys-driven');
    await cp(sysfs('amd-zen'), tree, { recursive: true });
    const energyFile = join(tree, 'class/powercap/intel-rapl:0/energy_uj');
    const powerW = 20;
    const start = performance.now();
    const base = 5_555_555_555;
    // The driver rewrites the counter in place every 5 ms, as the hardware updates it (wattbench keeps the file open).
    const driver = await driveCounter(energyFile, () => base + Math.floor(powerW * (performance.now() - start) * 1e3));
    const out = join(dir, 'driven.csv');
    let result;
    try {
      result = await runCli(['measure', '--sysfs', tree, '--procfs', procfs('basic'), '--out', out, '--json', '--label', 'fake-zen', '--', 'sleep', '1']);
    } finally {
      await driver.stop();
    }
    expect(result.code, result.stderr).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.machine).toBe('fake-zen');
    const w = doc.windows[0];
    expect(w, JSON.stringify(w.warnings)).toMatchObject({ benchmark: 'sleep 1', repetition: 1, threads: null, quality: 'measured', source: 'rapl:package-0', valid: true });
    expect(w.durationS).toBeGreaterThan(0.99);
    expect(Math.abs(w.energyJ - powerW * w.durationS) / (powerW * w.durationS)).toBeLessThan(0.03);
    expect(w.sources.map((s: { id: string }) => s.id)).toEqual(expect.arrayContaining(['rapl:package-0', 'rapl:package-0:core', 'procstat:cpu']));
    const core = w.sources.find((s: { id: string }) => s.id === 'rapl:package-0:core');
    expect(core.inTotal).toBe(false);
    expect(core.energyJ).toBe(0);

    const rows = await readRows(out);
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0]!)).toEqual([...COLUMNS]);
    expect(rows[0]).toMatchObject({ schema_version: '1', machine: 'fake-zen', kind: 'command', work: '1', work_unit: 'run', quality: 'measured', valid: 'true' });
    expect(Number(rows[0]!.energy_j)).toBeCloseTo(w.energyJ, 5);
    expect(Number(rows[0]!.work_per_j)).toBeCloseTo(1 / w.energyJ, 6);
    const sidecar = JSON.parse(await readFile(join(dir, 'driven.json'), 'utf8'));
    expect(sidecar).toMatchObject({ schemaVersion: 1, complete: true, harness: { name: 'wattbench' } });
    expect(sidecar.fingerprint.node).toBe(process.version);
    const long = await readRows(join(dir, 'driven.sources.csv'));
    expect(long.map((r) => r.source)).toContain('rapl:package-0');
  });

  it('falls back to a labelled estimate on a VM tree: 12 W idle at --tdp 100 on a still /proc/stat', async () => {
    const out = join(dir, 'vm.csv');
    const r = await runCli(['measure', '--sysfs', sysfs('vm'), '--procfs', procfs('basic'), '--tdp', '100', '--repeat', '2', '--out', out, '--', 'sleep', '0.5']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/ESTIMATED/);
    const rows = await readRows(out);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.quality).toBe('estimated');
      expect(row.source).toBe('estimate:cpu');
      expect(Number(row.power_w)).toBeGreaterThan(11.8);
      expect(Number(row.power_w)).toBeLessThan(12.2);
    }
    expect(rows.map((x) => x.repetition)).toEqual(['1', '2']);
    const sidecar = JSON.parse(await readFile(join(dir, 'vm.json'), 'utf8'));
    const est = sidecar.sources.find((s: { id: string }) => s.id === 'estimate:cpu');
    expect(est.model.params.tdp_w).toBe(100);
  });

  it('passes the command output through and returns its exit code, marking the row invalid', async () => {
    const out = join(dir, 'fail.csv');
    const r = await runCli(['measure', '--sysfs', sysfs('vm'), '--procfs', procfs('basic'), '--out', out, '--', 'node', '-e', 'console.log("hello from child"); process.exit(3)']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('hello from child\n');
    const rows = await readRows(out);
    expect(rows[0]).toMatchObject({ valid: 'false', exit_code: '3' });
    expect(rows[0]!.warnings).toMatch(/exited with code 3/);
  });

  it('exits 2 with one line when the command cannot start', async () => {
    const r = await runCli(['measure', '--sysfs', sysfs('vm'), '--out', join(dir, 'nostart.csv'), '--', 'no-such-command-wattbench']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n').pop()).toBe('wattbench: cannot start "no-such-command-wattbench": not found on PATH');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 with one line on bad arguments', async () => {
    for (const args of [
      ['measure', '--repeat', '0', '--', 'true'],
      ['measure', '--interval', 'abc', '--', 'true'],
      ['measure', '--idle-watts', '5', '--', 'true'],
      ['measure'],
      ['nonsense'],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(/^wattbench: /);
    }
  });

  it('refuses to overwrite an existing results file before measuring', async () => {
    const out = join(dir, 'taken.csv');
    await writeFile(out, 'keep me\n');
    const r = await runCli(['measure', '--sysfs', sysfs('vm'), '--out', out, '--', 'node', '-e', 'console.log("ran")']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/already exists; wattbench never overwrites/);
    expect(await readFile(out, 'utf8')).toBe('keep me\n');
  });
});

describe('wattbench measure with GPUs and RAPL (built CLI)', () => {
  it('measures sleep 1 with a fake two-GPU nvidia-smi and a driven RAPL counter: per-source energies and their sum', async () => {
    const tree = join(dir, 'sys-gpu');
    await cp(sysfs('xeon-2s'), tree, { recursive: true });
    const energyFile = join(tree, 'class/powercap/intel-rapl:0/energy_uj');
    const start = performance.now();
    const driver = await driveCounter(energyFile, () => 9_876_543_210 + Math.floor(40 * (performance.now() - start) * 1e3));
    const tools = await fakeTools(['nvidia-smi']);
    const out = join(dir, 'gpu.csv');
    let r;
    try {
      r = await runCli(['measure', '--sysfs', tree, '--procfs', procfs('basic'), '--out', out, '--json', '--', 'sleep', '1'], { env: tools.env });
    } finally {
      await driver.stop();
      await tools.cleanup();
    }
    expect(r.code, r.stderr).toBe(0);
    const w = JSON.parse(r.stdout).windows[0];
    expect(w.sources.map((s: { id: string }) => s.id), r.stderr).toContain('nvidia:1');
    const by = new Map(w.sources.map((s: { id: string }) => [s.id, s]));
    const e = (id: string): number => (by.get(id) as { energyJ: number }).energyJ;
    // Fake GPUs draw 150 W and 50 W; package-0 is driven at 40 W; the other package and both DRAM zones stand still.
    expect(e('nvidia:0') / w.durationS).toBeCloseTo(150, 0);
    expect(e('nvidia:1') / w.durationS).toBeCloseTo(50, 0);
    expect(Math.abs(e('rapl:package-0') / w.durationS - 40)).toBeLessThan(1.5);
    expect(e('rapl:package-1')).toBe(0);
    const inTotal = w.sources.filter((s: { inTotal: boolean }) => s.inTotal).map((s: { id: string }) => s.id).sort();
    expect(inTotal).toEqual(['nvidia:0', 'nvidia:1', 'rapl:package-0', 'rapl:package-0:dram', 'rapl:package-1', 'rapl:package-1:dram']);
    const sum = inTotal.reduce((a: number, id: string) => a + e(id), 0);
    expect(w.energyJ).toBeCloseTo(sum, 6);
    expect(w.source).toBe('rapl:package-0+rapl:package-0:dram+rapl:package-1+rapl:package-1:dram+nvidia:0+nvidia:1');
    expect(w.quality).toBe('measured');
    expect((by.get('nvidia:0:util') as { value: number }).value).toBe(98);
    const long = parse(await readFile(join(dir, 'gpu.sources.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(long.find((x) => x.source === 'nvidia:1')).toMatchObject({ scope: 'gpu', in_total: 'true' });
  });
});

describe('choosing sources (built CLI)', () => {
  it('--source narrows the total and --no-source removes sources, falling back to the labelled estimate', async () => {
    const base = ['measure', '--sysfs', sysfs('intel-laptop'), '--procfs', procfs('basic'), '--json'];
    const only = await runCli([...base, '--out', join(dir, 'only.csv'), '--source', 'rapl:package-0', '--', 'sleep', '0.2']);
    expect(only.code, only.stderr).toBe(0);
    expect(JSON.parse(only.stdout).totalRule.ids).toEqual(['rapl:package-0']);
    const none = await runCli([...base, '--out', join(dir, 'none.csv'), '--no-source', 'rapl,rapl-mmio', '--', 'sleep', '0.2']);
    expect(none.code, none.stderr).toBe(0);
    expect(JSON.parse(none.stdout).windows[0]).toMatchObject({ source: 'estimate:cpu', quality: 'estimated' });
  });
});

describe('external meters (built CLI)', () => {
  it('--meter command= streams a wall meter that becomes the total, and a bad --meter is exit 2', async () => {
    const tools = await fakeTools(['fake-wattmeter'], { FAKE_WATTMETER_MODE: 'stream', FAKE_WATTMETER_WATTS: '80' });
    try {
      const r = await runCli(
        ['measure', '--sysfs', sysfs('amd-zen'), '--procfs', procfs('basic'), '--meter', 'command=fake-wattmeter', '--out', join(dir, 'meter.csv'), '--json', '--', 'sleep', '1'],
        { env: tools.env },
      );
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc.totalRule.ids).toEqual(['meter:fake-wattmeter']);
      const w = doc.windows[0];
      expect(w.quality).toBe('measured');
      // The fake streams 80, 81, … 89 W in turn.
      expect(w.powerW).toBeGreaterThan(80);
      expect(w.powerW).toBeLessThan(89);
      expect(w.sources.find((s: { id: string }) => s.id === 'rapl:package-0').inTotal).toBe(false);
      const bad = await runCli(['measure', '--meter', 'nonsense', '--', 'true'], { env: tools.env });
      expect(bad.code).toBe(2);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      await tools.cleanup();
    }
  });
});

describe('failures keep what was measured (built CLI)', () => {
  it('a failing command is recorded and the other repetitions go on, unless --bail', async () => {
    const base = ['measure', '--sysfs', sysfs('vm'), '--procfs', procfs('basic'), '--repeat', '3'];
    const all = await runCli([...base, '--out', join(dir, 'fails.csv'), '--', 'false']);
    expect(all.code).toBe(1);
    expect(await readRows(join(dir, 'fails.csv'))).toHaveLength(3);
    const bail = await runCli([...base, '--bail', '--out', join(dir, 'bail.csv'), '--', 'false']);
    expect(bail.code).toBe(1);
    const rows = await readRows(join(dir, 'bail.csv'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ valid: 'false', exit_code: '1' });
  });

  it('an unwritable results folder is exit 2 with one error line, after the rows are printed so nothing is lost', async () => {
    const blocker = join(dir, 'a-file');
    await writeFile(blocker, 'not a folder\n');
    const r = await runCli(['measure', '--sysfs', sysfs('vm'), '--procfs', procfs('basic'), '--out', join(blocker, 'x.csv'), '--', 'node', '-e', '']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/could not write the results; the rows follow/);
    expect(r.stderr).toMatch(/^schema_version,run_id,started_at/m);
    expect(r.stderr).toMatch(/^1,\S+,\S+,\S+,node -e ,command,/m);
    const last = r.stderr.trim().split('\n').pop();
    expect(last).toMatch(/^wattbench: cannot (create folder|write) .*a-file/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('wattbench sources (built CLI)', () => {
  it('lists every source with its state as JSON on a VM tree', async () => {
    const r = await runCli(['sources', '--json', '--sysfs', sysfs('vm'), '--procfs', procfs('basic')]);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    for (const s of list) expect(Object.keys(s)).toEqual(expect.arrayContaining(['id', 'kind', 'scope', 'quality', 'state', 'reason', 'fix']));
    const byId = new Map(list.map((s) => [s.id, s]));
    expect(byId.get('rapl')).toMatchObject({ state: 'absent' });
    expect(byId.get('cpufreq')).toMatchObject({ state: 'absent' });
    expect(byId.get('estimate:cpu')).toMatchObject({ state: 'ok', quality: 'estimated' });
  });

  it('prints a table, the total rule and no fix lines when nothing needs fixing', async () => {
    const r = await runCli(['sources', '--sysfs', sysfs('intel-laptop'), '--procfs', procfs('basic')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/rapl-mmio:package-0\s+ok/);
    expect(r.stdout).toMatch(/total energy: rapl:psys/);
    expect(r.stdout).not.toMatch(/fix for/);
  });
});
