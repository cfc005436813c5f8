import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { abbaSchedule } from '../../src/compare/ab.js';
import { runMain } from '../helpers/cli.js';
import { FIXTURES, procfs, sysfs } from '../helpers/fake-files.js';
import { sandboxEnv } from '../helpers/sandbox-path.js';

const results = (name: string): string => `${FIXTURES}results/${name}`;
const vm = ['--sysfs', sysfs('vm'), '--procfs', procfs('basic'), '--tdp', '100'];
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wb-compare-e2e-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the CLI with the sandboxed PATH and no job summary (a CI running these tests must not get theirs). */
function cli(args: string[], extra: Record<string, string> = {}): ReturnType<typeof runMain> {
  return runMain(args, { env: sandboxEnv([], { GITHUB_STEP_SUMMARY: '', ...extra }) });
}

/** Asserts a usage error: exit 2 and exactly one stderr line, which starts `wattbench: ` and matches `expected`. */
function expectOneLine(r: { code: number; stdout: string; stderr: string }, expected: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^wattbench: /);
  expect(lines[0]).toMatch(expected);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('wattbench compare (fixture results)', () => {
  it('ranks the machines in every format: table, md, csv and json', async () => {
    const files = [results('m1.csv'), results('m2.csv'), results('m4-json-v2.csv')];
    const table = await cli(['compare', ...files]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^sha256 x1\s+m2\s+6\s+2000 MB\/s\s+25\.04\s+80\.04 \[78\.18, 81\.29\] MB\/J\s+measured\s+1\.600 \[1\.\d+, 1\.\d+\]\s+2\.000 \[/m);
    expect(table.stdout).toMatch(/^m2\s+1\.6\s+1\s+2\s+1$/m);
    expect(table.stdout).toMatch(/^excluded:\n {2}not in the score: json x1: not run comparably on m4\n {2}json x1 on m4 \(6 rows from .*m4-json-v2\.csv:8\): version 2 differs from version 1/m);
    expect(table.stdout).toMatch(/m1\.csv: 1 row excluded: invalid window \(valid=false\) \(line 10\)/);

    const md = await cli(['compare', '--format', 'md', ...files]);
    expect(md.stdout).toMatch(/^### wattbench compare: 3 machines, baseline m1$/m);

    const csv = await cli(['compare', '--format', 'csv', ...files]);
    expect(csv.code).toBe(0);
    const rows = parse(csv.stdout, { columns: true }) as Array<Record<string, string>>;
    expect(rows.filter((r) => r.row_type === 'benchmark')).toHaveLength(5);
    expect(rows.find((r) => r.row_type === 'score' && r.machine === 'm2')).toMatchObject({ throughput_ratio: '2', work_per_j_ratio: '1.6', score_work_per_j_benchmarks: '1' });
    expect(csv.stderr).toMatch(/^wattbench: excluded: json x1 on m4/m);

    const json = await cli(['compare', '--json', ...files]);
    const doc = JSON.parse(json.stdout);
    expect(doc.baseline).toBe('m1');
    expect(doc.machines).toEqual(['m1', 'm2', 'm4']);
    expect(doc.excluded.groups[0]).toMatchObject({ benchmark: 'json x1', machine: 'm4' });
    expect(doc.benchmarks[0].machines[1].vsBaseline.workPerJ.ratio).toBeCloseTo(1.6, 2);
  });

  it('takes the baseline by machine or by file, and refuses an unknown one', async () => {
    const byMachine = JSON.parse((await cli(['compare', '--json', '--baseline', 'm2', results('m1.csv'), results('m2.csv')])).stdout);
    expect(byMachine.machines).toEqual(['m2', 'm1']);
    const byFile = JSON.parse((await cli(['compare', '--json', '--baseline', results('m2.csv'), results('m1.csv')])).stdout);
    expect(byFile.baseline).toBe('m2');
    expect(byFile.files.map((f: { file: string }) => f.file)).toEqual([results('m2.csv'), results('m1.csv')]);
    expectOneLine(await cli(['compare', '--baseline', 'nobody', results('m1.csv')]), /--baseline "nobody" is not a machine in the inputs \(machines: m1\)$/);
    expectOneLine(await cli(['compare', '--baseline', results('concatenated.csv'), results('m1.csv')]), /the file holds 2 machines \(m5, m6\); name one with --baseline MACHINE$/);
  });

  it('refuses to rank measured against estimated energy; --quality keeps one kind and lists the rest', async () => {
    expectOneLine(
      await cli(['compare', results('m1.csv'), results('m3-estimated.csv')]),
      /cannot rank measured against estimated energy: .*m1\.csv:2 is measured \(rapl:package-0\) but .*m3-estimated\.csv:2 is estimated \(estimate:cpu\)/,
    );
    const kept = await cli(['compare', '--quality', 'measured', results('m1.csv'), results('m3-estimated.csv')]);
    expect(kept.code, kept.stderr).toBe(0);
    expect(kept.stdout).toMatch(/m3-estimated\.csv: 12 rows excluded: estimated energy \(only measured kept\) \(lines 2, 3, 4, 5, 6, …\)/);
  });

  it('prints hostile names safely on the terminal', async () => {
    const r = await cli(['compare', '--baseline', 'ok', results('hostile-names.csv')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u202e]/);
    expect(r.stdout).toContain('line1?line2');
    const csv = await cli(['compare', '--format', 'csv', '--baseline', 'ok', results('hostile-names.csv')]);
    // A name that is a formula is defused in the CSV output, as in every CSV wattbench writes.
    expect(csv.stdout).toContain(`,'=cmd|' /C calc'!A0,`);
    expect(csv.stdout).toContain('"line1\nline2"');
  });
});

describe('unusable input exits 2 with one line naming the file and line', () => {
  it('compare and check: missing, empty, wrong columns, another schema_version, a formula in a number, mixed quality', async () => {
    const cases: Array<[string, RegExp]> = [
      [join(dir, 'missing.csv'), /missing\.csv: cannot read: no such file$/],
      [results('empty.csv'), /empty\.csv:1: empty file/],
      [results('header-only.csv'), /header-only\.csv:2: no result rows after the header$/],
      [results('wrong-columns.csv'), /wrong-columns\.csv:1: not a wattbench results file: missing columns/],
      [results('schema-v2.csv'), /schema-v2\.csv:2: schema_version "2" is not supported/],
      [results('formula-cell.csv'), /formula-cell\.csv:5: throughput_per_s is not a number: "=HYPERLINK/],
    ];
    // The reader is shared, so each case goes through one of the two commands; they run side by side to save time.
    const runs = await Promise.all(
      cases.map(([file], i) => (i % 2 ? cli(['check', '--baseline', results('m1.csv'), '--current', file]) : cli(['compare', results('m1.csv'), file]))),
    );
    runs.forEach((r, i) => expectOneLine(r, cases[i]![1]));
    expectOneLine(await cli(['compare', results('mixed-quality.csv')]), /cannot rank measured against estimated energy: .*mixed-quality\.csv:2 is measured .* but .*mixed-quality\.csv:4 is estimated/);
    expectOneLine(
      await cli(['check', '--baseline', results('mixed-quality.csv'), '--current', results('m1.csv')]),
      /mixed-quality\.csv:4: estimated energy, but .*mixed-quality\.csv:2 is measured, for sha256 x1: mixed energy quality cannot be compared/,
    );
    expectOneLine(
      await cli(['check', '--baseline', results('m1.csv'), '--current', results('m3-estimated.csv'), '--metric', 'energy']),
      /m3-estimated\.csv:2: cannot compare estimated energy with measured energy \(.*m1\.csv:2\) for sha256 x1/,
    );
  });

  it('bad arguments', async () => {
    const two = ['--baseline', results('m1.csv'), '--current', results('m2.csv')];
    const cases: Array<[string[], RegExp]> = [
      [['check', '--baseline', results('m1.csv')], /--current <file\.csv> is required$/],
      [['check', ...two, '--metric', 'speed'], /--metric takes time, energy, work_per_j/],
      [['check', ...two, '--alpha', '2'], /alpha.*expected a level strictly between 0 and 1/],
      [['check', ...two, '--threshold', '5', '--threshold-from', results('m1.csv')], /choose one$/],
      [['check', ...two, '--threshold-from', results('m1.csv')], /m1\.csv: no A\/A calibration in it/],
      [['compare'], /missing required argument/],
      [['compare', '--format', 'xml', results('m1.csv')], /xml/],
      [['ab', '--repeat', '0', '--', 'true'], /--repeat/],
      [['ab', ...vm, '--', 'true', '--vs'], /no command B after --vs/],
      // A bad calibration file is refused before anything is measured.
      [['ab', ...vm, '--threshold-from', results('m1.csv'), '--', 'true'], /m1\.csv: no A\/A calibration in it/],
    ];
    const runs = await Promise.all(cases.map(([args]) => cli(args)));
    runs.forEach((r, i) => expectOneLine(r, cases[i]![1]));
    const nostart = await cli(['ab', ...vm, '--warmup', '0', '--', 'no-such-command-wattbench']);
    expect(nostart.code).toBe(2);
    expect(nostart.stderr.trim().split('\n').pop()).toBe('wattbench: cannot start "no-such-command-wattbench": not found on PATH');
  });
});

describe('check and ab on real measurements', () => {
  it('check: base and head builds measured with `measure`; a slower head regresses (exit 1, job summary), the same results pass', async () => {
    // Two builds of one program: the same command line, `bench`, found first on PATH in each build's folder.
    const build = async (name: string, seconds: string): Promise<string> => {
      const folder = join(dir, name);
      await mkdir(folder);
      await writeFile(join(folder, 'bench'), `#!/bin/sh\nexec sleep ${seconds}\n`, { mode: 0o755 });
      return folder;
    };
    const baseBuild = await build('base-build', '0.05');
    const headBuild = await build('head-build', '0.3');
    const base = join(dir, 'base.csv');
    const head = join(dir, 'head.csv');
    const measureBuild = (folder: string, out: string, label: string) =>
      runMain(['measure', ...vm, '--repeat', '4', '--label', label, '--out', out, '--', 'bench'], { env: sandboxEnv([folder], { GITHUB_STEP_SUMMARY: '' }) });
    const b = await measureBuild(baseBuild, base, 'base-runner');
    const h = await measureBuild(headBuild, head, 'head-runner');
    expect(b.code, b.stderr).toBe(0);
    expect(h.code, h.stderr).toBe(0);

    const summary = join(dir, 'summary.md');
    await writeFile(summary, '# earlier step\n');
    const r = await cli(['check', '--baseline', base, '--current', head], { GITHUB_STEP_SUMMARY: summary });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    // The medians printed are those of the rows written (process start-up adds to each sleep, so they are not 0.05 and 0.3 exactly).
    const median = async (file: string): Promise<number> => {
      const d = (parse(await readFile(file, 'utf8'), { columns: true }) as Array<Record<string, string>>).map((x) => Number(x.duration_s)).sort((x, y) => x - y);
      return (d[1]! + d[2]!) / 2;
    };
    const [baseS, headS] = [await median(base), await median(head)];
    expect(headS).toBeGreaterThan(baseS);
    const line = /^bench\s+time s\s+([\d.]+)\s+([\d.]+)\s+\+\d+\.\d%\s+\d\.\d+ \[[\d.]+, [\d.]+\]\s+0\.029\s+4\/4\s+REGRESSED$/m.exec(r.stdout);
    expect(line, r.stdout).not.toBeNull();
    expect(Number(line![1])).toBeCloseTo(baseS, 2);
    expect(Number(line![2])).toBeCloseTo(headS, 2);
    expect(r.stdout).toMatch(/^result: 1 regressed; exit code 1$/m);
    const md = await readFile(summary, 'utf8');
    expect(md.startsWith('# earlier step\n### wattbench check: ❌ regression')).toBe(true);

    const same = await cli(['check', '--json', '--baseline', base, '--current', base]);
    expect(same.code, same.stderr).toBe(0);
    const doc = JSON.parse(same.stdout);
    expect(doc.entries).toHaveLength(1);
    expect(doc.entries[0]).toMatchObject({ metric: 'time', ratio: 1, pValue: 1 });
    expect(['unchanged', 'inconclusive']).toContain(doc.entries[0].verdict);

    const compared = JSON.parse((await cli(['compare', '--json', base, head])).stdout);
    expect(compared.machines).toEqual(['base-runner', 'head-runner']);
    expect(compared.benchmarks[0].machines[1].vsBaseline.throughput.ratio).toBeLessThan(0.5);
  });

  it('ab: two commands in seeded ABBA order on one machine; B three times slower is a regression (exit 1)', async () => {
    const out = join(dir, 'ab.csv');
    const summary = join(dir, 'ab-summary.md');
    const r = await cli(['ab', ...vm, '--repeat', '4', '--warmup', '0', '--seed', '7', '--out', out, '--json', '--', 'sleep', '0.05', '--vs', 'sleep', '0.15'], { GITHUB_STEP_SUMMARY: summary });
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.ab).toMatchObject({ seed: 7, schedule: abbaSchedule(4, 7).join(''), aa: false, exitCode: 1 });
    expect(doc.ab.entries.map((e: { metric: string; verdict: string }) => `${e.metric}/${e.verdict}`)).toEqual(['time/regressed']);
    const rows = parse(await readFile(out, 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((x) => x.benchmark[1]).join('')).toBe(abbaSchedule(4, 7).join(''));
    expect(rows.filter((x) => x.benchmark === '[A] sleep 0.05').map((x) => x.repetition)).toEqual(['1', '2', '3', '4']);
    expect(rows.filter((x) => x.benchmark === '[B] sleep 0.15')).toHaveLength(4);
    expect(await readFile(summary, 'utf8')).toMatch(/^### wattbench ab: ❌ regression/);
  });

  it('ab without --vs calibrates A/A noise, and check takes its threshold from that file', async () => {
    const aa = join(dir, 'aa.csv');
    const r = await cli(['ab', ...vm, '--repeat', '6', '--warmup', '0', '--seed', '3', '--threshold', '20', '--out', aa, '--', 'sleep', '0.05']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^A\/A calibration \(time, n=6 per side\): noise CV [\d.]+%, observed change [-+\d.]+%, smallest detectable change [\d.]+%; recommended --threshold [\d.]+$/m);
    const recommended = Number(/recommended --threshold ([\d.]+)/.exec(r.stdout)![1]);
    const check = await cli(['check', '--json', '--baseline', results('m1.csv'), '--current', results('m2.csv'), '--threshold-from', aa]);
    expect(check.code, check.stderr).toBe(0);
    const doc = JSON.parse(check.stdout);
    expect(doc.threshold).toMatchObject({ pct: recommended, from: aa, command: 'sleep 0.05' });
    expect(doc.settings.thresholdPct).toBe(recommended);
  });

  it('ab stops with exit 2 when a command fails, keeping the windows it measured', async () => {
    const out = join(dir, 'fail.csv');
    const r = await cli(['ab', ...vm, '--repeat', '3', '--warmup', '0', '--seed', '1', '--out', out, '--', 'true', '--vs', 'false']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n').pop()).toMatch(/^wattbench: command B \(false\) exited with code 1 on repetition 1: both commands must succeed to be compared; no verdict$/);
    const rows = parse(await readFile(out, 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(rows.at(-1)).toMatchObject({ benchmark: '[B] false', valid: 'false', exit_code: '1' });
  });
});
