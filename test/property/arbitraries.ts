/**
 * Shared fast-check arbitraries for the property tests of parsers: garbage text (unicode, random bytes read as latin1
 * or utf8), numbers as text (huge, NaN, Infinity, negative, hex, empty) and the missing-value tokens of
 * power-interfaces.md §0, and real fixture text cut short, with lines removed, duplicated or swapped and numbers swapped
 * for hostile ones. Runs are kept small so the whole folder stays within a few seconds on a loaded 2-core machine.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { expect } from 'vitest';

/** Runs per property: enough to shake out garbage handling, small enough for a slow CI machine. */
export const RUNS = 200;
/** Runs for properties that write files. */
export const FILE_RUNS = 60;

/** The test fixtures folder (with a trailing slash). */
export const FIXTURES = new URL('../fixtures/', import.meta.url).pathname;

/** Reads fixture files (paths relative to test/fixtures) as utf8. */
export function fixtures(...names: string[]): string[] {
  return names.map((n) => readFileSync(`${FIXTURES}${n}`, 'utf8'));
}

/** Missing-value tokens the tools print instead of a number (power-interfaces.md §0), plus JSON and shell spellings. */
export const MISSING_TOKENS = [
  '[N/A]',
  'N/A',
  '[Not Supported]',
  'Not Supported',
  '[Unknown Error]',
  '[Insufficient Permissions]',
  '[GPU is lost]',
  'N/A (Secondary die)',
  '"N/A"',
  '"N/A (Secondary die)"',
  'NA',
  '-',
  '--',
  'null',
  'None',
  'undefined',
  '<not counted>',
  '<not supported>',
  'No data available',
  'EIO',
] as const;

/** Numbers that break naive parsing, as text. */
export const HOSTILE_NUMBERS = [
  '',
  ' ',
  '0',
  '-0',
  '+0',
  '00',
  '1e308',
  '1.7976931348623157e308',
  '1e309',
  '1e400',
  '-1e400',
  '9'.repeat(400),
  `${'9'.repeat(400)}.5`,
  '18446744073709551615',
  '18446744073709551616',
  '9007199254740993',
  '5e-324',
  '1e-400',
  'NaN',
  'nan',
  'Infinity',
  '-Infinity',
  'inf',
  '-1',
  '-5e3',
  '-0.001',
  '0x1F',
  '0xffffffffffffffff',
  '0b101',
  '0o17',
  '1_000',
  '1,5',
  '1.234,5',
  '1,234.5',
  '1.2.3',
  '.5',
  '5.',
  '+5',
  '--5',
  '1e',
  'e5',
  '١٢٣',
  '１２',
  '12\u00a0345',
  '3 W',
  '3W',
  '7 mW',
] as const;

/** A number written as text: hostile constants, missing tokens, or a random double/integer/bigint/hex. */
export const numberText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...HOSTILE_NUMBERS),
  fc.constantFrom(...MISSING_TOKENS),
  fc.double().map(String),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((x) => x.toFixed(3)),
  fc.integer().map(String),
  fc.bigInt({ min: -(2n ** 128n), max: 2n ** 128n }).map(String),
  fc.nat().map((n) => `0x${n.toString(16)}`),
  fc.nat({ max: 420 }).map((n) => '7'.repeat(Math.max(1, n))),
);

/** A JSON value that breaks naive readers of numbers: huge, negative, NaN-ish strings, nested, null. */
export const hostileJsonValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, 0, -0, -1, 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER, 2 ** 64, '', [], {}),
  numberText,
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.record({ value: fc.oneof(numberText, fc.double({ noNaN: true, noDefaultInfinity: true })), unit: fc.constantFrom('W', 'mW', 'uW', 'µW', 'kW', '', 'constructor', '__proto__', 'toString') }),
  fc.jsonValue({ maxDepth: 2 }),
);

/** Random bytes read the way a tool's output is read: as latin1 or as utf8 (replacement characters included). */
export const bytesText: fc.Arbitrary<string> = fc
  .tuple(fc.uint8Array({ maxLength: 300 }), fc.constantFrom<BufferEncoding>('latin1', 'utf8'))
  .map(([bytes, enc]) => Buffer.from(bytes).toString(enc));

/** Arbitrary unicode, control characters and lone surrogates included. */
export const unicodeText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.string({ unit: fc.constantFrom('\n', '\r', '\t', ' ', '|', ',', ':', '"', '[', ']', '{', '}', '<', '>', '/', '\0', '0', '9', '.', '-', 'e', 'W'), maxLength: 200 }),
);

/** Lines of garbage built from tokens a parser looks for, so garbage gets past the first checks. */
export function tokenSoup(tokens: readonly string[]): fc.Arbitrary<string> {
  const token = fc.oneof(fc.constantFrom(...tokens), numberText, fc.constantFrom(' ', '  ', '\t', ',', ', ', '|', ':', '\n', '\r\n'));
  return fc.array(token, { maxLength: 60 }).map((parts) => parts.join(''));
}

type Edit =
  | { op: 'truncate'; at: number }
  | { op: 'drop'; line: number }
  | { op: 'dup'; line: number }
  | { op: 'swap'; a: number; b: number }
  | { op: 'number'; nth: number; text: string }
  | { op: 'insert'; line: number; text: string }
  | { op: 'crlf' };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('drop' as const), line: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('dup' as const), line: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('swap' as const), a: fc.nat(), b: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('number' as const), nth: fc.nat(), text: numberText }), weight: 4 },
  { arbitrary: fc.record({ op: fc.constant('insert' as const), line: fc.nat(), text: fc.oneof(unicodeText, bytesText) }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('crlf' as const) }), weight: 1 },
);

const NUMBER_IN_TEXT = /-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/g;

/** Applies one edit to a text (indices are taken modulo what the text has). */
export function applyEdit(text: string, e: Edit): string {
  const lines = text.split('\n');
  switch (e.op) {
    case 'truncate':
      return text.slice(0, e.at % (text.length + 1));
    case 'drop':
      lines.splice(e.line % lines.length, 1);
      return lines.join('\n');
    case 'dup': {
      const i = e.line % lines.length;
      lines.splice(i, 0, lines[i] as string);
      return lines.join('\n');
    }
    case 'swap': {
      const a = e.a % lines.length;
      const b = e.b % lines.length;
      [lines[a], lines[b]] = [lines[b] as string, lines[a] as string];
      return lines.join('\n');
    }
    case 'number': {
      const found = [...text.matchAll(NUMBER_IN_TEXT)];
      if (found.length === 0) return text;
      const m = found[e.nth % found.length] as RegExpMatchArray;
      const at = m.index as number;
      return text.slice(0, at) + e.text + text.slice(at + m[0].length);
    }
    case 'insert':
      lines.splice(e.line % (lines.length + 1), 0, e.text);
      return lines.join('\n');
    case 'crlf':
      return text.replace(/\n/g, '\r\n');
  }
}

/** Real fixture text, unchanged or damaged by up to `maxEdits` edits. */
export function damaged(texts: readonly string[], maxEdits = 4): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom(...texts), fc.array(edit, { maxLength: maxEdits })).map(([t, edits]) => edits.reduce(applyEdit, t));
}

/** JSON fixtures with one leaf (or a whole subtree) replaced by a hostile value, serialised again. */
export function damagedJson(texts: readonly string[]): fc.Arbitrary<string> {
  const docs = texts.map((t) => {
    try {
      return JSON.parse(t) as unknown;
    } catch {
      return t;
    }
  });
  return fc
    .tuple(fc.constantFrom(...docs), fc.array(fc.tuple(fc.nat(), hostileJsonValue), { maxLength: 3 }))
    .map(([doc, swaps]) => {
      let out: unknown = structuredClone(doc);
      for (const [nth, value] of swaps) out = replaceNode(out, nth, value);
      return typeof out === 'string' ? out : JSON.stringify(out);
    });
}

/** Replaces the nth node (pre-order, modulo the node count) of a JSON document. */
function replaceNode(doc: unknown, nth: number, value: unknown): unknown {
  const nodes: Array<{ parent: Record<string, unknown> | unknown[] | null; key: string | number }> = [];
  const walk = (v: unknown, parent: Record<string, unknown> | unknown[] | null, key: string | number): void => {
    nodes.push({ parent, key });
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, v, i));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, v as Record<string, unknown>, k);
  };
  walk(doc, null, '');
  const target = nodes[nth % nodes.length] as (typeof nodes)[number];
  if (target.parent === null) return value;
  (target.parent as Record<string | number, unknown>)[target.key] = value;
  return doc;
}

/** Everything a parser of tool text should survive: fixtures (damaged), token soup, unicode and bytes. */
export function toolText(texts: readonly string[], tokens: readonly string[] = []): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: damaged(texts), weight: 5 },
    { arbitrary: tokenSoup([...tokens, ...MISSING_TOKENS]), weight: 2 },
    { arbitrary: unicodeText, weight: 1 },
    { arbitrary: bytesText, weight: 1 },
  );
}

/** Everything a parser of JSON answers should survive: JSON fixtures damaged as text and as values, random JSON, garbage. */
export function jsonText(texts: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: damaged(texts, 2), weight: 3 },
    { arbitrary: damagedJson(texts), weight: 4 },
    { arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)), weight: 1 },
    { arbitrary: unicodeText, weight: 1 },
    { arbitrary: bytesText, weight: 1 },
  );
}

/** A finite number that is not negative (watts, joules, seconds, percent). */
export function expectNonNegative(x: number, what = 'value'): void {
  expect(Number.isFinite(x), `${what} ${x} is not finite`).toBe(true);
  expect(x >= 0, `${what} ${x} is negative`).toBe(true);
}

/** null, or a finite non-negative number at most `max`. */
export function expectNullOrInRange(x: number | null, max: number, what = 'value'): void {
  if (x === null) return;
  expectNonNegative(x, what);
  expect(x <= max, `${what} ${x} above ${max}`).toBe(true);
}

/** A non-negative safe integer (ids, indices, counts). */
export function expectIndex(x: number, what = 'index'): void {
  expect(Number.isSafeInteger(x) && x >= 0, `${what} ${x} is not a non-negative safe integer`).toBe(true);
}

/**
 * Asserts a property over `arb` and that the parser gave a well-formed (non-null) answer at least once, so the
 * well-formedness checks were exercised and not only the garbage path.
 */
export function assertParser<T, R>(
  arb: fc.Arbitrary<T>,
  parse: (input: T) => R,
  check: (result: R, input: T) => void,
  options: { usable?: (result: R) => boolean; examples?: T[]; numRuns?: number } = {},
): void {
  let usable = 0;
  const isUsable = options.usable ?? ((r: R) => r !== null && r !== undefined);
  fc.assert(
    fc.property(arb, (input) => {
      const result = parse(input);
      check(result, input);
      if (isUsable(result)) usable += 1;
    }),
    { numRuns: options.numRuns ?? RUNS, examples: (options.examples ?? []).map((e) => [e] as [T]) },
  );
  expect(usable, 'no generated input gave a usable answer: the well-formedness checks were never exercised').toBeGreaterThan(0);
}
