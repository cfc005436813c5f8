/**
 * Reduces a run's JSON sidecar to what a report draws from it: the machine's fingerprint, probes and total rule,
 * and per benchmark configuration the energy of each source in every valid window (for the energy split) and the
 * thinned power timeline of one typical window (the median repetition by energy). A sidecar may hold every sample
 * of a hundred thousand windows; keeping only this summary bounds what the report holds, and the summary is small
 * enough to come back cheaply from a worker thread. The document is treated as hostile: anything of the wrong shape
 * is skipped, never trusted.
 */
import { NotInLayout, SERIES_LEFT_OUT, type SidecarWindow, sidecarLines } from './sidecar-lines.js';

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
}

/** One energy source's energy in each valid window of a configuration. */
export interface SourceEnergies {
  id: string;
  scope: string;
  kind: string;
  quality: string;
  inTotal: boolean;
  energiesJ: number[];
}

/** One source's power over time in the typical window. */
export interface TypicalSource {
  id: string;
  scope: string;
  quality: string;
  inTotal: boolean;
  /** [seconds since the window started, watts], at most MAX_TIMELINE_POINTS points. */
  series: Array<[number, number]>;
}

/** The median repetition (by energy, else duration) of a configuration, with its power timeline. */
export interface TypicalWindow {
  repetition: number;
  /** What the median was taken over: total energy, or duration when energy is unknown. */
  rankValue: number;
  sources: TypicalSource[];
}

/** The windows of one benchmark configuration in one sidecar. */
export interface SidecarConfig {
  benchmark: string;
  kind: string;
  threads: number | null;
  version: string | null;
  workUnit: string;
  /** Valid windows. */
  valid: number;
  sources: SourceEnergies[];
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

/** Whether an energy source of the window has a power series (one left out by `sidecarLines` counts: it was not empty). */
function hasSeries(sources: unknown): boolean {
  return (
    Array.isArray(sources) &&
    sources.some((s) => isRecord(s) && isEnergy(str(s.kind)) && ((Array.isArray(s.series) && s.series.length > 0) || s.series === SERIES_LEFT_OUT))
  );
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
  };
}

interface Building {
  config: SidecarConfig;
  bySource: Map<string, SourceEnergies>;
  /** Valid windows with a timeline: what to rank, and the whole window (parsed again only when it is chosen). */
  candidates: Array<{ rank: number; repetition: number; whole: () => unknown }>;
}

function typicalOf(candidates: Building['candidates']): TypicalWindow | null {
  if (candidates.length === 0) return null;
  const sorted = [...candidates].sort((a, b) => a.rank - b.rank || a.repetition - b.repetition);
  const pick = sorted[Math.floor((sorted.length - 1) / 2)] as Building['candidates'][number];
  const sources: TypicalSource[] = [];
  const whole = pick.whole();
  const recorded = isRecord(whole) && Array.isArray(whole.sources) ? whole.sources : [];
  for (const s of recorded) {
    if (!isRecord(s) || !isEnergy(str(s.kind))) continue;
    const id = str(s.id);
    const series = seriesOf(s.series);
    if (id === null || series.length === 0) continue;
    sources.push({ id, scope: str(s.scope) ?? 'unknown', quality: str(s.quality) ?? 'unknown', inTotal: s.inTotal === true, series: thinSeries(series) });
  }
  return { repetition: pick.repetition, rankValue: pick.rank, sources };
}

/** Summarizes a parsed sidecar document; `file` names it in notes. */
export function summarizeSidecarDocument(file: string, doc: unknown): SidecarResult {
  if (!isRecord(doc)) return { sidecar: null, note: `${file} is not a wattbench sidecar (not a JSON object)` };
  const windows = Array.isArray(doc.windows) ? doc.windows.map((value: unknown): SidecarWindow => ({ value, whole: () => value })) : [];
  return summarizeWindows(file, doc, windows);
}

/** Summarizes a sidecar's members (`doc`, whose own `windows` are not read) and its windows. */
function summarizeWindows(file: string, doc: Record<string, unknown>, windows: Iterable<SidecarWindow>): SidecarResult {
  const machine = str(doc.machine);
  if (machine === null) return { sidecar: null, note: `${file} is not a wattbench sidecar (no machine)` };
  const configs = new Map<string, Building>();
  let count = 0;
  for (const entry of windows) {
    count++;
    const w = entry.value;
    if (!isRecord(w) || w.valid !== true) continue;
    const benchmark = str(w.benchmark);
    const repetition = num(w.repetition);
    if (benchmark === null || repetition === null) continue;
    const threads = num(w.threads);
    const version = str(w.version);
    const kind = str(w.kind) ?? 'kernel';
    const workUnit = str(w.workUnit) ?? '';
    const key = JSON.stringify([kind, benchmark, threads, version, workUnit]);
    let b = configs.get(key);
    if (!b) {
      b = { config: { benchmark, kind, threads, version, workUnit, valid: 0, sources: [], typical: null }, bySource: new Map(), candidates: [] };
      configs.set(key, b);
    }
    b.config.valid++;
    for (const s of Array.isArray(w.sources) ? w.sources : []) {
      if (!isRecord(s)) continue;
      const id = str(s.id);
      const sourceKind = str(s.kind);
      const energyJ = num(s.energyJ);
      if (id === null || !isEnergy(sourceKind) || energyJ === null) continue;
      let e = b.bySource.get(id);
      if (!e) {
        e = { id, scope: str(s.scope) ?? 'unknown', kind: sourceKind as string, quality: str(s.quality) ?? 'unknown', inTotal: s.inTotal === true, energiesJ: [] };
        b.bySource.set(id, e);
        b.config.sources.push(e);
      }
      e.energiesJ.push(energyJ);
    }
    if (hasSeries(w.sources)) {
      const rank = num(w.energyJ) ?? num(w.durationS) ?? 0;
      b.candidates.push({ rank, repetition, whole: entry.whole });
    }
  }
  for (const b of configs.values()) b.config.typical = typicalOf(b.candidates);
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
      configs: [...configs.values()].map((b) => b.config),
      windows: count,
    },
    note: null,
  };
}

/**
 * Parses and summarizes the text of a sidecar; a parse error becomes a note. A sidecar in the sidecar layout is read
 * line by line without its power series (see `sidecar-lines.ts`); any other JSON is parsed whole, to the same summary.
 */
export function summarizeSidecarText(file: string, text: string): SidecarResult {
  const lines = sidecarLines(text);
  // Without a machine there is nothing to summarize, and whether the text is JSON at all is the better note.
  if (lines !== null && str(lines.head.machine) !== null) {
    try {
      return summarizeWindows(file, lines.head, lines.windows);
    } catch (err) {
      if (!(err instanceof NotInLayout)) throw err;
    }
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { sidecar: null, note: `${file} is not readable JSON (${err instanceof Error ? err.message.split('\n')[0] : String(err)})` };
  }
  return summarizeSidecarDocument(file, doc);
}
