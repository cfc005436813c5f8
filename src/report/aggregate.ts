/**
 * Turns what was read into the few hundred numbers a report draws: one figure per machine, benchmark configuration
 * and energy quality (median and 95% CI of throughput and work per joule), the machines with their fingerprints and
 * sources, the warnings a person must see, one power timeline per machine and configuration (its median
 * repetition, thinned to a bounded number of points) and the median energy per source. Everything is aggregated
 * here, so the size of a report grows with the number of configurations, never with the number of rows.
 */
import { type Interval, summarize } from '../stats/descriptive.js';
import type { Exclusion, GroupSamples } from '../results/read.js';
import type { BenchmarkIdentity } from '../runner/types.js';
import type { Quality } from '../sources/types.js';
import type { LoadedResults, RowWarning } from './load.js';
import type { Sidecar, SidecarProbe, TypicalWindow } from './sidecar.js';

export { MAX_TIMELINE_POINTS, thinSeries } from './sidecar.js';

/** Coefficient of variation above which a configuration is called noisy. */
export const NOISY_CV = 0.1;
/** Power timelines drawn at most (one per machine and configuration, in report order). */
export const MAX_TIMELINE_PANELS = 24;
/** Items listed under one warning before "and N more". */
export const MAX_LISTED = 12;

/** A median with its 95% confidence interval. */
export interface Estimate {
  n: number;
  median: number | null;
  lo: number | null;
  hi: number | null;
  /** `median`: order-statistic CI of the median (n >= 6); `mean`: Student t CI of the mean (n 2–5); null: none. */
  ciOf: 'median' | 'mean' | null;
  /** Coefficient of variation as a fraction, or null. */
  cv: number | null;
}

/** One machine's repetitions of one benchmark configuration, of one energy quality. */
export interface Figure extends BenchmarkIdentity {
  machine: string;
  /** Who the figure belongs to in charts: the machine, plus its quality when the machine has figures of several. */
  series: string;
  /** `sha256 x2`, or the command line (with the version when the inputs hold several). */
  label: string;
  quality: Quality;
  /** Energy source of the group (e.g. `rapl:package-0+rapl:package-0:dram`). */
  source: string;
  /** Valid repetitions. */
  n: number;
  throughputPerS: Estimate;
  workPerJ: Estimate;
  powerW: Estimate;
  /** The coefficient of variation that made it noisy (work per joule, else throughput), or null when it is not. */
  noisyCv: number | null;
}

/** A machine compared in the report. */
export interface MachineInfo {
  machine: string;
  files: string[];
  runIds: string[];
  /** Fingerprint of its first sidecar, or null. */
  fingerprint: Record<string, unknown> | null;
  /** True when its sidecars disagree on the fingerprint (results of different hardware under one label). */
  fingerprintsDiffer: boolean;
  /** Energy qualities of its valid rows. */
  qualities: Quality[];
  /** Total rules of its runs, in words. */
  totals: string[];
  /** Sources probed, by id (first record seen). */
  sources: SidecarProbe[];
  /** Rows read and rows used (valid). */
  rows: number;
  valid: number;
  /** False when a run was interrupted; null when no sidecar says. */
  complete: boolean | null;
  hasSidecar: boolean;
  harness: string | null;
  node: string | null;
}

/** A warning of the report header. */
export interface Notice {
  /** `danger` for what changes the meaning of figures, `warning` for what weakens them, `info` for context. */
  level: 'danger' | 'warning' | 'info';
  title: string;
  items: string[];
}

/** One point of a power timeline. */
export interface TimelinePoint {
  panel: string;
  source: string;
  inTotal: boolean;
  t: number;
  w: number;
}

/** Power timelines, or why they are missing. */
export interface Timeline {
  points: TimelinePoint[];
  /** Panel titles in order. */
  panels: string[];
  /** Configurations that had a timeline, drawn or not. */
  available: number;
  /** Why there is nothing (or not everything) to draw. */
  notes: string[];
}

/** Median energy of one source over one machine's valid windows of one configuration. */
export interface SplitBar {
  machine: string;
  label: string;
  source: string;
  scope: string;
  quality: string;
  inTotal: boolean;
  /** Energy of the source in the typical window of the configuration (the same window the timeline draws). */
  energyJ: number;
  /** Repetition of that window. */
  repetition: number;
}

/** Energy split by source, or why it is missing. */
export interface EnergySplit {
  bars: SplitBar[];
  /** Per machine: its total rule in words. */
  totals: Record<string, string>;
  notes: string[];
}

/** Everything a report shows. */
export interface ReportModel {
  title: string;
  generatedAt: string;
  inputs: string[];
  machines: MachineInfo[];
  figures: Figure[];
  notices: Notice[];
  timeline: Timeline;
  split: EnergySplit;
  /** Rows left out while reading, per file and reason. */
  excluded: Exclusion[];
  /** Row counts over all inputs. */
  rows: number;
  validRows: number;
}

/** Options of `aggregate`. */
export interface AggregateOptions {
  title?: string;
  /** Clock for `generatedAt` (tests pin it). */
  now?: Date;
}

/**
 * Median and 95% CI of a sample: the order-statistic CI of the median when n >= 6, else the t CI of the mean. Every
 * series here (throughput, power, work per joule) is non-negative, so a t interval reaching below zero is cut at 0.
 */
export function estimateOf(values: readonly number[] | undefined): Estimate {
  const s = summarize(values ?? []);
  const ci: Interval | null = s.medianCi95 ?? s.meanCi95;
  return {
    n: s.n,
    median: s.median,
    lo: ci ? Math.max(0, ci[0]) : null,
    hi: ci ? ci[1] : null,
    ciOf: s.medianCi95 ? 'median' : s.meanCi95 ? 'mean' : null,
    cv: s.cv,
  };
}

function baseLabel(benchmark: string, threads: number | null): string {
  return threads === null ? benchmark : `${benchmark} x${threads}`;
}

/** Names configurations: `sha256 x2`, with ` (v2)` only where one benchmark appears in several versions. */
class Labeler {
  private readonly versions = new Map<string, Set<string | null>>();

  note(benchmark: string, threads: number | null, version: string | null): void {
    const key = baseLabel(benchmark, threads);
    let set = this.versions.get(key);
    if (!set) this.versions.set(key, (set = new Set()));
    set.add(version);
  }

  label(benchmark: string, threads: number | null, version: string | null): string {
    const key = baseLabel(benchmark, threads);
    return (this.versions.get(key)?.size ?? 0) > 1 ? `${key} (v${version ?? '?'})` : key;
  }
}

function listed(items: string[]): string[] {
  return items.length > MAX_LISTED ? [...items.slice(0, MAX_LISTED), `… and ${items.length - MAX_LISTED} more`] : items;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function machineOrder(loaded: LoadedResults): string[] {
  const out: string[] = [];
  for (const f of loaded.files) for (const m of f.summary.machines) if (!out.includes(m)) out.push(m);
  return out;
}

function figuresOf(loaded: LoadedResults, machines: string[], labeler: Labeler): Figure[] {
  const qualities: Quality[] = ['measured', 'estimated', 'none'];
  // A group of invalid rows only (the reader may count those in groups) has no figure: the invalid rows are listed apart.
  const groups = qualities.flatMap((quality) => [...loaded.groups[quality].values()].filter((g) => g.n > 0).map((g) => ({ quality, g })));
  for (const { g } of groups) labeler.note(g.benchmark, g.threads, g.version);
  const qualitiesOf = new Map<string, Set<Quality>>();
  for (const { quality, g } of groups) {
    let set = qualitiesOf.get(g.machine);
    if (!set) qualitiesOf.set(g.machine, (set = new Set()));
    set.add(quality);
  }
  const benchmarkOrder = new Map<string, number>();
  for (const { g } of groups) if (!benchmarkOrder.has(`${g.kind}\0${g.benchmark}`)) benchmarkOrder.set(`${g.kind}\0${g.benchmark}`, benchmarkOrder.size);
  const figures = groups.map(({ quality, g }): Figure => {
    const workPerJ = estimateOf(g.series.workPerJ);
    const throughputPerS = estimateOf(g.series.throughputPerS);
    const cv = workPerJ.n >= 2 ? workPerJ.cv : throughputPerS.cv;
    return {
      machine: g.machine,
      series: (qualitiesOf.get(g.machine)?.size ?? 1) > 1 ? `${g.machine} [${quality}]` : g.machine,
      label: labeler.label(g.benchmark, g.threads, g.version),
      benchmark: g.benchmark,
      kind: g.kind,
      threads: g.threads,
      workUnit: g.workUnit,
      version: g.version,
      quality,
      source: g.source,
      n: g.n,
      throughputPerS,
      workPerJ,
      powerW: estimateOf(g.series.powerW),
      noisyCv: cv !== null && cv > NOISY_CV ? cv : null,
    };
  });
  const kindRank = (k: string): number => (k === 'kernel' ? 0 : k === 'function' ? 1 : 2);
  return figures.sort(
    (a, b) =>
      kindRank(a.kind) - kindRank(b.kind) ||
      (benchmarkOrder.get(`${a.kind}\0${a.benchmark}`) ?? 0) - (benchmarkOrder.get(`${b.kind}\0${b.benchmark}`) ?? 0) ||
      (a.threads ?? 0) - (b.threads ?? 0) ||
      a.label.localeCompare(b.label) ||
      machines.indexOf(a.machine) - machines.indexOf(b.machine) ||
      qualities.indexOf(a.quality) - qualities.indexOf(b.quality),
  );
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function machinesOf(loaded: LoadedResults, order: string[], figures: Figure[]): MachineInfo[] {
  return order.map((machine) => {
    const files = loaded.files.filter((f) => f.summary.machines.includes(machine));
    const sidecars = files.map((f) => f.sidecar).filter((s): s is Sidecar => s !== null && s.machine === machine);
    const sources: SidecarProbe[] = [];
    for (const s of sidecars) for (const p of s.sources) if (!sources.some((q) => q.id === p.id)) sources.push(p);
    const first = sidecars[0];
    const qualities = (['measured', 'estimated', 'none'] as const).filter((q) => figures.some((f) => f.machine === machine && f.quality === q));
    return {
      machine,
      files: files.map((f) => f.csv),
      runIds: [...new Set(sidecars.map((s) => s.runId).filter((r): r is string => r !== null))],
      fingerprint: first?.fingerprint ?? null,
      fingerprintsDiffer: sidecars.some((s) => !sameJson(withoutVolatile(s.fingerprint), withoutVolatile(first?.fingerprint ?? null))),
      qualities,
      totals: [...new Set(sidecars.map((s) => s.totalRule?.description).filter((d): d is string => !!d))],
      sources,
      // A file may hold several machines; rows are counted per file, so these are upper bounds for such files.
      rows: files.reduce((n, f) => n + (f.summary.machines.length === 1 ? f.summary.rows : 0), 0),
      valid: figures.filter((f) => f.machine === machine).reduce((n, f) => n + f.n, 0),
      complete: sidecars.some((s) => s.complete === false) ? false : sidecars.some((s) => s.complete === true) ? true : null,
      hasSidecar: sidecars.length > 0,
      harness: first?.harness ?? null,
      node: first?.node ?? null,
    };
  });
}

/** Parts of a fingerprint that change between runs on the same hardware (Node version), left out of the comparison. */
function withoutVolatile(fp: Record<string, unknown> | null): unknown {
  if (fp === null) return null;
  const { node: _node, ...rest } = fp;
  return rest;
}

function warningText(w: RowWarning, counts: boolean): string {
  return `${w.machine}: ${w.example}${counts && w.count > 1 ? ` (${w.count} windows like this)` : ''}`;
}

function noticesOf(loaded: LoadedResults, machines: MachineInfo[], figures: Figure[]): Notice[] {
  const notices: Notice[] = [];
  const estimated = machines.filter((m) => m.qualities.includes('estimated'));
  if (estimated.length > 0) {
    const items = estimated.map((m) => {
      const model = m.sources.find((s) => s.quality === 'estimated' && s.state === 'ok');
      return `${m.machine}: ${model?.description ?? (m.totals.join('; ') || 'estimated energy')}`;
    });
    notices.push({
      level: 'danger',
      title: `ESTIMATED energy on ${estimated.map((m) => m.machine).join(', ')}: modelled from CPU utilization, not measured. Their work per joule is drawn apart and must never be ranked against measured figures.`,
      items: listed(items),
    });
  }
  const hasMeasured = figures.some((f) => f.quality === 'measured');
  if (hasMeasured && estimated.length > 0) {
    notices.push({ level: 'warning', title: 'Measured and estimated energy are both present: every energy chart and table shows them separately.', items: [] });
  }
  const invalid = loaded.files.flatMap((f) => f.summary.excluded);
  if (invalid.length > 0) {
    const total = invalid.reduce((n, e) => n + e.count, 0);
    notices.push({
      level: 'danger',
      title: `${total} invalid row${total === 1 ? '' : 's'} left out of every figure (wrong checksum, failed command, or an unusable window).`,
      items: listed(invalid.map((e) => `${e.file}: ${e.count} × ${e.reason}, line${e.lines.length === 1 ? '' : 's'} ${e.lines.join(', ')}${e.count > e.lines.length ? ', …' : ''}${e.detail ? ` — ${e.detail}` : ''}`)),
    });
  }
  const throttling = loaded.rowWarnings.filter((w) => w.category === 'throttling');
  if (throttling.length > 0) {
    const n = throttling.reduce((s, w) => s + w.count, 0);
    notices.push({ level: 'danger', title: `Throttling suspected in ${n} window${n === 1 ? '' : 's'}: lower clocks or heat make throughput and power drift.`, items: listed(throttling.map((w) => warningText(w, true))) });
  }
  const incomplete = machines.filter((m) => m.complete === false);
  if (incomplete.length > 0) {
    notices.push({ level: 'warning', title: `Interrupted run${incomplete.length === 1 ? '' : 's'}: results of ${incomplete.map((m) => m.machine).join(', ')} are incomplete.`, items: [] });
  }
  const noisy = figures.filter((f) => f.noisyCv !== null);
  if (noisy.length > 0) {
    notices.push({
      level: 'warning',
      title: `Noisy: ${noisy.length} configuration${noisy.length === 1 ? '' : 's'} vary by more than ${pct(NOISY_CV)} between repetitions (coefficient of variation); their intervals are wide and small differences mean nothing.`,
      items: listed(noisy.map((f) => `${f.machine} · ${f.label}: CV ${pct(f.noisyCv as number)} over ${f.n} repetitions`)),
    });
  }
  const busy = loaded.rowWarnings.filter((w) => w.category === 'busy');
  if (busy.length > 0) {
    const n = busy.reduce((s, w) => s + w.count, 0);
    notices.push({ level: 'warning', title: `Other load on the machine in ${n} window${n === 1 ? '' : 's'} (busy CPU or hypervisor steal): the figures include work that was not the benchmark's.`, items: listed(busy.map((w) => warningText(w, true))) });
  }
  const unknown: string[] = [];
  let unknownRows = 0;
  for (const quality of ['measured', 'estimated'] as const) {
    for (const g of loaded.groups[quality].values()) {
      const missing = g.missing.workPerJ ?? 0;
      if (missing > 0) {
        unknownRows += missing;
        unknown.push(`${g.machine} · ${baseLabel(g.benchmark, g.threads)}: ${missing} of ${g.n} valid windows (group from ${g.first.file}:${g.first.line})`);
      }
    }
  }
  if (unknownRows > 0) {
    notices.push({
      level: 'warning',
      title: `${unknownRows} valid window${unknownRows === 1 ? ' has' : 's have'} no work per joule (energy zero or unknown although a source was in use): left out of work per joule, kept in throughput.`,
      items: listed(unknown),
    });
  }
  const noEnergy = figures.filter((f) => f.quality === 'none');
  if (noEnergy.length > 0) {
    notices.push({ level: 'warning', title: `No energy source for ${noEnergy.length} configuration${noEnergy.length === 1 ? '' : 's'}: throughput only, no work per joule.`, items: listed(noEnergy.map((f) => `${f.machine} · ${f.label}`)) });
  }
  const fewer = figures.filter((f) => f.n < 2);
  if (fewer.length > 0) {
    notices.push({ level: 'info', title: `No confidence interval for ${fewer.length} configuration${fewer.length === 1 ? '' : 's'} with a single valid repetition.`, items: listed(fewer.map((f) => `${f.machine} · ${f.label}`)) });
  }
  const differ = machines.filter((m) => m.fingerprintsDiffer);
  if (differ.length > 0) {
    notices.push({ level: 'warning', title: `Different hardware under one machine label: ${differ.map((m) => m.machine).join(', ')} (the sidecars' fingerprints disagree).`, items: [] });
  }
  const sidecarNotes = loaded.files.filter((f) => f.sidecarNote !== null).map((f) => f.sidecarNote as string);
  if (sidecarNotes.length > 0) {
    notices.push({ level: 'info', title: 'Without a usable sidecar (.json beside the .csv) there is no fingerprint, power timeline or energy split for:', items: listed(sidecarNotes) });
  }
  const other = loaded.rowWarnings.filter((w) => w.category === 'other');
  if (other.length > 0) notices.push({ level: 'info', title: 'Other warnings recorded with valid windows:', items: listed(other.map((w) => warningText(w, true))) });
  return notices;
}

/** One machine's configuration across its sidecars: each file's typical window. */
interface ConfigWindows {
  machine: string;
  label: string;
  typicals: TypicalWindow[];
}

/** Sidecar summaries of each machine and configuration, keyed by machine and label. */
function sidecarConfigs(loaded: LoadedResults, labeler: Labeler): Map<string, ConfigWindows> {
  const out = new Map<string, ConfigWindows>();
  for (const f of loaded.files) {
    const s = f.sidecar;
    if (!s) continue;
    for (const c of s.configs) {
      const label = labeler.label(c.benchmark, c.threads, c.version);
      const key = JSON.stringify([s.machine, label]);
      let entry = out.get(key);
      if (!entry) out.set(key, (entry = { machine: s.machine, label, typicals: [] }));
      if (c.typical) entry.typicals.push(c.typical);
    }
  }
  return out;
}

function sourceLabel(id: string, quality: string): string {
  return quality === 'estimated' ? `${id} (ESTIMATED)` : id;
}

/** The typical window of a configuration: each file's median repetition, and of those the median by energy. */
function typicalOf(typicals: TypicalWindow[]): TypicalWindow | null {
  const sorted = typicals.filter((t) => t.sources.length > 0).sort((a, b) => a.rankValue - b.rankValue || a.repetition - b.repetition);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? null;
}

/** The typical window of a configuration with only the sources that recorded a power series, or null when none did. */
function timelineWindowOf(typicals: TypicalWindow[]): TypicalWindow | null {
  const pick = typicalOf(typicals);
  const sources = pick?.sources.filter((s) => s.series.length > 0) ?? [];
  return pick && sources.length > 0 ? { ...pick, sources } : null;
}

function timelineOf(loaded: LoadedResults, byConfig: Map<string, ConfigWindows>, order: (machine: string, label: string) => number): Timeline {
  const notes: string[] = [];
  if (!loaded.files.some((f) => f.sidecar !== null)) {
    return {
      points: [],
      panels: [],
      available: 0,
      notes: [`The power timeline is recorded in each run's JSON sidecar, and none was found beside ${loaded.files.map((f) => f.csv).join(', ')}.`],
    };
  }
  const candidates = [...byConfig.values()]
    .map((c) => ({ machine: c.machine, label: c.label, pick: timelineWindowOf(c.typicals) }))
    .filter((c): c is { machine: string; label: string; pick: TypicalWindow } => c.pick !== null)
    .sort((a, b) => order(a.machine, a.label) - order(b.machine, b.label));
  if (candidates.length === 0) notes.push('The sidecars hold no power samples for any valid window (no energy source with a timeline, or every window invalid).');
  if (candidates.length > MAX_TIMELINE_PANELS) {
    notes.push(`${candidates.length} configurations have a timeline; the first ${MAX_TIMELINE_PANELS} are drawn (one median repetition each) to keep the report small.`);
  }
  const points: TimelinePoint[] = [];
  const panels: string[] = [];
  for (const c of candidates.slice(0, MAX_TIMELINE_PANELS)) {
    const panel = `${c.machine} · ${c.label} · repetition ${c.pick.repetition}`;
    panels.push(panel);
    for (const s of c.pick.sources) {
      for (const [t, watts] of s.series) points.push({ panel, source: sourceLabel(s.id, s.quality), inTotal: s.inTotal, t: round(t), w: round(watts) });
    }
  }
  const without = loaded.files.filter((f) => f.sidecar === null).map((f) => f.csv);
  if (without.length > 0 && candidates.length > 0) notes.push(`No timeline for ${without.join(', ')}: no usable sidecar.`);
  return { points, panels, available: candidates.length, notes };
}

function splitOf(loaded: LoadedResults, byConfig: Map<string, ConfigWindows>, order: (machine: string, label: string) => number): EnergySplit {
  const notes: string[] = [];
  const totals: Record<string, string> = {};
  for (const f of loaded.files) if (f.sidecar?.totalRule && totals[f.sidecar.machine] === undefined) totals[f.sidecar.machine] = f.sidecar.totalRule.description;
  if (!loaded.files.some((f) => f.sidecar !== null)) {
    return { bars: [], totals, notes: [`Energy per source is recorded in each run's JSON sidecar, and none was found beside ${loaded.files.map((f) => f.csv).join(', ')}.`] };
  }
  const bars: SplitBar[] = [];
  const configs = [...byConfig.values()].sort((a, b) => order(a.machine, a.label) - order(b.machine, b.label));
  for (const c of configs) {
    const pick = typicalOf(c.typicals);
    for (const src of pick?.sources ?? []) {
      if (src.energyJ === null) continue;
      bars.push({
        machine: c.machine,
        label: c.label,
        source: sourceLabel(src.id, src.quality),
        scope: src.scope,
        quality: src.quality,
        inTotal: src.inTotal,
        energyJ: round(src.energyJ),
        repetition: (pick as TypicalWindow).repetition,
      });
    }
  }
  if (bars.length === 0) notes.push('The sidecars hold no per-source energy for any valid window.');
  const without = loaded.files.filter((f) => f.sidecar === null).map((f) => f.csv);
  if (without.length > 0 && bars.length > 0) notes.push(`No split for ${without.join(', ')}: no usable sidecar.`);
  return { bars, totals, notes };
}

function round(x: number): number {
  return x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(6));
}

/** Aggregates loaded results into the model every renderer (HTML, Markdown) draws from. */
export function aggregate(loaded: LoadedResults, options: AggregateOptions = {}): ReportModel {
  const order = machineOrder(loaded);
  const labeler = new Labeler();
  for (const f of loaded.files) for (const c of f.sidecar?.configs ?? []) labeler.note(c.benchmark, c.threads, c.version);
  const figures = figuresOf(loaded, order, labeler);
  const machines = machinesOf(loaded, order, figures);
  const labelOrder = [...new Set(figures.map((f) => f.label))];
  const rank = (machine: string, label: string): number => {
    const l = labelOrder.indexOf(label);
    return (l === -1 ? labelOrder.length : l) * (order.length + 1) + order.indexOf(machine);
  };
  const byConfig = sidecarConfigs(loaded, labeler);
  return {
    title: options.title ?? 'wattbench report',
    generatedAt: (options.now ?? new Date()).toISOString(),
    inputs: loaded.files.map((f) => f.csv),
    machines,
    figures,
    notices: noticesOf(loaded, machines, figures),
    timeline: timelineOf(loaded, byConfig, rank),
    split: splitOf(loaded, byConfig, rank),
    excluded: loaded.files.flatMap((f) => f.summary.excluded),
    rows: loaded.files.reduce((n, f) => n + f.summary.rows, 0),
    validRows: loaded.files.reduce((n, f) => n + f.summary.used, 0),
  };
}
