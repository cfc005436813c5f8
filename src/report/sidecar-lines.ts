/**
 * Reads the windows of a sidecar written in the sidecar layout (`results/sidecar-text.ts`: one window per line) one
 * line at a time, and parses each window without its power series: the series are most of a sidecar's bytes, and a
 * report draws the series of only one window per benchmark configuration. That window is parsed again whole when it
 * is chosen. The result is exactly what `JSON.parse` of the whole text gives, or null when the text is not in that
 * layout or anything is unsure, and the caller then parses it whole.
 */
import { WINDOWS_START } from '../results/sidecar-text.js';

/** A window of a sidecar: its value (series possibly left out), whether it has a series, and its value whole. */
export interface SidecarWindow {
  /** The window as parsed; a series left out is the string SERIES_LEFT_OUT. */
  value: unknown;
  /** The whole window, series included (parsed again from its line when it is read from lines). */
  whole: () => unknown;
}

/** What stands in place of a series that was not parsed. */
export const SERIES_LEFT_OUT = '\u0000wb-series-left-out';
/** How SERIES_LEFT_OUT is spelled inside JSON text. */
const LEFT_OUT_JSON = '"\\u0000wb-series-left-out"';

const SERIES_KEY = '"series":[[';
const NUMBER = '-?(?:0|[1-9]\\d*)(?:\\.\\d+)?(?:[eE][+-]?\\d+)?';
/** A non-empty series of numeric points as JSON.stringify writes it: nothing in it can hide a bracket or a quote. */
const SERIES_TEXT = new RegExp(`^\\[\\[${NUMBER}(?:,${NUMBER})*\\](?:,\\[${NUMBER}(?:,${NUMBER})*\\])*\\]$`);

/** A window's line with each plainly numeric series replaced by SERIES_LEFT_OUT. */
function withoutSeries(line: string): string {
  let out = '';
  let from = 0;
  for (let key = line.indexOf(SERIES_KEY); key !== -1; key = line.indexOf(SERIES_KEY, key + 1)) {
    // Only a key can follow `{` or `,` with a quote (inside a string a quote is escaped): anything else stays as it is.
    const before = line.charCodeAt(key - 1);
    if (before !== 123 && before !== 44) continue;
    const start = key + SERIES_KEY.length - 2;
    const end = line.indexOf(']]', start);
    if (end === -1) break;
    if (!SERIES_TEXT.test(line.slice(start, end + 2))) continue;
    out += `${line.slice(from, start)}${LEFT_OUT_JSON}`;
    from = end + 2;
    key = end + 1;
  }
  return from === 0 ? line : out + line.slice(from);
}

/** Thrown by the windows of `sidecarLines` at a line that is not one window of the sidecar layout. */
export class NotInLayout extends Error {
  constructor() {
    super('not in the sidecar layout');
    this.name = 'NotInLayout';
  }
}

/**
 * Splits a sidecar text in the sidecar layout into its other members and its windows; null when the text is not in
 * that layout. The windows are parsed one at a time as they are iterated, so that they need not all be held at once;
 * iterating throws NotInLayout at a line that does not parse (the whole text must then be parsed, which also reports
 * what is wrong).
 */
export function sidecarLines(text: string): { head: Record<string, unknown>; windows: Iterable<SidecarWindow> } | null {
  const at = text.indexOf(WINDOWS_START);
  if (at === -1 || text.includes(LEFT_OUT_JSON)) return null;
  const bodyStart = at + WINDOWS_START.length;
  const close = text.lastIndexOf('\n  ]');
  if (close < bodyStart || !/^\n {2}\]\s*\}\s*$/.test(text.slice(close))) return null;
  let head: unknown;
  try {
    // The text up to the opened array, closed at once: it parses only if `windows` is a key of the top-level object.
    head = JSON.parse(`${text.slice(0, bodyStart - 1)}]}`);
  } catch {
    return null;
  }
  if (typeof head !== 'object' || head === null || Array.isArray(head)) return null;
  return { head: head as Record<string, unknown>, windows: windowsOf(text.slice(bodyStart, close)) };
}

function* windowsOf(body: string): Generator<SidecarWindow> {
  let from = 0;
  for (;;) {
    const nl = body.indexOf('\n', from);
    const last = nl === -1;
    let line = last ? body.slice(from) : body.slice(from, nl);
    if (!last) {
      // Every line but the last ends with the comma between windows.
      if (!line.endsWith(',')) throw new NotInLayout();
      line = line.slice(0, -1);
    }
    let value: unknown;
    try {
      value = JSON.parse(withoutSeries(line));
    } catch {
      throw new NotInLayout();
    }
    const whole = line;
    yield { value, whole: () => JSON.parse(whole) as unknown };
    if (last) return;
    from = nl + 1;
  }
}
