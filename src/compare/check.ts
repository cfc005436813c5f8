/**
 * The CI gate: per benchmark and metric, a verdict of current against baseline (`compareSamples` of src/stats).
 *
 * Metrics (one value per valid window):
 * - `time`: throughput_per_s for kernels and functions (higher is better), duration_s for commands (lower is better).
 * - `energy`: energy_j / work, joules per unit of work (per run for a command; lower is better).
 * - `work_per_j`: work_per_j (higher is better); the reciprocal view of `energy`.
 * By default `time`, plus `energy` for each benchmark whose rows are all measured on both sides. Asking for an energy
 * metric explicitly needs the same quality, measured or estimated, on both sides.
 *
 * Joining: rows pool across machines and files of a side and join on (kind, benchmark, threads, work unit); the
 * version must be the same on both sides, and the checksums must agree. A benchmark that cannot be compared
 * (only on one side, another version, another checksum) is listed in `notCompared` with the reason.
 *
 * Unusable input (UsageError, exit 2): a side whose rows of one benchmark mix measured and estimated energy; an
 * explicit energy metric across different qualities or without energy; no benchmark in common.
 *
 * Verdict (per metric; the rules of `compareSamples`): `regressed`/`improved` needs a significant Mann–Whitney U
 * (p < alpha), a bootstrap CI of the ratio of medians entirely on one side of 1, and a change beyond the threshold;
 * too few repetitions or too noisy to decide is `inconclusive`; the rest is `unchanged`.
 *
 * Exit code: 1 when any verdict is `regressed`; with `failOnInconclusive`, also 1 when any verdict is `inconclusive`
 * or a baseline benchmark could not be compared; else 0.
 */
import { UsageError } from '../errors.js';
import type { Interval } from '../stats/descriptive.js';
import { compareSamples, DEFAULT_ALPHA, DEFAULT_COMPARE_SEED, DEFAULT_MAX_CV_FRACTION, DEFAULT_MIN_REPETITIONS, DEFAULT_THRESHOLD_PCT, type Verdict } from '../stats/verdict.js';
import type { Exclusion, FileSummary, GroupSamples, ResultSet, SeriesName, Where } from '../results/read.js';
import type { BenchmarkIdentity } from '../runner/types.js';
import type { Quality } from '../sources/types.js';
import { benchmarkLabel } from './join.js';
import { MAX_VALUES_PER_SIDE, resamplesFor, thin } from './thin.js';
import { fidelityNote } from './fidelity.js';

/** A metric the gate can compare. */
export type Metric = 'time' | 'energy' | 'work_per_j';
/** Every metric, in display order. */
export const METRICS: readonly Metric[] = ['time', 'energy', 'work_per_j'];
/** Series `check` keeps per group (enough for every metric). */
export const CHECK_SERIES: readonly SeriesName[] = ['throughputPerS', 'durationS', 'energyPerWorkJ', 'workPerJ'];

/** Series to keep while reading for these metrics (default: time and energy), so memory holds nothing unused. */
export function seriesFor(metrics: readonly Metric[] | undefined): SeriesName[] {
  const out = new Set<SeriesName>();
  for (const metric of metrics ?? ['time', 'energy']) {
    if (metric === 'time') out.add('throughputPerS').add('durationS');
    else if (metric === 'energy') out.add('energyPerWorkJ');
    else out.add('workPerJ');
  }
  return [...out];
}

/** How a metric is read from a group of one kind. */
export interface MetricSpec {
  metric: Metric;
  series: SeriesName;
  higherIsBetter: boolean;
  /** Human name, e.g. `throughput`. */
  label: string;
  /** Unit of the values, e.g. `MB/s`. */
  unit: string;
}

/** Where a metric's values come from for a benchmark of this kind and work unit. */
export function metricSpec(metric: Metric, kind: BenchmarkIdentity['kind'], workUnit: BenchmarkIdentity['workUnit']): MetricSpec {
  // A command counted in runs is timed per run; one that counts its work in its own units (tokens) is a rate, like a kernel.
  const perRun = kind === 'command' && workUnit === 'run';
  switch (metric) {
    case 'time':
      return perRun
        ? { metric, series: 'durationS', higherIsBetter: false, label: 'time', unit: 's' }
        : { metric, series: 'throughputPerS', higherIsBetter: true, label: 'throughput', unit: `${workUnit}/s` };
    case 'energy':
      return { metric, series: 'energyPerWorkJ', higherIsBetter: false, label: 'energy', unit: perRun ? 'J' : `J/${workUnit}` };
    case 'work_per_j':
      return { metric, series: 'workPerJ', higherIsBetter: true, label: 'work per joule', unit: `${workUnit}/J` };
  }
}

/** Options of the gate. */
export interface CheckOptions {
  /** Metrics asked for explicitly; default: time, plus energy where both sides are measured. */
  metrics?: readonly Metric[];
  /** Smallest change in percent that counts (default 5). */
  thresholdPct?: number;
  /** Significance level (default 0.05; the CI has confidence 1 - alpha). */
  alpha?: number;
  /** Fewer valid repetitions than this on a side makes the verdict inconclusive (default 3). */
  minRepetitions?: number;
  /** Largest coefficient of variation, as a fraction (0.2 = 20%), at which `unchanged` may be claimed (default 0.2; null: no limit). */
  maxCvFraction?: number | null;
  /** Bootstrap seed (default DEFAULT_COMPARE_SEED). */
  seed?: number;
  /** Also fail (exit 1) on inconclusive verdicts and on baseline benchmarks that could not be compared. */
  failOnInconclusive?: boolean;
}

/** Summary of one side of a verdict. */
export interface SideFigures {
  n: number;
  median: number | null;
  cv: number | null;
}

/** One verdict: a benchmark and a metric. */
export interface CheckEntry extends BenchmarkIdentity {
  /** `kernel xTHREADS` or the command line. */
  label: string;
  metric: Metric;
  metricLabel: string;
  unit: string;
  higherIsBetter: boolean;
  verdict: Verdict;
  /** median(current) / median(baseline). */
  ratio: number | null;
  /** CI of the ratio at confidence 1 - alpha. */
  ci: Interval | null;
  pValue: number | null;
  changePct: number | null;
  reason: string;
  baseline: SideFigures;
  current: SideFigures;
  /** Bootstrap resamples used. */
  resamples: number;
  /** Values per side actually tested when a huge side was thinned, else null. */
  thinnedTo: number | null;
}

/** A benchmark that was not compared, with why. */
export interface NotCompared {
  label: string;
  /** Which side had it: a baseline benchmark that is not compared can fail a strict gate. */
  side: 'baseline' | 'current' | 'both';
  reason: string;
  where: Where;
}

/** Result of the gate. */
export interface CheckResult {
  entries: CheckEntry[];
  notCompared: NotCompared[];
  /** Remarks on what was not compared within compared benchmarks (e.g. energy of another quality). */
  notes: string[];
  counts: Record<Verdict, number>;
  /** As resolved; `maxCv` is a fraction (the key is part of the JSON output of `check --json`). */
  settings: { thresholdPct: number; alpha: number; minRepetitions: number; maxCv: number | null; seed: number; metrics: readonly Metric[] | 'default'; failOnInconclusive: boolean };
  excludedRows: Exclusion[];
  files: { baseline: FileSummary[]; current: FileSummary[] };
  /** 0: no regression; 1: regression (or, strict, inconclusive). */
  exitCode: 0 | 1;
}

interface Resolved {
  thresholdPct: number;
  alpha: number;
  minRepetitions: number;
  maxCv: number | null;
  seed: number;
}

function resolve(options: CheckOptions): Resolved {
  return {
    thresholdPct: options.thresholdPct ?? DEFAULT_THRESHOLD_PCT,
    alpha: options.alpha ?? DEFAULT_ALPHA,
    minRepetitions: options.minRepetitions ?? DEFAULT_MIN_REPETITIONS,
    maxCv: options.maxCvFraction === undefined ? DEFAULT_MAX_CV_FRACTION : options.maxCvFraction,
    seed: options.seed ?? DEFAULT_COMPARE_SEED,
  };
}

function at(where: Where): string {
  return `${where.file}:${where.line}`;
}

/** Compares two series of one metric; huge sides are thinned (see thin.ts). */
export function compareSeries(baseline: readonly number[], current: readonly number[], spec: MetricSpec, options: CheckOptions = {}): Omit<CheckEntry, 'label' | 'benchmark' | 'kind' | 'threads' | 'workUnit' | 'version'> {
  const r = resolve(options);
  const b = thin(baseline, MAX_VALUES_PER_SIDE, r.seed);
  // The same seed on both sides: identical inputs give identical subsamples, so A against A reads exactly 1.
  const c = thin(current, MAX_VALUES_PER_SIDE, r.seed);
  const resamples = resamplesFor(b.length, c.length);
  const result = compareSamples(b, c, {
    higherIsBetter: spec.higherIsBetter,
    thresholdPct: r.thresholdPct,
    alpha: r.alpha,
    minRepetitions: r.minRepetitions,
    maxCvFraction: r.maxCv,
    seed: r.seed,
    resamples,
  });
  const side = (s: typeof result.baseline, full: number): SideFigures => ({ n: full, median: s.median, cv: s.cv });
  return {
    metric: spec.metric,
    metricLabel: spec.label,
    unit: spec.unit,
    higherIsBetter: spec.higherIsBetter,
    verdict: result.verdict,
    ratio: result.ratio,
    ci: result.ci,
    pValue: result.pValue,
    changePct: result.changePct,
    reason: result.reason,
    baseline: side(result.baseline, baseline.length),
    current: side(result.current, current.length),
    resamples,
    thinnedTo: b.length < baseline.length || c.length < current.length ? MAX_VALUES_PER_SIDE : null,
  };
}

/** The one energy quality of a group, or a UsageError when its rows mix measured and estimated energy. */
export function groupQuality(g: GroupSamples): Quality {
  const { measured, estimated } = g.qualities;
  if (measured && estimated) {
    throw new UsageError(
      `${at(estimated)}: estimated energy, but ${at(measured)} is measured, for ${benchmarkLabel(g)}: mixed energy quality cannot be compared (measure both sides with the same sources)`,
    );
  }
  if (measured) return 'measured';
  if (estimated) return 'estimated';
  return 'none';
}

/** The remark made once when energy is estimated on both sides. */
export const ESTIMATED_NOTE = 'energy not compared where both sides are estimated (not measured); --metric energy compares the estimates';

/** Metrics to compare for one pair of groups, and remarks on those left out; throws on explicit energy across qualities. */
export function metricsFor(baseline: GroupSamples, current: GroupSamples, explicit: readonly Metric[] | undefined, notes: string[]): Metric[] {
  const qb = groupQuality(baseline);
  const qc = groupQuality(current);
  const label = benchmarkLabel(current);
  if (explicit === undefined) {
    if (qb === 'measured' && qc === 'measured') return ['time', 'energy'];
    if (qb === 'measured' || qc === 'measured') notes.push(`${label}: energy not compared: baseline energy is ${qb}, current energy is ${qc}`);
    else if (qb === 'estimated' && qc === 'estimated') notes.push(ESTIMATED_NOTE);
    return ['time'];
  }
  if (explicit.some((m) => m !== 'time')) {
    if (qb === 'none' || qc === 'none') {
      const where = qb === 'none' ? baseline.first : current.first;
      throw new UsageError(`${at(where)}: no energy (quality none) for ${label}; --metric energy and work_per_j need energy on both sides`);
    }
    if (qb !== qc) {
      throw new UsageError(
        `${at(current.first)}: cannot compare ${qc} energy with ${qb} energy (${at(baseline.first)}) for ${label}: never compare measured with estimated energy`,
      );
    }
  }
  return [...explicit];
}

/** Verdicts of every metric for one pair of groups. */
export function checkGroups(baseline: GroupSamples, current: GroupSamples, metrics: readonly Metric[], options: CheckOptions = {}): CheckEntry[] {
  return metrics.map((metric) => {
    const spec = metricSpec(metric, current.kind, current.workUnit);
    return {
      label: benchmarkLabel(current),
      benchmark: current.benchmark,
      kind: current.kind,
      threads: current.threads,
      workUnit: current.workUnit,
      version: current.version,
      ...compareSeries(baseline.series[spec.series] ?? [], current.series[spec.series] ?? [], spec, options),
    };
  });
}

/** Exit code of a gate: 1 on a regression, or (strict) on an inconclusive verdict or an uncompared baseline benchmark. */
export function gateExitCode(entries: readonly CheckEntry[], notCompared: readonly NotCompared[], failOnInconclusive: boolean): 0 | 1 {
  if (entries.some((e) => e.verdict === 'regressed')) return 1;
  if (failOnInconclusive && (entries.some((e) => e.verdict === 'inconclusive') || notCompared.some((n) => n.side !== 'current'))) return 1;
  return 0;
}

/** Counts verdicts. */
export function countVerdicts(entries: readonly CheckEntry[]): Record<Verdict, number> {
  const counts: Record<Verdict, number> = { regressed: 0, improved: 0, unchanged: 0, inconclusive: 0 };
  for (const e of entries) counts[e.verdict]++;
  return counts;
}

/** Runs the gate on two sets read with `byMachine: false` (see the module notes for every rule). */
export function checkResults(baseline: ResultSet, current: ResultSet, options: CheckOptions = {}): CheckResult {
  const r = resolve(options);
  for (const g of baseline.groups.values()) groupQuality(g);
  for (const g of current.groups.values()) groupQuality(g);

  const byIdentity = (set: ResultSet): Map<string, GroupSamples[]> => {
    const map = new Map<string, GroupSamples[]>();
    for (const g of set.groups.values()) map.set(g.identity, [...(map.get(g.identity) ?? []), g]);
    return map;
  };
  const base = byIdentity(baseline);
  const cur = byIdentity(current);
  const entries: CheckEntry[] = [];
  const notCompared: NotCompared[] = [];
  const notes: string[] = [];
  const identities = [...base.keys(), ...[...cur.keys()].filter((k) => !base.has(k))];
  for (const identity of identities) {
    const bs = base.get(identity) ?? [];
    const cs = cur.get(identity) ?? [];
    const firstB = bs[0];
    const firstC = cs[0];
    if (!firstC) {
      for (const g of bs) notCompared.push({ label: benchmarkLabel(g), side: 'baseline', reason: 'only in the baseline (not in the current results)', where: g.first });
      continue;
    }
    if (!firstB) {
      for (const g of cs) notCompared.push({ label: benchmarkLabel(g), side: 'current', reason: 'only in the current results (new, nothing to compare with)', where: g.first });
      continue;
    }
    let versionMismatch = false;
    for (const b of bs) {
      const c = cs.find((x) => x.version === b.version);
      if (!c) {
        versionMismatch = true;
        const versions = cs.map((x) => x.version ?? '(none)').join(', ');
        notCompared.push({ label: benchmarkLabel(b), side: 'baseline', reason: `version ${b.version ?? '(none)'} in the baseline, ${versions} in the current results (${at(firstC.first)}): different kernel versions are not compared`, where: b.first });
        continue;
      }
      const conflict = b.otherChecksum ?? c.otherChecksum;
      if (conflict) {
        const owner = b.otherChecksum ? b : c;
        notCompared.push({ label: benchmarkLabel(b), side: 'both', reason: `checksums differ within the ${owner === b ? 'baseline' : 'current'} rows (${at(owner.first)} and ${at(conflict)})`, where: conflict });
        continue;
      }
      if (b.checksum !== null && c.checksum !== null && b.checksum !== c.checksum) {
        notCompared.push({ label: benchmarkLabel(b), side: 'both', reason: `checksum differs (baseline ${at(b.first)}, current ${at(c.first)}): the kernels did different work (another --seed or input)`, where: c.first });
        continue;
      }
      if (b.n === 0 || c.n === 0) {
        // Every window of a side failed: no verdict can be reached, and the reason must say why.
        const empty = c.n === 0 ? c : b;
        const side = empty === c ? 'current' : 'baseline';
        const first = empty.firstInvalid;
        const why = `no valid repetition in the ${side} results (${empty.invalid} invalid window${empty.invalid === 1 ? '' : 's'}${first ? `, first at ${at(first)}${first.detail ? `: ${first.detail}` : ''}` : ''})`;
        for (const entry of checkGroups(b, c, options.metrics ?? ['time'], options)) entries.push({ ...entry, verdict: 'inconclusive', reason: `Inconclusive: ${why}.` });
        continue;
      }
      entries.push(...checkGroups(b, c, metricsFor(b, c, options.metrics, notes), options));
      const fidelity = fidelityNote(b, c);
      if (fidelity) notes.push(fidelity);
    }
    for (const c of cs) {
      // A version missing from the baseline is already named by the baseline's version mismatch.
      if (!versionMismatch && !bs.some((b) => b.version === c.version)) {
        notCompared.push({ label: benchmarkLabel(c), side: 'current', reason: `version ${c.version ?? '(none)'} only in the current results`, where: c.first });
      }
    }
  }
  if (entries.length === 0) {
    const b = baseline.files.map((f) => f.file).join(', ');
    const c = current.files.map((f) => f.file).join(', ');
    const why = notCompared[0] ? ` (first: ${notCompared[0].label}: ${notCompared[0].reason})` : '';
    throw new UsageError(`no benchmark in common between the baseline (${b}) and the current results (${c}) with valid rows${why}`);
  }
  const failOnInconclusive = options.failOnInconclusive ?? false;
  return {
    entries,
    notCompared,
    notes: [...new Set(notes)],
    counts: countVerdicts(entries),
    settings: { ...r, metrics: options.metrics ?? 'default', failOnInconclusive },
    excludedRows: [...baseline.files, ...current.files].flatMap((f) => f.excluded),
    files: { baseline: baseline.files, current: current.files },
    exitCode: gateExitCode(entries, notCompared, failOnInconclusive),
  };
}
