import { stringify } from 'csv-stringify/sync';

/** CSV text of rows with a header, written by csv-stringify. */

const FORMULA_START = /^[=+\-@\t\r]/;

/** Neutralises spreadsheet formulas in text cells (a benchmark name like `=cmd|...`) by prefixing a quote; numbers stay numbers. */
export function escapeFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** Serialises rows to CSV with the given columns; null is an empty cell, booleans are `true`/`false`. */
export function toCsv<C extends string>(columns: readonly C[], rows: ReadonlyArray<Record<C, unknown>>): string {
  return stringify(rows as Array<Record<string, unknown>>, {
    header: true,
    columns: columns as unknown as string[],
    cast: {
      boolean: (value) => (value ? 'true' : 'false'),
      string: (value) => escapeFormula(value),
    },
  });
}
