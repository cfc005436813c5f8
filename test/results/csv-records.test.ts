import { describe, expect, it } from 'vitest';
import { type CsvRecord, csvRecords, CsvSyntaxError, splitQuotedRecord } from '../../src/results/csv-records.js';

/** Feeds `text` to the splitter in chunks of `size` bytes (so that records, quotes and UTF-8 characters are cut). */
async function records(text: string, size = 1 << 16, maxRecordChars = 1 << 20): Promise<CsvRecord[]> {
  const bytes = Buffer.from(text, 'utf8');
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  const out: CsvRecord[] = [];
  for await (const batch of csvRecords(chunks, { maxRecordChars })) out.push(...batch);
  return out;
}

async function syntaxError(text: string, maxRecordChars = 1 << 20): Promise<CsvSyntaxError> {
  try {
    await records(text, 7, maxRecordChars);
  } catch (err) {
    expect(err).toBeInstanceOf(CsvSyntaxError);
    return err as CsvSyntaxError;
  }
  throw new Error('no error');
}

describe('splitQuotedRecord', () => {
  it('splits quoted cells with commas, doubled quotes and line breaks, and empty cells', () => {
    expect(splitQuotedRecord('a,"b,c","say ""hi""",,"x\ny",')).toEqual(['a', 'b,c', 'say "hi"', '', 'x\ny', '']);
    expect(splitQuotedRecord('""')).toEqual(['']);
  });

  it('gives up (null) on what only csv-parse should judge', () => {
    expect(splitQuotedRecord('a"b,c')).toBeNull();
    expect(splitQuotedRecord('"a"b,c')).toBeNull();
    expect(splitQuotedRecord('"a')).toBeNull();
    expect(splitQuotedRecord(' "a",b')).toBeNull();
  });
});

describe('csvRecords', () => {
  it('reads records with the line each starts on, across chunk boundaries of every size', async () => {
    const text = '\ufeffh1,h2\n1,"two\nlines"\n\n3,"é ""q"""\r\n4,x\n5,"last"';
    const expected = [
      { cells: ['h1', 'h2'], line: 1 },
      { cells: ['1', 'two\nlines'], line: 2 },
      { cells: ['3', 'é "q"'], line: 5 },
      { cells: ['4', 'x'], line: 6 },
      { cells: ['5', 'last'], line: 7 },
    ];
    for (const size of [1, 2, 3, 5, 8, 64]) expect(await records(text, size), `chunks of ${size}`).toEqual(expected);
  });

  it('keeps a CRLF inside a quoted cell and drops it at the end of a record', async () => {
    expect(await records('a,"b\r\nc"\r\nd,e\r\n')).toEqual([
      { cells: ['a', 'b\r\nc'], line: 1 },
      { cells: ['d', 'e'], line: 3 },
    ]);
  });

  it('leaves malformed quoting to csv-parse, which names the line', async () => {
    const err = await syntaxError('a,b\nc,d\n"x"y,z\n');
    expect(err.code).toBe('CSV_INVALID_CLOSING_QUOTE');
    expect(err.line).toBe(3);
    const opening = await syntaxError('a,b\nc,d"e\nf,"g"\n');
    expect(opening.code).toBe('INVALID_OPENING_QUOTE');
    expect(opening.line).toBe(2);
  });

  it('an unclosed quote is reported at the line it opens on', async () => {
    const err = await syntaxError('a,b\nc,"d\ne,f\n');
    expect(err).toMatchObject({ code: 'CSV_QUOTE_NOT_CLOSED', line: 2 });
  });

  it('refuses a record longer than the limit without reading the rest of the line', async () => {
    expect(await syntaxError(`a,b\n${'x'.repeat(100)}`, 50)).toMatchObject({ code: 'CSV_MAX_RECORD_SIZE', line: 2 });
    expect(await syntaxError(`a,b\n"${'x\n'.repeat(40)}`, 50)).toMatchObject({ code: 'CSV_MAX_RECORD_SIZE', line: 2 });
  });

  it('reads nothing from an empty text or blank lines', async () => {
    expect(await records('')).toEqual([]);
    expect(await records('\n\r\n\n')).toEqual([]);
  });
});
