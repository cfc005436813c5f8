import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLUMNS } from '../../src/results/schema.js';
import { runMain } from '../helpers/cli.js';
import { procfs, sysfs } from '../helpers/fake-files.js';
import { fakeTools } from '../helpers/fake-tools.js';

/** `wattbench measure` and `sources` in this process, through `main(argv, io)`; the real-process cases are in measure.e2e.test.ts. */

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wb-measure-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const readRows = async (path: string): Promise<Array<Record<string, string>>> => parse(await readFile(path, 'utf8'), { columns: true });
const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

describe('wattbench measure', () => {
  it('gives a window the exact energy of the debug source at 20 W, with every source of a RAPL tree beside it', async () => {
    const powerW = 20;
    const out = join(dir, 'driven.csv');
    const result = await runMain(['measure', '--sysfs', sysfs('amd-zen'), '--procfs', procfs('basic'), '--debug-source', String(powerW), '--out', out, '--json', '--label', 'fake-zen', '--', 'true']);
    expect(result.code, result.stderr).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.machine).toBe('fake-zen');
    expect(doc.totalRule.ids).toEqual(['debug:wall']);
    const w = doc.windows[0];
    expect(w, JSON.stringify(w.warnings)).toMatchObject({ benchmark: 'true', repetition: 1, threads: null, quality: 'measured', source: 'debug:wall', valid: true });
    expect(w.durationS).toBeGreaterThan(0);
    expect(w.powerW).toBeCloseTo(powerW, 9);
    expect(w.energyJ).toBeCloseTo(powerW * w.durationS, 9);
    expect(w.warnings).toContain('energy is SCRIPTED by the debug source (debug:wall), not measured');
    expect(w.sources.map((s: { id: string }) => s.id)).toEqual(expect.arrayContaining(['debug:wall', 'rapl:package-0', 'rapl:package-0:core', 'procstat:cpu']));
    const core = w.sources.find((s: { id: string }) => s.id === 'rapl:package-0:core');
    expect(core.inTotal).toBe(false);
    expect(core.energyJ).toBe(0);

    const rows = await readRows(out);
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0]!)).toEqual([...COLUMNS]);
    expect(rows[0]).toMatchObject({ schema_version: '1', machine: 'fake-zen', kind: 'command', work: '1', work_unit: 'run', quality: 'measured', valid: 'true', source: 'debug:wall' });
    expect(Number(rows[0]!.energy_j)).toBeCloseTo(w.energyJ, 5);
    expect(Number(rows[0]!.work_per_j)).toBeCloseTo(1 / w.energyJ, 6);
    const sidecar = JSON.parse(await readFile(join(dir, 'driven.json'), 'utf8'));
    expect(sidecar).toMatchObject({ schemaVersion: 1, complete: true, harness: { name: 'wattbench' } });
    expect(sidecar.fingerprint.node).toBe(process.version);
    const long = await readRows(join(dir, 'driven.sources.csv'));
    expect(long.map((r) => r.source)).toEqual(expect.arrayContaining(['debug:wall', 'rapl:package-0']));
  });

  it('lists the debug source in `sources`, and keeps --debug-source out of --help', async () => {
    const r = await runMain(['sources', '--json', '--sysfs', sysfs('vm'), '--procfs', procfs('basic'), '--debug-source', '10@0,30@2']);
    expect(r.code, r.stderr).toBe(0);
    const debug = (JSON.parse(r.stdout) as Array<Record<string, unknown>>).find((s) => s.id === 'debug:wall');
    expect(debug).toMatchObject({ state: 'ok', kind: 'counter', scope: 'system-wall', description: 'DEBUG, not a measurement: power follows the script 10@0,30@2' });
    const help = await runMain(['measure', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--sysfs/);
    expect(help.stdout).not.toMatch(/debug/);
  });

  it('exits 2 with one line for a bad debug script', async () => {
    const r = await runMain(['measure', '--sysfs', sysfs('vm'), '--debug-source', '10@0,5', '--out', join(dir, 'bad-debug.csv'), '--', 'true']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('wattbench: debug power script: "5" needs a start in seconds >= 0 (W@S) when there are several steps\n');
  });

  it('falls back to a labelled estimate on a VM tree: 12 W idle at --tdp 100 on a still /proc/stat', async () => {
    const out = join(dir, 'vm.csv');
    const r = await runMain(['measure', '--sysfs', sysfs('vm'), '--procfs', procfs('basic'), '--tdp', '100', '--repeat', '2', '--out', out, '--', 'true']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/ESTIMATED/);
    const rows = await readRows(out);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.quality).toBe('estimated');
      expect(row.source).toBe('estimate:cpu');
      // The fixture /proc/stat never moves: 0% busy, where the Teads curve at 100 W TDP gives 12 W exactly.
      expect(Number(row.power_w)).toBeCloseTo(12, 6);
    }
    expect(rows.map((x) => x.repetition)).toEqual(['1', '2']);
    const sidecar = JSON.parse(await readFile(join(dir, 'vm.json'), 'utf8'));
    const est = sidecar.sources.find((s: { id: string }) => s.id === 'estimate:cpu');
    expect(est.model.params.tdp_w).toBe(100);
  });

  it('exits 2 with one line when the command cannot start', async () => {
    const r = await runMain(['measure', '--sysfs', sysfs('vm'), '--out', join(dir, 'nostart.csv'), '--', 'no-such-command-wattbench']);
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
      const r = await runMain(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(/^wattbench: /);
    }
  });

  it('refuses to overwrite an existing results file before measuring', async () => {
    const out = join(dir, 'taken.csv');
    const ran = join(dir, 'taken-ran');
    await writeFile(out, 'keep me\n');
    const r = await runMain(['measure', '--sysfs', sysfs('vm'), '--out', out, '--', 'node', '-e', `require('fs').writeFileSync(${JSON.stringify(ran)}, '')`]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/already exists; wattbench never overwrites/);
    expect(await readFile(out, 'utf8')).toBe('keep me\n');
    expect(await exists(ran)).toBe(false);
  });
});

describe('wattbench measure with GPUs and RAPL', () => {
  it('measures with a fake two-GPU nvidia-smi beside RAPL: per-source energies and their sum', async () => {
    const tools = await fakeTools(['nvidia-smi']);
    const out = join(dir, 'gpu.csv');
    let r;
    try {
      r = await runMain(['measure', '--sysfs', sysfs('xeon-2s'), '--procfs', procfs('basic'), '--out', out, '--json', '--', 'sleep', '0.3'], { env: tools.env });
    } finally {
      await tools.cleanup();
    }
    expect(r.code, r.stderr).toBe(0);
    const w = JSON.parse(r.stdout).windows[0];
    expect(w.sources.map((s: { id: string }) => s.id), r.stderr).toContain('nvidia:1');
    const by = new Map(w.sources.map((s: { id: string }) => [s.id, s]));
    const e = (id: string): number => (by.get(id) as { energyJ: number }).energyJ;
    // Fake GPUs draw 150 W and 50 W throughout; the fixture RAPL counters stand still (a moving counter in a total is
    // tested on the manual clock in test/sampler/sampler.test.ts).
    expect(e('nvidia:0') / w.durationS).toBeCloseTo(150, 6);
    expect(e('nvidia:1') / w.durationS).toBeCloseTo(50, 6);
    expect(e('rapl:package-0')).toBe(0);
    expect(e('rapl:package-1')).toBe(0);
    const inTotal = w.sources.filter((s: { inTotal: boolean }) => s.inTotal).map((s: { id: string }) => s.id).sort();
    expect(inTotal).toEqual(['nvidia:0', 'nvidia:1', 'rapl:package-0', 'rapl:package-0:dram', 'rapl:package-1', 'rapl:package-1:dram']);
    const sum = inTotal.reduce((a: number, id: string) => a + e(id), 0);
    expect(w.energyJ).toBeCloseTo(sum, 6);
    expect(w.energyJ).toBeCloseTo(200 * w.durationS, 6);
    expect(w.source).toBe('rapl:package-0+rapl:package-0:dram+rapl:package-1+rapl:package-1:dram+nvidia:0+nvidia:1');
    expect(w.quality).toBe('measured');
    expect((by.get('nvidia:0:util') as { value: number }).value).toBe(98);
    const long = parse(await readFile(join(dir, 'gpu.sources.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(long.find((x) => x.source === 'nvidia:1')).toMatchObject({ scope: 'gpu', in_total: 'true' });
  });
});

describe('choosing sources', () => {
  it('--source narrows the total and --no-source removes sources, falling back to the labelled estimate', async () => {
    const base = ['measure', '--sysfs', sysfs('intel-laptop'), '--procfs', procfs('basic'), '--json'];
    const only = await runMain([...base, '--out', join(dir, 'only.csv'), '--source', 'rapl:package-0', '--', 'true']);
    expect(only.code, only.stderr).toBe(0);
    expect(JSON.parse(only.stdout).totalRule.ids).toEqual(['rapl:package-0']);
    const none = await runMain([...base, '--out', join(dir, 'none.csv'), '--no-source', 'rapl,rapl-mmio', '--', 'true']);
    expect(none.code, none.stderr).toBe(0);
    expect(JSON.parse(none.stdout).windows[0]).toMatchObject({ source: 'estimate:cpu', quality: 'estimated' });
  });
});

describe('external meters', () => {
  it('--meter command= streams a wall meter that becomes the total, and a bad --meter is exit 2', async () => {
    const tools = await fakeTools(['fake-wattmeter'], { FAKE_WATTMETER_MODE: 'stream', FAKE_WATTMETER_WATTS: '80' });
    try {
      const r = await runMain(
        ['measure', '--sysfs', sysfs('amd-zen'), '--procfs', procfs('basic'), '--meter', 'command=fake-wattmeter', '--out', join(dir, 'meter.csv'), '--json', '--', 'sleep', '1'],
        { env: tools.env },
      );
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc.totalRule.ids).toEqual(['meter:fake-wattmeter']);
      const w = doc.windows[0];
      expect(w.quality).toBe('measured');
      // The fake streams 80, 81, … 89 W in turn: any average of its readings lies in that range, however many there were.
      expect(w.powerW).toBeGreaterThanOrEqual(80);
      expect(w.powerW).toBeLessThanOrEqual(89);
      expect(w.sources.find((s: { id: string }) => s.id === 'rapl:package-0').inTotal).toBe(false);
      const bad = await runMain(['measure', '--meter', 'nonsense', '--', 'true'], { env: tools.env });
      expect(bad.code).toBe(2);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      await tools.cleanup();
    }
  });
});

describe('failures keep what was measured', () => {
  it('a failing command is recorded and the other repetitions go on, unless --bail', async () => {
    const base = ['measure', '--sysfs', sysfs('vm'), '--procfs', procfs('basic'), '--repeat', '3'];
    const all = await runMain([...base, '--out', join(dir, 'fails.csv'), '--', 'false']);
    expect(all.code).toBe(1);
    expect(await readRows(join(dir, 'fails.csv'))).toHaveLength(3);
    const bail = await runMain([...base, '--bail', '--out', join(dir, 'bail.csv'), '--', 'false']);
    expect(bail.code).toBe(1);
    const rows = await readRows(join(dir, 'bail.csv'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ valid: 'false', exit_code: '1' });
  });

  it('an unwritable results folder is exit 2 with one error line, after the rows are printed so nothing is lost', async () => {
    const blocker = join(dir, 'a-file');
    await writeFile(blocker, 'not a folder\n');
    const r = await runMain(['measure', '--sysfs', sysfs('vm'), '--procfs', procfs('basic'), '--out', join(blocker, 'x.csv'), '--', 'node', '-e', '']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/could not write the results; the rows follow/);
    expect(r.stderr).toMatch(/^schema_version,run_id,started_at/m);
    expect(r.stderr).toMatch(/^1,\S+,\S+,\S+,node -e ,command,/m);
    const last = r.stderr.trim().split('\n').pop();
    expect(last).toMatch(/^wattbench: cannot (create folder|write) .*a-file/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('wattbench sources', () => {
  it('lists every source with its state as JSON on a VM tree', async () => {
    const r = await runMain(['sources', '--json', '--sysfs', sysfs('vm'), '--procfs', procfs('basic')]);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    for (const s of list) expect(Object.keys(s)).toEqual(expect.arrayContaining(['id', 'kind', 'scope', 'quality', 'state', 'reason', 'fix']));
    const byId = new Map(list.map((s) => [s.id, s]));
    expect(byId.get('rapl')).toMatchObject({ state: 'absent' });
    expect(byId.get('cpufreq')).toMatchObject({ state: 'absent' });
    expect(byId.get('estimate:cpu')).toMatchObject({ state: 'ok', quality: 'estimated' });
  });

  it('prints a table, the total rule and no fix lines when nothing needs fixing', async () => {
    const r = await runMain(['sources', '--sysfs', sysfs('intel-laptop'), '--procfs', procfs('basic')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/rapl-mmio:package-0\s+ok/);
    expect(r.stdout).toMatch(/total energy: rapl:psys/);
    expect(r.stdout).not.toMatch(/fix for/);
  });
});
