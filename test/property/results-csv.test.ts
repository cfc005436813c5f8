import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { toCsv } from '../../src/results/csv.js';
import { EXAMPLE_LINES, MAX_MAGNITUDE, readResults, SERIES, type ResultSet } from '../../src/results/read.js';
import { COLUMNS, type Row } from '../../src/results/schema.js';
import { bytesText, damaged, FILE_RUNS, FIXTURES, fixtures, numberText, unicodeText } from './arbitraries.js';

/**
 * The streaming results reader treats every file as hostile: it resolves with validated groups, or rejects with a
 * one-line UsageError naming the file; it never throws anything else and never lets a bad number into a series.
 */

let dir = '';
let n = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wb-prop-csv-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeTemp(content: string | Uint8Array): Promise<string> {
  const path = join(dir, `r${++n}.csv`);
  await writeFile(path, content);
  return path;
}

const CSVS = fixtures(...readdirSync(`${FIXTURES}results/`).filter((f) => f.endsWith('.csv')).map((f) => `results/${f}`)).filter((t) => t.length > 0);

/** Cells that break a CSV reader or its validation. */
const hostileCell = fc.oneof(
  numberText,
  fc.constantFrom('"', '""', '"a\nb"', '"unterminated', 'true', 'false', 'TRUE', '', ' ', 'kernel', 'measured', 'estimated', 'none', 'schema_version', '=cmd|x', '\r', '\u00a0'),
  unicodeText,
);

/** A fixture with cells replaced: the line and cell are taken modulo what the text has (naive comma split). */
const cellEdited = fc
  .tuple(fc.constantFrom(...CSVS), fc.array(fc.tuple(fc.nat(), fc.nat(), hostileCell), { minLength: 1, maxLength: 4 }))
  .map(([text, edits]) => {
    const lines = text.split('\n');
    for (const [l, c, value] of edits) {
      const at = l % lines.length;
      const cells = (lines[at] as string).split(',');
      cells[c % cells.length] = value;
      lines[at] = cells.join(',');
    }
    return lines.join('\n');
  });

const csvText = fc.oneof(
  { arbitrary: damaged(CSVS, 4), weight: 4 },
  { arbitrary: cellEdited, weight: 4 },
  { arbitrary: damaged(CSVS, 2).map((t) => `\ufeff${t.replace(/\n/g, '\r\n')}`), weight: 1 },
  { arbitrary: unicodeText, weight: 1 },
  { arbitrary: bytesText, weight: 1 },
);

function expectWellFormed(set: ResultSet, file: string): void {
  expect(set.files).toHaveLength(1);
  const summary = set.files[0] as ResultSet['files'][number];
  expect(summary.file).toBe(file);
  expect(summary.rows).toBeGreaterThan(0);
  expect(summary.used).toBeLessThanOrEqual(summary.rows);
  for (const e of summary.excluded) {
    expect(e.count).toBeGreaterThan(0);
    expect(e.lines.length).toBeLessThanOrEqual(Math.min(e.count, EXAMPLE_LINES));
    for (const line of e.lines) expect(Number.isSafeInteger(line) && line >= 2).toBe(true);
  }
  let valid = 0;
  for (const g of set.groups.values()) {
    valid += g.n;
    expect(g.first.line).toBeGreaterThanOrEqual(2);
    for (const name of SERIES) {
      const values = g.series[name] ?? [];
      expect(values.length + (g.missing[name] ?? 0)).toBe(g.n);
      for (const v of values) {
        // energyPerWorkJ is a ratio of two checked cells: its finiteness has its own property below.
        if (name === 'energyPerWorkJ') expect(v >= 0, `${name} value ${v}`).toBe(true);
        else expect(Number.isFinite(v) && v >= 0 && v <= MAX_MAGNITUDE, `${name} value ${v}`).toBe(true);
      }
    }
  }
  expect(valid).toBe(summary.used);
}

describe('property: readResults (results/read.ts)', () => {
  it('never throws anything but a UsageError naming the file, and folds only valid finite numbers', async () => {
    let read = 0;
    await fc.assert(
      fc.asyncProperty(csvText, async (text) => {
        const file = await writeTemp(text);
        let set: ResultSet;
        try {
          set = await readResults([file]);
        } catch (err) {
          expect(err, `${String(err)}`).toBeInstanceOf(UsageError);
          const message = (err as Error).message;
          expect(message.startsWith(`${file}:`), message).toBe(true);
          return;
        }
        read += 1;
        expectWellFormed(set, file);
      }),
      { numRuns: FILE_RUNS },
    );
    expect(read, 'no generated file was readable: the well-formedness checks never ran').toBeGreaterThan(0);
  });

  // csv-parse guesses the record delimiter from the first line and quotes the offending characters into its messages
  // (`Invalid Closing Quote: got "<LF>"`): whatever reaches the UsageError from it must still be one line.
  it('every UsageError message is one line, even for mixed line endings', async () => {
    await fc.assert(
      fc.asyncProperty(csvText, async (text) => {
        const file = await writeTemp(text);
        try {
          await readResults([file]);
        } catch (err) {
          expect((err as Error).message).not.toMatch(/[\n\r]/);
        }
      }),
      { numRuns: FILE_RUNS, examples: [['schema_version\r\n"1"\n']] },
    );
  });

  it('reads back every valid row written by wattbench, its numbers exact', async () => {
    const num = fc.oneof(fc.constant(0), fc.double({ min: 1e-3, max: 1e6, noNaN: true }), fc.nat({ max: 1e6 }));
    const row = fc.record({
      benchmark: fc.constantFrom('sha256', 'json', 'a,b', 'quote"d', 'multi\nline'),
      threads: fc.option(fc.integer({ min: 1, max: 64 }), { nil: null }),
      duration_s: num,
      work: num,
      energy_j: fc.option(num, { nil: null }),
      valid: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 12 }), async (rows) => {
        const full: Row[] = rows.map((r, i) => ({
          schema_version: 1, run_id: 'r1', started_at: '2026-11-29T10:00:00.000Z', machine: 'm1', benchmark: r.benchmark, kind: 'kernel', threads: r.threads,
          repetition: i + 1, duration_s: r.duration_s, work: r.work, work_unit: 'MB', throughput_per_s: null, energy_j: r.energy_j, power_w: null, idle_power_w: null,
          net_energy_j: null, work_per_j: null, quality: 'measured', source: 'rapl:package-0', cpu_util_pct: null, checksum: null, valid: r.valid,
          version: '1', steal_pct: null, process_cpu_s: null, freq_mhz: null, temp_c: null, exit_code: null, warnings: r.valid ? null : 'invalid window',
        }));
        const file = await writeTemp(toCsv(COLUMNS, full));
        const set = await readResults([file]);
        expectWellFormed(set, file);
        const validRows = rows.filter((r) => r.valid);
        expect(set.files[0]?.used).toBe(validRows.length);
        const durations = [...set.groups.values()].flatMap((g) => g.series.durationS ?? []);
        expect([...durations].sort((a, b) => a - b)).toEqual(validRows.map((r) => r.duration_s).sort((a, b) => a - b));
        const perWork = [...set.groups.values()].flatMap((g) => g.series.energyPerWorkJ ?? []);
        const expected = validRows.filter((r) => r.energy_j !== null && r.work > 0).map((r) => (r.energy_j as number) / r.work);
        expect([...perWork].sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
      }),
      { numRuns: FILE_RUNS },
    );
  });

  // Fails today (read.ts is being finished by another engineer, so it is reported, not fixed here): a valid row whose
  // work is tiny but positive (5e-324, or 1e-300 with 1e30 J) passes every cell check, and energy_j / work overflows
  // to Infinity inside the energyPerWorkJ series, where means and bootstraps turn it into Infinity or NaN.
  it('energyPerWorkJ stays finite for every row the reader accepts', async () => {
    const tiny = fc.oneof(fc.constantFrom(5e-324, 1e-310, 1e-300), fc.double({ min: 0, max: 1e-290, noNaN: true }));
    const energy = fc.oneof(fc.constantFrom(1, 1e30), fc.double({ min: 1e-3, max: 1e30, noNaN: true }));
    const cases = fc.oneof(fc.tuple(tiny, energy), fc.tuple(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.double({ min: 0, max: 1e6, noNaN: true })));
    await fc.assert(
      fc.asyncProperty(cases, async ([work, energyJ]) => {
        const header = COLUMNS.join(',');
        const cells: Record<string, string> = {
          schema_version: '1', run_id: 'r1', started_at: '2026-11-29T10:00:00.000Z', machine: 'm1', benchmark: 'b', kind: 'kernel', repetition: '1',
          duration_s: '1', work: String(work), work_unit: 'MB', energy_j: String(energyJ), quality: 'measured', valid: 'true',
        };
        const file = await writeTemp(`${header}\n${COLUMNS.map((c) => cells[c] ?? '').join(',')}\n`);
        const set = await readResults([file]);
        for (const g of set.groups.values()) for (const v of g.series.energyPerWorkJ ?? []) expect(Number.isFinite(v), `energy ${energyJ} J / work ${work} = ${v}`).toBe(true);
      }),
      { numRuns: FILE_RUNS, examples: [[[5e-324, 1]]] },
    );
  });
});
