/**
 * Finds the windows of a sidecar written in the sidecar layout (`results/sidecar-text.ts`: one window per line)
 * without decoding or parsing them: a report draws one window per benchmark configuration, chosen from the CSV
 * rows, so it decodes and parses those lines only, however many windows (and samples) the sidecar holds. Works on
 * the bytes: a line break or a comma is one byte in UTF-8 and never part of another character. Null when the text is
 * not in that layout; the caller then parses it whole.
 */
import { WINDOWS_START } from '../results/sidecar-text.js';

/** A sidecar's members other than `windows`, and its window lines. */
export interface SidecarLines {
  /** The document without its windows (`windows` is an empty array here). */
  head: Record<string, unknown>;
  /** Number of window lines. */
  count: number;
  /** The text of window `index` (0-based), without the comma between windows; it may not parse. */
  line(index: number): string;
}

const START = Buffer.from(WINDOWS_START, 'utf8');
const CLOSE = Buffer.from('\n  ]', 'utf8');
const LF = 0x0a;
const COMMA = 0x2c;

/**
 * Splits a sidecar in the sidecar layout into its other members and its window lines; null when it is not in that
 * layout. A line is only a window if it parses on its own: whoever reads one must check that it does.
 */
export function sidecarLines(content: string | Uint8Array): SidecarLines | null {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  const at = bytes.indexOf(START);
  if (at === -1) return null;
  const bodyStart = at + START.length;
  const close = bytes.lastIndexOf(CLOSE);
  if (close < bodyStart || !/^\n {2}\]\s*\}\s*$/.test(bytes.toString('utf8', close))) return null;
  let head: unknown;
  try {
    // The text up to the opened array, closed at once: it parses only if `windows` is a key of the top-level object.
    head = JSON.parse(`${bytes.toString('utf8', 0, bodyStart - 1)}]}`);
  } catch {
    return null;
  }
  if (typeof head !== 'object' || head === null || Array.isArray(head)) return null;
  const starts: number[] = [bodyStart];
  for (let nl = bytes.indexOf(LF, bodyStart); nl !== -1 && nl < close; nl = bytes.indexOf(LF, nl + 1)) {
    // Every line but the last ends with the comma between windows (a window itself holds no raw line break).
    if (bytes[nl - 1] !== COMMA) return null;
    starts.push(nl + 1);
  }
  const count = starts.length;
  return {
    head: head as Record<string, unknown>,
    count,
    line: (index) => {
      const start = starts[index] as number;
      const end = index + 1 < count ? (starts[index + 1] as number) - 2 : close;
      return bytes.toString('utf8', start, end);
    },
  };
}
