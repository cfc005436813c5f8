import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMain } from '../helpers/cli.js';
import { procfs, sysfs } from '../helpers/fake-files.js';
import { sandboxEnv } from '../helpers/sandbox-path.js';

/** `measure --work`, `$WATTBENCH_WORK_FILE` and `--skip` through `main(argv, io)`, and tokens through compare, check and ab. */

const vm = ['--sysfs', sysfs('vm'), '--procfs', procfs('basic')];
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wb-measure-work-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const cli = (args: string[]): ReturnType<typeof runMain> => runMain(args, { env: sandboxEnv([], { GITHUB_STEP_SUMMARY: '' }) });
const readRows = async (path: string): Promise<Array<Record<string, string>>> => parse(await readFile(path, 'utf8'), { columns: true });
/** A node one-liner that writes `content` to the work file (a JS expression). */
const writes = (content: string): string[] => [process.execPath, '-e', `require('fs').writeFileSync(process.env.WATTBENCH_WORK_FILE, ${content})`];

interface JsonWindow {
  work: number;
  workUnit: string;
  valid: boolean;
  energyJ: number;
  durationS: number;
  powerW: number;
  warnings: string[];
  skip?: { skipS: number; runDurationS: number; runWork: number };
}

async function measure(name: string, args: string[], command: string[]): Promise<{ code: number; windows: JsonWindow[]; rows: Array<Record<string, string>>; sidecar: { settings: Record<string, unknown> }; stderr: string }> {
  const out = join(dir, `${name}.csv`);
  const r = await cli(['measure', ...vm, '--debug-source', '20', '--json', '--out', out, ...args, '--', ...command]);
  expect(r.code, r.stderr).toBe(0);
  const doc = JSON.parse(r.stdout) as { windows: JsonWindow[] };
  return { code: r.code, windows: doc.windows, rows: await readRows(out), sidecar: JSON.parse(await readFile(join(dir, `${name}.json`), 'utf8')), stderr: r.stderr };
}

function expectOneLine(r: { code: number; stderr: string }, expected: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(expected);
}

describe('measure --work N --work-unit UNIT', () => {
  it('counts N units per window: work, throughput and work per joule are tokens, tokens/s and tokens/J', async () => {
    const { rows, windows, sidecar } = await measure('tokens', ['--work', '4096', '--work-unit', 'tokens', '--repeat', '2'], ['true']);
    expect(rows).toHaveLength(2);
    for (const [i, row] of rows.entries()) {
      expect(row).toMatchObject({ work: '4096', work_unit: 'tokens', valid: 'true' });
      const w = windows[i]!;
      expect(Number(row.work_per_j)).toBeCloseTo(4096 / w.energyJ, 3);
      expect(Number(row.throughput_per_s) / (4096 / w.durationS)).toBeCloseTo(1, 6);
    }
    expect(sidecar.settings).toMatchObject({ work: 4096, workUnit: 'tokens', skipS: 0 });
  });

  it.each([
    [['--work', '0', '--work-unit', 'tokens'], /--work: work must be positive, got "0"/],
    [['--work', '-4', '--work-unit', 'tokens'], /--work: work must be positive/],
    [['--work', 'NaN', '--work-unit', 'tokens'], /--work: work must be a positive decimal number, got "NaN"/],
    [['--work', 'Infinity', '--work-unit', 'tokens'], /--work: work must be a positive decimal number/],
    [['--work', '1e400', '--work-unit', 'tokens'], /too big/],
    [['--work', '4096'], /--work N needs --work-unit UNIT/],
    [['--work', '1', '--work-unit', ''], /--work-unit: a unit of work must not be empty/],
    [['--work', '1', '--work-unit', 'tok ens'], /--work-unit: a unit of work is a plain word/],
    [['--work', '1', '--work-unit', 'x'.repeat(33)], /at most 32 characters/],
    [['--skip', '-1'], /expected a number >= 0/],
  ])('refuses %j with one line and exit 2, before measuring', async (args, expected) => {
    expectOneLine(await cli(['measure', ...vm, '--debug-source', '20', '--out', join(dir, 'refused.csv'), ...args, '--', 'true']), expected);
  });
});

describe('$WATTBENCH_WORK_FILE', () => {
  it('a good line becomes the window\'s work, in its unit', async () => {
    const { windows, rows } = await measure('reported', ['--repeat', '2'], writes(`'2048 tokens\\n'`));
    expect(windows.map((w) => [w.work, w.workUnit, w.valid])).toEqual([
      [2048, 'tokens', true],
      [2048, 'tokens', true],
    ]);
    expect(Number(rows[0]!.work_per_j)).toBeCloseTo(2048 / windows[0]!.energyJ, 3);
  });

  it('overrides --work in the same unit; a missing or empty file keeps --work (or 1 run), no error', async () => {
    expect((await measure('override', ['--work', '4096', '--work-unit', 'tokens'], writes(`'100 tokens'`))).windows[0]).toMatchObject({ work: 100, workUnit: 'tokens', valid: true });
    const removed = [process.execPath, '-e', `require('fs').rmSync(process.env.WATTBENCH_WORK_FILE)`];
    expect((await measure('missing', ['--work', '4096', '--work-unit', 'tokens'], removed)).windows[0]).toMatchObject({ work: 4096, workUnit: 'tokens', valid: true });
    const plain = (await measure('empty', [], ['true'])).windows[0]!;
    expect(plain).toMatchObject({ work: 1, workUnit: 'run', valid: true });
    expect(plain.warnings.some((w) => /work/.test(w))).toBe(false);
  });

  it.each([
    ['garbage', `'lots of tokens'`, 'the work file must hold "<number> <unit>" (e.g. "4096 tokens"), got "lots of tokens"'],
    ['negative', `'-5 tokens'`, 'the work file: work must be positive, got "-5"'],
    ['NaN', `'NaN tokens'`, 'the work file: work must be a positive decimal number, got "NaN"'],
    ['huge', `'4096 tokens\\n' + 'x'.repeat(1 << 24)`, 'the work file is longer than 1024 bytes: write one line "<number> <unit>"'],
    ['several lines', `'1 tokens\\n2 tokens\\n'`, 'the work file has several lines: write one line "<number> <unit>"'],
    ['another unit', `'5 images'`, 'the work file says "images", not --work-unit tokens'],
  ])('bad content (%s) makes that window invalid with the reason first, never a crash', async (name, content, reason) => {
    const { windows, rows, code } = await measure(`bad-${name.replace(/ /g, '-')}`, ['--work', '4096', '--work-unit', 'tokens'], writes(content));
    expect(code).toBe(0);
    expect(windows[0]).toMatchObject({ valid: false, work: 4096, workUnit: 'tokens' });
    expect(windows[0]!.warnings[0]).toBe(reason);
    expect(rows[0]).toMatchObject({ valid: 'false' });
    expect(rows[0]!.warnings.startsWith(reason)).toBe(true);
  });

  it('with --work-unit alone, a run that reports nothing is invalid', async () => {
    const { windows } = await measure('unit-only', ['--work-unit', 'tokens'], ['true']);
    expect(windows[0]).toMatchObject({ valid: false, workUnit: 'tokens' });
    expect(windows[0]!.warnings[0]).toMatch(/reported no work in \$WATTBENCH_WORK_FILE/);
  });
});

describe('measure --skip S', () => {
  it('leaves the first S seconds out: on a 10 W → 30 W step at 0.5 s, a 1.5 s run skipped by 1 s is 30 W exactly', async () => {
    const out = join(dir, 'skip.csv');
    const sleeper = [process.execPath, '-e', `setTimeout(() => require('fs').writeFileSync(process.env.WATTBENCH_WORK_FILE, '3000 tokens'), 1500)`];
    const r = await cli(['measure', ...vm, '--debug-source', '10@0,30@0.5', '--skip', '1', '--json', '--out', out, '--', ...sleeper]);
    expect(r.code, r.stderr).toBe(0);
    const w = (JSON.parse(r.stdout) as { windows: JsonWindow[] }).windows[0]!;
    expect(w.valid).toBe(true);
    expect(r.stderr).toMatch(/x1; each window starts 1 s into its run \(--skip\); energy: /);
    // The measured part starts after the step: its energy is exactly the integral of 30 W over it.
    expect(w.powerW).toBeCloseTo(30, 9);
    expect(w.energyJ).toBeCloseTo(30 * w.durationS, 9);
    expect(w.skip).toMatchObject({ skipS: 1, runWork: 3000 });
    expect(w.skip!.runDurationS).toBeGreaterThan(w.durationS + 0.99);
    // The work of the measured part is the run's work times the share measured.
    expect(w.work).toBeCloseTo((3000 * w.durationS) / w.skip!.runDurationS, 6);
    const sidecar = JSON.parse(await readFile(join(dir, 'skip.json'), 'utf8')) as { settings: { skipS: number }; windows: JsonWindow[] };
    expect(sidecar.settings.skipS).toBe(1);
    expect(sidecar.windows[0]!.skip).toEqual(w.skip);
  });

  it('makes a command shorter than S an invalid window with the reason', async () => {
    const r = await cli(['measure', ...vm, '--debug-source', '20', '--skip', '30', '--json', '--out', join(dir, 'short.csv'), '--', 'true']);
    expect(r.code, r.stderr).toBe(0);
    const w = (JSON.parse(r.stdout) as { windows: JsonWindow[] }).windows[0]!;
    expect(w.valid).toBe(false);
    expect(w.warnings[0]).toMatch(/^the command ran \d+\.\d{3} s, not longer than --skip 30 s: nothing was left to measure$/);
  });
});

describe('work in tokens through compare, check and ab', () => {
  it('compare and check show tokens/s and tokens/J for rows written by measure --work; other units are other benchmarks', async () => {
    const files: string[] = [];
    for (const [label, unit] of [['m1', 'tokens'], ['m2', 'tokens'], ['m3', 'images']] as const) {
      const out = join(dir, `units-${label}.csv`);
      const r = await cli(['measure', ...vm, '--debug-source', '20', '--repeat', '3', '--label', label, '--work', '4096', '--work-unit', unit, '--out', out, '--', 'true']);
      expect(r.code, r.stderr).toBe(0);
      files.push(out);
    }
    const [m1, m2, m3] = files as [string, string, string];
    const table = await cli(['compare', m1, m2]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/tokens\/s/);
    expect(table.stdout).toMatch(/tokens\/J/);
    const json = JSON.parse((await cli(['compare', m1, m2, '--format', 'json'])).stdout) as { benchmarks: Array<{ workUnit: string; machines: unknown[] }> };
    expect(json.benchmarks).toHaveLength(1);
    expect(json.benchmarks[0]).toMatchObject({ workUnit: 'tokens' });
    expect(json.benchmarks[0]!.machines).toHaveLength(2);

    const check = await cli(['check', '--baseline', m1, '--current', m2, '--metric', 'time,energy,work_per_j']);
    expect(check.stderr).not.toMatch(/\n\s+at /);
    expect(check.stdout).toMatch(/throughput tokens\/s/);
    expect(check.stdout).toMatch(/energy J\/tokens/);
    expect(check.stdout).toMatch(/work per joule tokens\/J/);

    // tokens and images are different benchmarks: not joined, not ranked against each other.
    const mixed = JSON.parse((await cli(['compare', m1, m3, '--format', 'json'])).stdout) as { benchmarks: Array<{ workUnit: string; machines: unknown[] }> };
    expect(mixed.benchmarks.map((b) => [b.workUnit, b.machines.length]).sort()).toEqual([
      ['images', 1],
      ['tokens', 1],
    ]);
    expectOneLine(await cli(['check', '--baseline', m1, '--current', m3]), /no benchmark in common/);

    const html = join(dir, 'units-report.html');
    const report = await cli(['report', m1, m2, '--out', html]);
    expect(report.code, report.stderr).toBe(0);
    const page = await readFile(html, 'utf8');
    expect(page).toMatch(/tokens\/J/);
    expect(page).toMatch(/tokens\/s/);
  });

  it('ab gives every run its own work file, and refuses to compare work in different units', async () => {
    const a = writes(`'10 tokens'`);
    const same = await cli(['ab', ...vm, '--debug-source', '20', '--repeat', '2', '--warmup-runs', '0', '--json', '--out', join(dir, 'ab.csv'), '--', ...a, '--vs', ...writes(`'20 tokens'`)]);
    expect([0, 1]).toContain(same.code);
    const doc = JSON.parse(same.stdout) as { windows: JsonWindow[]; ab: { entries: Array<{ unit: string }> } };
    expect(doc.windows.map((w) => w.workUnit)).toEqual(['tokens', 'tokens', 'tokens', 'tokens']);
    expect(doc.windows.map((w) => w.work).sort()).toEqual([10, 10, 20, 20]);
    expect(doc.ab.entries.map((e) => e.unit)).toContain('tokens/s');
    const mixed = await cli(['ab', ...vm, '--debug-source', '20', '--repeat', '2', '--warmup-runs', '0', '--out', join(dir, 'ab-mixed.csv'), '--', ...a, '--vs', 'true']);
    // What was measured is written and summarized first; the error is the last line, exit 2.
    expect(mixed.code, mixed.stderr).toBe(2);
    expect(mixed.stderr.trim().split('\n').at(-1)).toBe('wattbench: command A counts its work in tokens, command B in run ($WATTBENCH_WORK_FILE): work in different units is not compared');
    expect(mixed.stderr).not.toMatch(/\n\s+at /);
  });
});
