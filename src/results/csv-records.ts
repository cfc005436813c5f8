/**
 * Splits a CSV byte stream into records with the line each starts on, fast enough to read a hundred thousand rows in
 * well under a second. Records as wattbench writes them (RFC 4180: `,` between cells, `"…"` around a cell holding a
 * comma, quote or line break, `""` for a quote inside it) are split here; a record this splitter is not sure of (a
 * quote in the middle of an unquoted cell, text after a closing quote, a lone CR line end) is handed to csv-parse,
 * which either reads it or explains what is wrong. csv-parse alone reads ~8 MB/s, which is what this file is for.
 * One difference from csv-parse, on purpose: a line feed outside quotes always ends a record (csv-parse guesses one
 * record delimiter per file, so a file mixing LF and CRLF lines, as an edited file may, reads there as one bad record).
 */
import { StringDecoder } from 'node:string_decoder';
import { CsvError, parse } from 'csv-parse/sync';

/** One record and the 1-based line where it starts. */
export interface CsvRecord {
  cells: string[];
  line: number;
}

/** Why the text could not be split into records, and where. */
export class CsvSyntaxError extends Error {
  constructor(
    /** 1-based line where the bad record starts (or where csv-parse found the fault). */
    readonly line: number,
    /** csv-parse's error code (`CSV_…`), or `CSV_MAX_RECORD_SIZE` / `CSV_QUOTE_NOT_CLOSED` found here. */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

/** Options of `csvRecords`. */
export interface CsvRecordOptions {
  /** Longest record accepted, in characters: a hostile file without line breaks must not fill the memory. */
  maxRecordChars: number;
}

const QUOTE = 34;
const COMMA = 44;

/** How a text with quotes splits: its cells, `open` when it ends inside a quoted cell, `bad` when not plainly RFC 4180. */
type Scan = string[] | 'open' | 'bad';

function scanRecord(text: string): Scan {
  const cells: string[] = [];
  const n = text.length;
  let i = 0;
  for (;;) {
    if (text.charCodeAt(i) === QUOTE) {
      let value = '';
      let from = i + 1;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q === -1) return 'open';
        value += text.slice(from, q);
        if (text.charCodeAt(q + 1) === QUOTE) {
          value += '"';
          from = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      cells.push(value);
      if (i === n) return cells;
      if (text.charCodeAt(i) !== COMMA) return 'bad';
      i++;
    } else {
      const comma = text.indexOf(',', i);
      const end = comma === -1 ? n : comma;
      const value = text.slice(i, end);
      // csv-parse refuses a quote inside an unquoted cell, and a bare CR or LF there means another record delimiter.
      if (value.includes('"') || value.includes('\r') || value.includes('\n')) return 'bad';
      cells.push(value);
      if (comma === -1) return cells;
      i = comma + 1;
    }
  }
}

/**
 * Splits one record that contains quotes, strictly by RFC 4180; null when it is not plainly well formed (then
 * csv-parse decides). `text` has no record delimiter at its end but may hold line breaks inside quoted cells.
 */
export function splitQuotedRecord(text: string): string[] | null {
  const scan = scanRecord(text);
  return typeof scan === 'string' ? null : scan;
}

function countQuotes(text: string): number {
  let count = 0;
  for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i + 1)) count++;
  return count;
}

/** Records of a text that the strict splitter did not take, read by csv-parse; its faults become CsvSyntaxErrors. */
function parseWithCsvParse(text: string, line: number): CsvRecord[] {
  try {
    const records = parse(text, { relax_column_count: true, skip_empty_lines: true }) as string[][];
    return records.map((cells) => ({ cells, line }));
  } catch (err) {
    if (err instanceof CsvError) {
      const at = typeof (err as { lines?: unknown }).lines === 'number' ? (err as unknown as { lines: number }).lines : 1;
      throw new CsvSyntaxError(line + Math.max(0, at - 1), err.code, err.message);
    }
    throw err;
  }
}

/**
 * Reads CSV records from a byte stream, a batch per chunk read (one `await` per chunk rather than per record).
 * Empty lines are skipped, a leading byte-order mark is dropped, LF and CRLF line ends are both read (mixed too).
 * Throws a CsvSyntaxError naming the line for an unclosed quote, an over-long record or what csv-parse refuses.
 */
export async function* csvRecords(chunks: AsyncIterable<Buffer | string>, options: CsvRecordOptions): AsyncGenerator<CsvRecord[]> {
  const decoder = new StringDecoder('utf8');
  const max = options.maxRecordChars;
  let carry = '';
  let first = true;
  let line = 0;
  /** A quoted record that spans lines: its text so far, where it started, and its quote count so far. */
  let pending: { text: string; line: number; quotes: number } | null = null;

  const tooLong = (at: number): CsvSyntaxError => new CsvSyntaxError(at, 'CSV_MAX_RECORD_SIZE', `a record is longer than ${max} characters`);

  const take = (raw: string, out: CsvRecord[]): void => {
    line++;
    if (pending !== null) {
      pending.text += `\n${raw}`;
      pending.quotes += countQuotes(raw);
      if (pending.text.length > max) throw tooLong(pending.line);
      if (pending.quotes % 2 === 1) return;
      const done = pending;
      pending = null;
      finish(done.text, done.line, out);
      return;
    }
    if (raw.length > max) throw tooLong(line);
    const text = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
    if (text === '') return;
    if (!text.includes('"')) {
      if (text.includes('\r')) out.push(...parseWithCsvParse(text, line));
      else out.push({ cells: text.split(','), line });
      return;
    }
    const quotes = countQuotes(raw);
    // An odd number of quotes opens a cell that goes on over the next lines, unless the line is malformed before that.
    if (quotes % 2 === 1 && scanRecord(text) === 'open') {
      pending = { text: raw, line, quotes };
      return;
    }
    finish(text, line, out);
  };

  const finish = (raw: string, at: number, out: CsvRecord[]): void => {
    const text = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
    const cells = splitQuotedRecord(text);
    if (cells !== null) out.push({ cells, line: at });
    else out.push(...parseWithCsvParse(text, at));
  };

  for await (const chunk of chunks) {
    let text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    const out: CsvRecord[] = [];
    let from = 0;
    let nl = text.indexOf('\n');
    if (nl !== -1) {
      take(carry + text.slice(0, nl), out);
      carry = '';
      from = nl + 1;
      for (nl = text.indexOf('\n', from); nl !== -1; nl = text.indexOf('\n', from)) {
        take(text.slice(from, nl), out);
        from = nl + 1;
      }
    }
    carry += text.slice(from);
    if (carry.length > max) throw tooLong(line + 1);
    if (out.length > 0) yield out;
  }
  carry += decoder.end();
  const out: CsvRecord[] = [];
  if (carry !== '') take(carry, out);
  if (pending !== null) {
    const open: { line: number } = pending;
    throw new CsvSyntaxError(open.line, 'CSV_QUOTE_NOT_CLOSED', 'a quoted cell is never closed');
  }
  if (out.length > 0) yield out;
}
