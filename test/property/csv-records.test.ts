import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { csvRecords, CsvSyntaxError } from '../../src/results/csv-records.js';
import { RUNS } from './arbitraries.js';

/**
 * The fast record splitter must read exactly what csv-parse reads: the same cells for any records csv-stringify writes
 * (quotes, commas, line breaks, non-ASCII, empty cells), however the bytes are cut into chunks, with the line each
 * record starts on; and for any text at all, it reads what csv-parse reads or throws a CsvSyntaxError, nothing else.
 */

async function split(bytes: Buffer, cuts: number[]): Promise<Array<{ cells: string[]; line: number }>> {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const p of points) {
    chunks.push(bytes.subarray(from, p));
    from = p;
  }
  chunks.push(bytes.subarray(from));
  const out: Array<{ cells: string[]; line: number }> = [];
  for await (const batch of csvRecords(chunks, { maxRecordChars: 1 << 20 })) out.push(...batch);
  return out;
}

const cell = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r\n', '\r', ' ', 'é', '😀', '1', '.', '='), maxLength: 12 }),
  fc.string({ maxLength: 8 }),
  fc.constant(''),
);

describe('property: csvRecords (results/csv-records.ts)', () => {
  it('reads back what csv-stringify wrote, as csv-parse does, with each record\'s first line, however the bytes are cut', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }).chain((width) => fc.array(fc.array(cell, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 8 })),
        fc.constantFrom('\n', '\r\n'),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (rows, eol, cuts) => {
          // A record of one empty cell is an empty line, which both readers skip.
          const kept = rows.filter((r) => !(r.length === 1 && r[0] === ''));
          // Cells with any line break are quoted, as wattbench writes them (the splitter ends a record at any bare LF).
          const text = stringify(rows, { record_delimiter: eol === '\n' ? 'unix' : 'windows', quoted_match: /[\r\n]/ });
          const got = await split(Buffer.from(text, 'utf8'), cuts);
          expect(got.map((r) => r.cells)).toEqual(kept);
          expect(got.map((r) => r.cells)).toEqual(parse(text, { relax_column_count: true, skip_empty_lines: true }));
          let line = 1;
          const lines: number[] = [];
          for (const r of rows) {
            const breaks = r.reduce((n, c) => n + (c.match(/\n/g)?.length ?? 0), 0);
            if (!(r.length === 1 && r[0] === '')) lines.push(line);
            line += breaks + 1;
          }
          expect(got.map((r) => r.line)).toEqual(lines);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('on any text, gives csv-parse\'s records or fails as csv-parse does, and only ever with a CsvSyntaxError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r', ' ', 'é'), maxLength: 40 }), fc.array(fc.nat(), { maxLength: 4 }), async (text, cuts) => {
        let got: Array<{ cells: string[] }> | null = null;
        try {
          got = await split(Buffer.from(text, 'utf8'), cuts);
        } catch (err) {
          expect(err).toBeInstanceOf(CsvSyntaxError);
        }
        // csv-parse guesses one record delimiter per file, where the splitter ends a record at every LF: with a CR
        // anywhere they may differ by design, and only the kind of the outcome is checked.
        if (text.includes('\r')) return;
        let expected: string[][] | null = null;
        try {
          expected = parse(text, { relax_column_count: true, skip_empty_lines: true });
        } catch {
          expected = null;
        }
        expect(got?.map((r) => r.cells) ?? null).toEqual(expected);
      }),
      { numRuns: RUNS },
    );
  });
});
