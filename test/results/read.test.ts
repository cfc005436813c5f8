import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { toCsv } from '../../src/results/csv.js';
import { GroupAccumulator, isPerSourceHeader, MAX_GROUPS, readResultFile, readResults, resultRowOf, splitPerSourceFiles, type ResultSet } from '../../src/results/read.js';
import { COLUMNS, type Row, SOURCE_COLUMNS } from '../../src/results/schema.js';
import { FIXTURES } from '../helpers/fake-files.js';

const results = (name: string): string => `${FIXTURES}results/${name}`;
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wb-read-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A complete valid row as wattbench writes it. */
function baseRow(over: Partial<Row> = {}): Row {
  return {
    schema_version: 1, run_id: 'r1', started_at: '2026-11-29T10:00:00.000Z', machine: 'm1', benchmark: 'sha256', kind: 'kernel', threads: 1,
    repetition: 1, duration_s: 2, work: 200, work_unit: 'MB', throughput_per_s: 100, energy_j: 40, power_w: 20, idle_power_w: null,
    net_energy_j: null, work_per_j: 5, quality: 'measured', source: 'rapl:package-0', cpu_util_pct: 50, checksum: 'abc', valid: true,
    version: '1', steal_pct: 0, process_cpu_s: 2, freq_mhz: null, temp_c: null, exit_code: null, warnings: null, ...over,
  };
}

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

/** The message of the UsageError a read throws (fails the test when it resolves or throws anything else). */
async function readError(paths: string[]): Promise<string> {
  try {
    await readResults(paths);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    const message = (err as Error).message;
    expect(message).not.toMatch(/\n/);
    return message;
  }
  throw new Error(`reading ${paths.join(', ')} did not fail`);
}

const only = (set: ResultSet) => {
  expect(set.groups.size).toBe(1);
  return [...set.groups.values()][0]!;
};

describe('readResults: valid files', () => {
  it('folds rows into per-machine groups of numeric series and lists invalid rows with their lines', async () => {
    const set = await readResults([results('m1.csv')]);
    expect([...set.groups.values()].map((g) => `${g.machine}/${g.benchmark}/${g.threads}/${g.version}`)).toEqual(['m1/sha256/1/1', 'm1/json/1/1']);
    const sha = [...set.groups.values()][0]!;
    expect(sha.n).toBe(6);
    expect(sha.series.throughputPerS).toEqual([1012, 991, 1004, 996, 1008, 989]);
    // Energy per unit of work is energy_j / work, from the cells of each row.
    expect(sha.series.energyPerWorkJ?.[0]).toBeCloseTo(19.92 / 1012, 12);
    expect(sha.quality).toBe('measured');
    expect(sha.first).toEqual({ file: results('m1.csv'), line: 2 });
    const json = [...set.groups.values()][1]!;
    expect(json.n).toBe(5);
    expect(json.invalid).toBe(1);
    // The invalid row's wrong checksum does not count as a checksum conflict.
    expect(json.otherChecksum).toBeNull();
    expect(set.files[0]).toMatchObject({ rows: 12, used: 11, machines: ['m1'] });
    expect(set.files[0]!.excluded).toEqual([
      { file: results('m1.csv'), reason: 'invalid window (valid=false)', count: 1, lines: [10], detail: expect.stringMatching(/^WRONG OUTPUT/) },
    ]);
  });

  it('keeps only the series asked for, and pools machines when asked', async () => {
    const set = await readResults([results('m1.csv'), results('m2.csv')], { series: ['durationS'], byMachine: false });
    expect(set.groups.size).toBe(2);
    const sha = [...set.groups.values()][0]!;
    expect(Object.keys(sha.series)).toEqual(['durationS']);
    expect(sha.series.durationS).toHaveLength(12);
    expect(sha.machines).toEqual(['m1', 'm2']);
  });

  it('reads concatenated files (a repeated header) and files whose columns are in another order', async () => {
    const set = await readResults([results('concatenated.csv')]);
    expect(set.files[0]!.machines).toEqual(['m5', 'm6']);
    expect(set.files[0]!.rows).toBe(12);
    const reordered = [...COLUMNS].reverse();
    const rows = [baseRow(), baseRow({ repetition: 2, throughput_per_s: 110 })];
    const path = await file('reordered.csv', toCsv(reordered, rows));
    expect(only(await readResults([path])).series.throughputPerS).toEqual([100, 110]);
    // Windows line ends and a byte-order mark, as a spreadsheet saves the file.
    const windows = await file('windows.csv', `\ufeff${toCsv(COLUMNS, rows).replace(/\n/g, '\r\n')}`);
    expect(only(await readResults([windows])).series.throughputPerS).toEqual([100, 110]);
  });

  it('gives the line where a record starts when a quoted name spans lines, and keeps hostile names as data', async () => {
    const set = await readResults([results('hostile-names.csv')]);
    const names = [...set.groups.values()].map((g) => g.benchmark);
    expect(names).toContain('line1\nline2');
    expect(names).toContain("=cmd|' /C calc'!A0");
    const multi = [...set.groups.values()].find((g) => g.benchmark === 'line1\nline2')!;
    expect(multi.first.line).toBe(5);
    const after = [...set.groups.values()].find((g) => g.benchmark.startsWith('<img'))!;
    expect(after.first.line).toBe(11);
  });

  it('excludes rows of another energy quality when asked, and counts them', async () => {
    const set = await readResults([results('m1.csv'), results('m3-estimated.csv')], { quality: 'measured' });
    expect([...set.groups.values()].every((g) => g.machine === 'm1')).toBe(true);
    expect(set.files[1]!.excluded[0]).toMatchObject({ reason: 'estimated energy (only measured kept)', count: 12, lines: [2, 3, 4, 5, 6] });
  });

  it('reads a row built from a window exactly as the same row read from its CSV', async () => {
    const r = baseRow({ benchmark: '[A] node x.js', kind: 'command', threads: null, work: 1, work_unit: 'run', checksum: null, version: null });
    const fromWindow = new GroupAccumulator();
    fromWindow.add(resultRowOf(r), { file: 'x', line: 2 });
    const path = await file('one.csv', toCsv(COLUMNS, [r]));
    const fromFile = only(await readResults([path]));
    expect([...fromWindow.groups.values()][0]!.series).toEqual(fromFile.series);
  });

  it('streams a large file into bounded groups: 20 000 rows, 6 groups, numbers only', async () => {
    const path = join(dir, 'large.csv');
    const out = createWriteStream(path);
    out.write(`${COLUMNS.join(',')}\n`);
    for (let i = 0; i < 20_000; i++) {
      const machine = `m${i % 3}`;
      const benchmark = i % 2 ? 'sha256' : 'json';
      if (!out.write(`1,r,2026-11-29T10:00:00Z,${machine},${benchmark},kernel,1,${i + 1},1,${100 + (i % 7)},MB,${100 + (i % 7)},10,10,,,${10 + (i % 7) / 10},measured,rapl:package-0,50,abc,true,1,0,1,,,,,,\n`)) {
        await once(out, 'drain');
      }
    }
    out.end();
    await once(out, 'finish');
    const set = await readResults([path], { series: ['throughputPerS'] });
    expect(set.groups.size).toBe(6);
    const total = [...set.groups.values()].reduce((sum, g) => sum + (g.series.throughputPerS?.length ?? 0), 0);
    expect(total).toBe(20_000);
    expect(set.files[0]).toMatchObject({ rows: 20_000, used: 20_000, excluded: [] });
  });
});

describe('readResults: unusable input is one line naming the file and line', () => {
  it('a missing file, a folder, an empty file, a header alone', async () => {
    expect(await readError([join(dir, 'nope.csv')])).toBe(`${join(dir, 'nope.csv')}: cannot read: no such file`);
    expect(await readError([dir])).toBe(`${dir}: is a folder, not a results CSV file`);
    expect(await readError([results('empty.csv')])).toBe(`${results('empty.csv')}:1: empty file; expected a wattbench results CSV with a header line`);
    expect(await readError([results('header-only.csv')])).toBe(`${results('header-only.csv')}:2: no result rows after the header`);
  });

  it('wrong columns, with a hint for the per-source file', async () => {
    expect(await readError([results('wrong-columns.csv')])).toMatch(
      new RegExp(`^${results('wrong-columns.csv')}:1: not a wattbench results file: missing columns schema_version, run_id, started_at, machine, benchmark, kind and 16 more$`),
    );
    const sources = await file('x.sources.csv', 'schema_version,run_id,machine,benchmark,threads,repetition,source,kind,scope,quality,in_total,energy_j,power_w,value,samples,reason\n1,r,m,b,1,1,s,counter,cpu,measured,true,1,1,,3,\n');
    expect(await readError([sources])).toMatch(/:1: not a wattbench results file: missing columns .*\(this is the per-source \*\.sources\.csv file; pass the main results CSV\)$/);
  });

  it('another schema_version, even when its columns changed too', async () => {
    expect(await readError([results('schema-v2.csv')])).toBe(
      `${results('schema-v2.csv')}:2: schema_version "2" is not supported: this wattbench reads schema_version 1 (use the wattbench that wrote the file, or re-run the benchmarks)`,
    );
    const v3 = await file('v3.csv', 'schema_version,run_id,machine,bench\n3,r,m,b\n');
    expect(await readError([v3])).toMatch(/v3\.csv:2: schema_version "3" is not supported/);
    const laterRow = toCsv(COLUMNS, [baseRow(), baseRow({ repetition: 2 }), baseRow({ repetition: 3, schema_version: 7 })]);
    expect(await readError([await file('v7.csv', laterRow)])).toMatch(/v7\.csv:4: schema_version "7" is not supported/);
  });

  it('hostile cells: formulas, NaN, huge numbers, negative durations, unknown words', async () => {
    expect(await readError([results('formula-cell.csv')])).toBe(`${results('formula-cell.csv')}:5: throughput_per_s is not a number: "=HYPERLINK(\\"http://x\\",\\"y\\")"`);
    const cases: Array<[Partial<Row>, RegExp]> = [
      [{ energy_j: 'NaN' }, /:3: energy_j is not a number: "NaN"$/],
      [{ work: '1e400' }, /:3: work is out of range: "1e400"$/],
      [{ power_w: '1e31' }, /:3: power_w is out of range: "1e31"$/],
      [{ duration_s: -1 }, /:3: duration_s must be >= 0, got "-1"$/],
      [{ throughput_per_s: '0x10' }, /:3: throughput_per_s is not a number: "0x10"$/],
      [{ duration_s: null }, /:3: duration_s is empty; expected a number$/],
      [{ quality: 'guessed' }, /:3: quality must be one of measured, estimated, none, got "guessed"$/],
      [{ valid: 'yes' }, /:3: valid must be one of true, false, got "yes"$/],
      [{ threads: 1.5 }, /:3: threads must be a whole number >= 1, got "1.5"$/],
      [{ machine: '' }, /:3: machine is empty$/],
      [{ kind: 'x'.repeat(100) }, /:3: kind must be one of kernel, command, function, got "x{40}…"$/],
    ];
    for (const [over, expected] of cases) {
      const path = await file('bad.csv', toCsv(COLUMNS, [baseRow(), baseRow({ repetition: 2, ...over })]));
      expect(await readError([path]), JSON.stringify(over)).toMatch(expected);
    }
  });

  it('a row of the wrong width, an unclosed quote, a record without line breaks', async () => {
    const header = COLUMNS.join(',');
    const good = toCsv(COLUMNS, [baseRow()]).split('\n')[1];
    expect(await readError([await file('short.csv', `${header}\n${good}\n1,r,x\n`)])).toMatch(/short\.csv:3: 3 cells where the header has 31 \(truncated or corrupted row\)$/);
    expect(await readError([await file('quote.csv', `${header}\n${good}\n1,"r,x\n`)])).toMatch(/quote\.csv:3: a quoted cell is never closed \(truncated file\?\)$/);
    expect(await readError([await file('huge.csv', `${header}\n${'x'.repeat(1.2 * 2 ** 20)}`)])).toMatch(/huge\.csv:2: a record is longer than 1048576 bytes/);
  });

  it('names the file of a later input that is bad, after good ones', async () => {
    expect(await readError([results('m1.csv'), results('schema-v2.csv')])).toMatch(/^.*schema-v2\.csv:2: /);
  });

  it('refuses more distinct configurations than it holds at once, naming the row', () => {
    const accumulator = new GroupAccumulator({ series: ['durationS'] });
    const r = resultRowOf(baseRow());
    for (let i = 0; i < MAX_GROUPS; i++) accumulator.add({ ...r, benchmark: `b${i}` }, { file: 'many.csv', line: i + 2 });
    expect(() => accumulator.add({ ...r, benchmark: 'one more' }, { file: 'many.csv', line: MAX_GROUPS + 2 })).toThrow(
      new UsageError(`many.csv:${MAX_GROUPS + 2}: more than ${MAX_GROUPS} distinct benchmark configurations and machines; split the input, or check that it is a wattbench results file`),
    );
    // Rows of a group already held still fold in.
    expect(() => accumulator.add(r.benchmark === 'b0' ? r : { ...r, benchmark: 'b0' }, { file: 'many.csv', line: 3 })).not.toThrow();
  });

  it('reads one file at a time through readResultFile', async () => {
    const accumulator = new GroupAccumulator();
    const summary = await readResultFile(results('m2.csv'), accumulator);
    expect(summary).toMatchObject({ rows: 12, used: 12, machines: ['m2'] });
    expect(accumulator.groups.size).toBe(2);
  });
});

describe('readResults: the per-source files that results/*.csv matches', () => {
  const perSource = `${SOURCE_COLUMNS.join(',')}\n1,run-m1,m1,sha256,1,1,rapl:package-0,counter,cpu-package,measured,true,19.92,19.92,,10,\n`;

  it('recognises the per-source long format by its header, whatever the file is called', async () => {
    expect(isPerSourceHeader([...SOURCE_COLUMNS])).toBe(true);
    expect(isPerSourceHeader([...COLUMNS])).toBe(false);
    const renamed = await file('renamed-sources.csv', perSource);
    const named = await file('named.sources.csv', toCsv(COLUMNS, [baseRow()]));
    expect(await splitPerSourceFiles([results('m1.csv'), renamed, named])).toEqual({ results: [results('m1.csv'), named], perSource: [renamed] });
  });

  it('skips them with one note and reads the rest exactly as without them', async () => {
    const m1Sources = await file('m1.sources.csv', perSource);
    const m2Sources = await file('m2.sources.csv', perSource);
    const alone = await readResults([results('m1.csv'), results('m2.csv')]);
    const globbed = await readResults([results('m1.csv'), m1Sources, results('m2.csv'), m2Sources]);
    expect(globbed.groups).toEqual(alone.groups);
    expect(globbed.files).toEqual(alone.files);
    expect(alone.notes).toEqual([]);
    expect(globbed.notes).toEqual([
      `skipped 2 per-source files (one row per window and source; their windows are in the results files beside them): ${m1Sources}, ${m2Sources}`,
    ]);
  });

  it('reads them (and says what they are) when nothing else is given, and never hides an unreadable file', async () => {
    const sources = await file('only.sources.csv', perSource);
    expect(await readError([sources])).toMatch(/\(this is the per-source \*\.sources\.csv file; pass the main results CSV\)$/);
    expect(await readError([results('m1.csv'), join(dir, 'missing.sources.csv')])).toBe(`${join(dir, 'missing.sources.csv')}: cannot read: no such file`);
  });
});
