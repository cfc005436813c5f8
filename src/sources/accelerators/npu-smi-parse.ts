/**
 * Lenient parsers for Huawei Ascend `npu-smi` text (power-interfaces.md §7): the `npu-smi info` summary table in its
 * 910B, Atlas A3 and 310/310P layouts, and the key/value output of `npu-smi info -t power|usages`. They never throw.
 */

/** One chip of the summary table (two physical lines: the NPU line and the chip line). */
export interface NpuChipRow {
  /** Card id (the `NPU` column), as `-i` takes it; need not start at 0. */
  npuId: number;
  /** Chip id on the card (the `Chip` column), as `-c` takes it. */
  chipId: number;
  /** The second id on the chip line: `Phy-ID` on Atlas A3, the logical `Device` on 310/310P; null on 910B. */
  chipSecondId: number | null;
  /** Chip name such as `910B3`, `Ascend910` or `310P3`. */
  name: string;
  /** Health column (`OK`, `Warning`, `Alarm`, `Critical`...). */
  health: string;
  busId: string;
  /** Power(W), or null when the table shows `NA`, `-` or something unreadable. */
  powerW: number | null;
  /** The Power(W) cell token as printed (for reasons). */
  powerText: string;
  /** AICore(%), or null when not a percentage. */
  aicorePct: number | null;
  aicoreText: string;
}

/** Which table layout `npu-smi info` printed. */
export type NpuLayout = '910b' | 'a3' | '310' | 'unknown';

/** The parsed summary table. */
export interface NpuSmiInfo {
  /** The npu-smi version from the title line, or null. */
  version: string | null;
  layout: NpuLayout;
  chips: NpuChipRow[];
}

/** No accelerator card draws more than this; a larger Power(W) is garbage. */
const MAX_PLAUSIBLE_W = 10_000;
const MAX_ID = 1_000_000;

/** Parses a watt token; `NA`, `-`, negatives, NaN and absurd values give null. */
export function parseWattsToken(token: string | undefined): number | null {
  if (token === undefined || !/^\d+(?:\.\d+)?$/.test(token)) return null;
  const w = Number(token);
  return Number.isFinite(w) && w <= MAX_PLAUSIBLE_W ? w : null;
}

function parsePct(token: string | undefined): number | null {
  if (token === undefined || !/^\d+(?:\.\d+)?$/.test(token)) return null;
  const p = Number(token);
  return p <= 100 ? p : null;
}

function parseId(token: string | undefined): number | null {
  if (token === undefined || !/^\d{1,7}$/.test(token)) return null;
  const n = Number(token);
  return n < MAX_ID ? n : null;
}

/** Splits a `|` row into cells, each a list of tokens; `used / total` pairs become one token so columns stay aligned. */
function rowCells(line: string): string[][] {
  const inner = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  return inner.split('|').map((cell) =>
    cell
      .trim()
      .replace(/\s*\/\s*/g, '/')
      .split(/\s+/)
      .filter((t) => t.length > 0),
  );
}

/** Finds the cell and token index of a header name, e.g. `Power(W)` in the third cell. */
function locate(header: string[][], pattern: RegExp): { cell: number; token: number } | null {
  for (let c = 0; c < header.length; c++) {
    const t = (header[c] ?? []).findIndex((tok) => pattern.test(tok));
    if (t !== -1) return { cell: c, token: t };
  }
  return null;
}

function pick(cells: string[][], at: { cell: number; token: number }): string {
  return cells[at.cell]?.[at.token] ?? '';
}

function chipOf(
  line1: string[][],
  line2: string[][],
  powerAt: { cell: number; token: number },
  aicoreAt: { cell: number; token: number },
): NpuChipRow | null {
  if (line1.length < 3 || line2.length < 3) return null;
  const npuId = parseId(line1[0]?.[0]);
  const chipId = parseId(line2[0]?.[0]);
  if (npuId === null || chipId === null) return null;
  const powerText = pick(line1, powerAt);
  const aicoreText = pick(line2, aicoreAt);
  return {
    npuId,
    chipId,
    chipSecondId: parseId(line2[0]?.[1]),
    name: (line1[0] ?? []).slice(1).join(' '),
    health: (line1[1] ?? []).join(' '),
    busId: (line2[1] ?? []).join(' '),
    powerW: parseWattsToken(powerText),
    powerText,
    aicorePct: parsePct(aicoreText),
    aicoreText,
  };
}

/**
 * Parses the `npu-smi info` summary table: chips come in two-line blocks between `+---`/`+===` separators, after the
 * two header lines and before the process table. Returns null when no chip can be read.
 */
export function parseNpuSmiInfo(text: string): NpuSmiInfo | null {
  if (typeof text !== 'string') return null;
  const lines = text.split(/\r?\n/);
  let version: string | null = null;
  let layout: NpuLayout = 'unknown';
  let header1: string[][] | null = null;
  let header2: string[][] | null = null;
  let powerAt = { cell: 2, token: 0 };
  let aicoreAt = { cell: 2, token: 0 };
  const chips: NpuChipRow[] = [];
  let block: string[][][] = [];
  const flush = (): void => {
    for (let i = 0; i + 1 < block.length; i += 2) {
      const chip = chipOf(block[i] as string[][], block[i + 1] as string[][], powerAt, aicoreAt);
      if (chip) chips.push(chip);
    }
    block = [];
  };
  for (const raw of lines) {
    const line = raw.trim();
    if (line.startsWith('+')) {
      if (header2) flush();
      continue;
    }
    if (!line.startsWith('|')) continue;
    // The process table repeats `NPU  Chip` ids in its rows; nothing after its header is a chip.
    if (/Process (id|name)|No running processes/i.test(line)) {
      if (header2) flush();
      break;
    }
    const cells = rowCells(line);
    const first = cells[0] ?? [];
    if (!header1) {
      const v = /npu-smi\s+(\S+)/i.exec(line);
      if (v) version = v[1] ?? null;
      if (first[0] === 'NPU' && cells.some((c) => c.some((t) => /^Power/i.test(t)))) {
        header1 = cells;
        powerAt = locate(cells, /^Power/i) ?? powerAt;
      }
      continue;
    }
    if (!header2) {
      if (first[0] === 'Chip') {
        header2 = cells;
        aicoreAt = locate(cells, /^AICore/i) ?? aicoreAt;
        const second = first[1] ?? '';
        layout = /^Phy-?ID$/i.test(second) ? 'a3' : /^Device$/i.test(second) ? '310' : '910b';
      }
      continue;
    }
    block.push(cells);
  }
  if (header2) flush();
  return chips.length > 0 ? { version, layout, chips } : null;
}

/** One block of `npu-smi info -t <type>` key/value output; multi-chip cards print one block per `Chip ID`. */
export interface NpuKeyValueBlock {
  /** The block's `Chip ID`, or null when the output names none. */
  chipId: number | null;
  entries: Array<[key: string, value: string]>;
}

/**
 * Parses key/value lines (`\tNPU Real-time Power(W)         : 91.8`); a `Chip ID : N` line separates chips, whether it
 * heads each block or closes it. Lines without a colon are skipped.
 */
export function parseNpuKeyValues(text: string): NpuKeyValueBlock[] {
  if (typeof text !== 'string') return [];
  const pairs: Array<[string, string]> = [];
  for (const raw of text.split(/\r?\n/)) {
    const at = raw.indexOf(':');
    if (at <= 0) continue;
    const key = raw.slice(0, at).trim();
    // Values may hold colons (bus ids, MAC addresses); keys never do.
    const value = raw.slice(at + 1).trim();
    if (key.length > 0 && key.length <= 80) pairs.push([key, value]);
  }
  const isChip = (k: string): boolean => /^chip\s*id$/i.test(k);
  const chipLines = pairs.filter(([k]) => isChip(k)).length;
  if (chipLines === 0) return pairs.length > 0 ? [{ chipId: null, entries: pairs }] : [];
  const heads = isChip(pairs[0]?.[0] ?? '');
  const blocks: NpuKeyValueBlock[] = [];
  let current: NpuKeyValueBlock = { chipId: null, entries: [] };
  for (const [k, v] of pairs) {
    if (!isChip(k)) {
      current.entries.push([k, v]);
      continue;
    }
    if (heads) {
      if (current.entries.length > 0 || current.chipId !== null) blocks.push(current);
      current = { chipId: parseId(v), entries: [] };
    } else {
      current.chipId = parseId(v);
      blocks.push(current);
      current = { chipId: null, entries: [] };
    }
  }
  if (current.entries.length > 0 || current.chipId !== null) blocks.push(current);
  return blocks;
}

/** One value found in key/value output, per chip block. */
export interface NpuChipValue {
  chipId: number | null;
  /** The number, or null when the key was there but its value was `NA`, `-` or unreadable. */
  value: number | null;
  /** The key and value as printed, for reasons. */
  key: string;
  text: string;
}

/**
 * Finds the power of each block of `npu-smi info -t power` output: any key holding `Power` and `(W)` (`NPU Real-time
 * Power(W)` on 910B/910_93, `Power Dissipation(W)` on Atlas 300/310), except a `Rated` power, which is the card's
 * nameplate figure and not a measurement. Returns an empty list when no block has such a key.
 */
export function parseNpuPower(text: string): NpuChipValue[] {
  const found: NpuChipValue[] = [];
  for (const block of parseNpuKeyValues(text)) {
    const entry = block.entries.find(([k]) => /power/i.test(k) && k.includes('(W)') && !/rated/i.test(k));
    if (entry) found.push({ chipId: block.chipId, key: entry[0], text: entry[1], value: parseWattsToken(entry[1]) });
  }
  return found;
}

/** Finds `Aicore Usage Rate(%)` in each block of `npu-smi info -t usages` output; empty when there is none. */
export function parseNpuAicore(text: string): NpuChipValue[] {
  const found: NpuChipValue[] = [];
  for (const block of parseNpuKeyValues(text)) {
    const entry = block.entries.find(([k]) => /^ai\s*core usage rate/i.test(k));
    if (entry) found.push({ chipId: block.chipId, key: entry[0], text: entry[1], value: parsePct(entry[1]) });
  }
  return found;
}
