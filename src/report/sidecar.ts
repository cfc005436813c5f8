/**
 * Reduces a run's JSON sidecar to what a report draws from it: the machine's fingerprint, probes and total rule,
 * and per benchmark configuration one typical window (the median valid repetition by energy, else by duration) with
 * each energy source's energy (the energy split) and thinned power timeline. The typical windows are chosen from the
 * run's CSV rows when the report has them, and only their lines of the sidecar are parsed (`sidecar-lines.ts`), so a
 * sidecar of a hundred thousand windows costs a read, not a parse; a sidecar in another layout, or one that does not
 * match its CSV, is parsed whole and chosen from by the same rule. The document is treated as hostile: anything of
 * the wrong shape is skipped, never trusted.
 */
import { sidecarLines } from './sidecar-lines.js';
import type { SidecarInput } from '../results/sidecar-document.js';
import type { BenchmarkIdentity } from '../runner/types.js';

/** Points per source and timeline at most; longer series are averaged into this many time buckets. */
export const MAX_TIMELINE_POINTS = 120;

/** A probe as recorded in a sidecar. */
export interface SidecarProbe {
  id: string;
  kind: string;
  scope: string;
  quality: string;
  state: string;
  reason: string | null;
  description: string | null;
  /** The source's fidelity (`counter`, `instant`, `averaged`, `estimated`), or null when the sidecar predates it or it has none. */
  fidelity: string | null;
}

/** One energy source in the typical window: its energy and its power over time. */
export interface TypicalSource {
  id: string;
  scope: string;
  quality: string;
  inTotal: boolean;
  /** Energy over the window, or null when the source could not say. */
  energyJ: number | null;
  /** [seconds since the window started, watts], at most MAX_TIMELINE_POINTS points (empty when none were recorded). */
  series: Array<[number, number]>;
}

/** The median repetition (by energy, else duration) of a configuration, with its energy sources. */
export interface TypicalWindow {
  repetition: number;
  /** What the median was taken over: total energy, or duration when energy is unknown. */
  rankValue: number;
  sources: TypicalSource[];
}

/** A benchmark identity as a file states it: the kind is the file's word, unchecked (a sidecar is untrusted). */
export type StatedIdentity = Omit<BenchmarkIdentity, 'kind'> & { kind: string };

/** The windows of one benchmark configuration in one sidecar. */
export interface SidecarConfig extends StatedIdentity {
  /** Valid windows. */
  valid: number;
  typical: TypicalWindow | null;
}

/** The parts of a sidecar the report shows. */
export interface Sidecar {
  file: string;
  machine: string;
  runId: string | null;
  startedAt: string | null;
  complete: boolean | null;
  harness: string | null;
  node: string | null;
  /** Machine fingerprint (free-form object from systeminformation), or null. */
  fingerprint: Record<string, unknown> | null;
  sources: SidecarProbe[];
  totalRule: { ids: string[]; quality: string; description: string } | null;
  settings: Record<string, unknown> | null;
  configs: SidecarConfig[];
  /** Windows recorded, valid or not. */
  windows: number;
}

/** A sidecar summary, or why there is none. */
export type SidecarResult = { sidecar: Sidecar; note: null } | { sidecar: null; note: string };

/** One window as a CSV row describes it: what the typical window is chosen by, before the sidecar is read. */
export interface RowWindow extends StatedIdentity {
  repetition: number;
  valid: boolean;
  /** Energy of the window, else its duration. */
  rank: number;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const isEnergy = (kind: string | null): boolean => kind === 'counter' || kind === 'gauge';

/** Averages a series into at most `max` equal time buckets (a timeline needs its shape, not every sample). */
export function thinSeries(series: ReadonlyArray<readonly [number, number]>, max = MAX_TIMELINE_POINTS): Array<[number, number]> {
  if (series.length <= max) return series.map(([t, w]) => [t, w]);
  const first = series[0] as readonly [number, number];
  const last = series[series.length - 1] as readonly [number, number];
  const span = last[0] - first[0];
  if (!(span > 0)) return [[first[0], series.reduce((s, p) => s + p[1], 0) / series.length]];
  const sums = new Float64Array(max);
  const times = new Float64Array(max);
  const counts = new Uint32Array(max);
  for (const [t, w] of series) {
    const i = Math.min(max - 1, Math.max(0, Math.floor(((t - first[0]) / span) * max)));
    sums[i] = (sums[i] ?? 0) + w;
    times[i] = (times[i] ?? 0) + t;
    counts[i] = (counts[i] ?? 0) + 1;
  }
  const out: Array<[number, number]> = [];
  for (let i = 0; i < max; i++) {
    const c = counts[i] ?? 0;
    if (c > 0) out.push([(times[i] ?? 0) / c, (sums[i] ?? 0) / c]);
  }
  return out;
}

/** The readable [t, W] points of a recorded series, in time order. */
function seriesOf(v: unknown): Array<[number, number]> {
  if (!Array.isArray(v)) return [];
  const out: Array<[number, number]> = [];
  for (const p of v) {
    if (!Array.isArray(p) || p.length < 2) continue;
    const t = num(p[0]);
    const w = num(p[1]);
    if (t !== null && w !== null) out.push([t, w]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

function probeOf(v: unknown): SidecarProbe | null {
  if (!isRecord(v)) return null;
  const id = str(v.id);
  if (id === null) return null;
  return {
    id,
    kind: str(v.kind) ?? 'unknown',
    scope: str(v.scope) ?? 'unknown',
    quality: str(v.quality) ?? 'unknown',
    state: str(v.state) ?? 'unknown',
    reason: str(v.reason),
    description: str(v.description),
    fidelity: str(v.fidelity),
  };
}

/** What a sidecar window says of itself, read the way a CSV row is; null when it has no benchmark or repetition. */
function rowWindowOf(w: unknown): RowWindow | null {
  if (!isRecord(w)) return null;
  const benchmark = str(w.benchmark);
  const repetition = num(w.repetition);
  if (benchmark === null || repetition === null) return null;
  return {
    benchmark,
    kind: str(w.kind) ?? 'kernel',
    threads: num(w.threads),
    version: str(w.version),
    workUnit: str(w.workUnit) ?? '',
    repetition,
    valid: w.valid === true,
    rank: num(w.energyJ) ?? num(w.durationS) ?? 0,
  };
}

const configKey = (w: RowWindow): string => JSON.stringify([w.kind, w.benchmark, w.threads, w.version, w.workUnit]);

/** Whether a parsed window is the one a row describes (the sidecar and its CSV were written from the same windows). */
function sameWindow(row: RowWindow, window: RowWindow | null): boolean {
  // The CSV keeps 9 significant digits of the energy, the sidecar all of them.
  const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-7 * Math.max(Math.abs(a), Math.abs(b)) || Math.abs(a - b) < 1e-300;
  return (
    window !== null &&
    close(window.rank, row.rank) &&
    window.valid === row.valid &&
    window.benchmark === row.benchmark &&
    window.kind === row.kind &&
    window.threads === row.threads &&
    window.version === row.version &&
    window.workUnit === row.workUnit &&
    window.repetition === row.repetition
  );
}

/** The energy sources of a window, with their energy and thinned series. */
function typicalSources(w: unknown): TypicalSource[] {
  const out: TypicalSource[] = [];
  const recorded = isRecord(w) && Array.isArray(w.sources) ? w.sources : [];
  for (const s of recorded) {
    if (!isRecord(s) || !isEnergy(str(s.kind))) continue;
    const id = str(s.id);
    if (id === null) continue;
    const energyJ = num(s.energyJ);
    const series = seriesOf(s.series);
    if (energyJ === null && series.length === 0) continue;
    out.push({ id, scope: str(s.scope) ?? 'unknown', quality: str(s.quality) ?? 'unknown', inTotal: s.inTotal === true, energyJ, series: thinSeries(series) });
  }
  return out;
}

/** Per configuration (in order of first appearance), its valid windows' indexes and the index of the median one. */
function chooseTypical(windows: ReadonlyArray<RowWindow | null>): Array<{ config: SidecarConfig; pick: number | null }> {
  const configs = new Map<string, { config: SidecarConfig; valid: number[] }>();
  windows.forEach((w, index) => {
    if (w === null || !w.valid) return;
    const key = configKey(w);
    let c = configs.get(key);
    if (!c) {
      c = { config: { benchmark: w.benchmark, kind: w.kind, threads: w.threads, version: w.version, workUnit: w.workUnit, valid: 0, typical: null }, valid: [] };
      configs.set(key, c);
    }
    c.config.valid++;
    c.valid.push(index);
  });
  return [...configs.values()].map(({ config, valid }) => {
    const sorted = valid.sort((a, b) => {
      const x = windows[a] as RowWindow;
      const y = windows[b] as RowWindow;
      return x.rank - y.rank || x.repetition - y.repetition || a - b;
    });
    return { config, pick: sorted.length > 0 ? (sorted[Math.floor((sorted.length - 1) / 2)] as number) : null };
  });
}

/** The summary of a sidecar from its members and its configurations. */
function sidecarOf(file: string, machine: string, doc: SidecarInput, configs: SidecarConfig[], windows: number): SidecarResult {
  const rule = isRecord(doc.totalRule) ? doc.totalRule : null;
  const harness = isRecord(doc.harness) ? `${str(doc.harness.name) ?? ''} ${str(doc.harness.version) ?? ''}`.trim() : '';
  return {
    sidecar: {
      file,
      machine,
      runId: str(doc.runId),
      startedAt: str(doc.startedAt),
      complete: typeof doc.complete === 'boolean' ? doc.complete : null,
      harness: harness || null,
      node: str(doc.node),
      fingerprint: isRecord(doc.fingerprint) ? doc.fingerprint : null,
      sources: Array.isArray(doc.sources) ? doc.sources.map(probeOf).filter((p): p is SidecarProbe => p !== null) : [],
      totalRule: rule
        ? {
            ids: Array.isArray(rule.ids) ? rule.ids.filter((x): x is string => typeof x === 'string') : [],
            quality: str(rule.quality) ?? 'none',
            description: str(rule.description) ?? '',
          }
        : null,
      settings: isRecord(doc.settings) ? doc.settings : null,
      configs,
      windows,
    },
    note: null,
  };
}

/** Summarizes a parsed sidecar document, choosing each typical window by the windows' own energy; `file` names it in notes. */
export function summarizeSidecarDocument(file: string, doc: unknown): SidecarResult {
  if (!isRecord(doc)) return { sidecar: null, note: `${file} is not a wattbench sidecar (not a JSON object)` };
  const input: SidecarInput = doc;
  const machine = str(input.machine);
  if (machine === null) return { sidecar: null, note: `${file} is not a wattbench sidecar (no machine)` };
  const windows: unknown[] = Array.isArray(input.windows) ? input.windows : [];
  const chosen = chooseTypical(windows.map(rowWindowOf));
  for (const { config, pick } of chosen) {
    if (pick === null) continue;
    const w = windows[pick];
    const chosenWindow = rowWindowOf(w) as RowWindow;
    config.typical = { repetition: chosenWindow.repetition, rankValue: chosenWindow.rank, sources: typicalSources(w) };
  }
  return sidecarOf(file, machine, input, chosen.map((c) => c.config), windows.length);
}

/**
 * Summarizes a sidecar in the sidecar layout from the rows of the CSV beside it (`runs`: its rows by run id, in
 * file order, which are its windows in order): the typical windows are chosen from the rows and only their lines are
 * parsed. Null when the sidecar is not in that layout, has no rows here, or a chosen line is not the window its row
 * describes (then `summarizeSidecarText` parses it whole).
 */
export function summarizeSidecarLines(file: string, content: string | Uint8Array, runs: ReadonlyMap<string, RowWindow[]>): SidecarResult | null {
  const lines = sidecarLines(content);
  if (lines === null) return null;
  const head: SidecarInput = lines.head;
  const machine = str(head.machine);
  const rows = runs.get(str(head.runId) ?? '');
  if (machine === null || rows === undefined || rows.length !== lines.count) return null;
  const chosen = chooseTypical(rows);
  for (const { config, pick } of chosen) {
    if (pick === null) continue;
    let w: unknown;
    try {
      w = JSON.parse(lines.line(pick));
    } catch {
      return null;
    }
    const row = rows[pick] as RowWindow;
    if (!sameWindow(row, rowWindowOf(w))) return null;
    // Ranked by the CSV's energy: the same window the sidecar's own (unrounded) energy ranks there, save near-ties.
    config.typical = { repetition: row.repetition, rankValue: rowWindowOf(w)?.rank ?? row.rank, sources: typicalSources(w) };
  }
  return sidecarOf(file, machine, head, chosen.map((c) => c.config), lines.count);
}

/**
 * Parses and summarizes a sidecar; a parse error becomes a note. With `runs` (see `summarizeSidecarLines`), a
 * sidecar in the sidecar layout is read without parsing its windows; any other is parsed whole.
 */
export function summarizeSidecarText(file: string, content: string | Uint8Array, runs?: ReadonlyMap<string, RowWindow[]>): SidecarResult {
  if (runs !== undefined) {
    const fromRows = summarizeSidecarLines(file, content, runs);
    if (fromRows !== null) return fromRows;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(typeof content === 'string' ? content : Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('utf8'));
  } catch (err) {
    return { sidecar: null, note: `${file} is not readable JSON (${err instanceof Error ? err.message.split('\n')[0] : String(err)})` };
  }
  return summarizeSidecarDocument(file, doc);
}
