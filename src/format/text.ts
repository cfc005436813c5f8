/** Plain text for the terminal: numbers with sensible precision, aligned tables, and names made safe to print. */

/** Formats a number with `digits` significant digits, or `-` for null. */
export function num(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '-';
  if (x !== 0 && (Math.abs(x) >= 1e6 || Math.abs(x) < 1e-3)) return x.toExponential(digits - 1);
  return Number(x.toPrecision(digits)).toString();
}

/** Formats a fraction as a percentage with one decimal, or `-`. */
export function pct(fraction: number | null | undefined): string {
  return fraction === null || fraction === undefined || !Number.isFinite(fraction) ? '-' : `${(fraction * 100).toFixed(1)}%`;
}

/** Renders rows as a left-aligned table with a header line. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

// Control characters (terminal escape sequences) and bidirectional overrides in names must not reach a terminal.
const TERMINAL_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Makes a name (data, possibly hostile) safe to print on a terminal: control characters become `?`, long names are cut. */
export function termText(text: string, max = 80): string {
  const safe = text.replace(TERMINAL_UNSAFE, '?');
  return safe.length > max ? `${safe.slice(0, max - 1)}…` : safe;
}
