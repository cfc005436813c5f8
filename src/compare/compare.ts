/**
 * Cross-machine comparison: per benchmark and machine, throughput, power and work per joule with a 95% confidence
 * interval, the ratio to the baseline machine with a bootstrap 95% CI, and a geometric-mean score per machine.
 *
 * - Central value: the median over repetitions (windows). Its 95% CI is the distribution-free order-statistic
 *   interval of the median when n >= 6, else the Student t interval of the mean (`ciOf` says which), else none.
 * - Ratio to baseline: median(machine) / median(baseline) with the seeded percentile bootstrap CI of the ratio of
 *   medians (`bootstrapRatioOfMedians`; m-out-of-n for huge groups, see `ratioSummary`); above 1 means more
 *   throughput or more work per joule than the baseline.
 * - Score: for each machine, the geometric mean over benchmarks of those ratios, over the benchmarks that every
 *   machine ran comparably (so all scores cover the same set); the baseline scores 1. Benchmarks left out of the
 *   score are listed with the machines that lack them.
 */
import { bootstrapRatioOfMedians } from '../stats/bootstrap.js';
import { type Interval, median, summarize } from '../stats/descriptive.js';
import { geometricMean } from '../stats/geomean.js';
import { DEFAULT_COMPARE_SEED } from '../stats/verdict.js';
import type { Exclusion, FileSummary, GroupSamples, ResultSet, SeriesName } from '../results/read.js';
import type { BenchmarkIdentity } from '../runner/types.js';
import type { Quality } from '../sources/types.js';
import { benchmarkLabel, type GroupExclusion, joinAcrossMachines } from './join.js';
import { MIN_RESAMPLES, resamplesFor, thin } from './thin.js';
import { machineFidelityNote } from './fidelity.js';

/** Values per side above which `compare` resamples subsamples (see `ratioSummary`). */
export const COMPARE_MAX_PER_SIDE = 200;

/** Series `compare` keeps per group. */
export const COMPARE_SERIES: readonly SeriesName[] = ['throughputPerS', 'powerW', 'workPerJ'];

/** Median of one series with its 95% confidence interval. */
export interface MetricSummary {
  /** Values (repetitions) that had this metric. */
  n: number;
  median: number | null;
  /** 95% CI, or null when n is too small. */
  ci: Interval | null;
  /** `median`: order-statistic CI of the median (n >= 6); `mean`: Student t CI of the mean (n 2–5); null: none. */
  ciOf: 'median' | 'mean' | null;
  /** Coefficient of variation as a fraction. */
  cv: number | null;
}

/** A ratio to the baseline with its bootstrap CI. */
export interface RatioSummary {
  ratio: number;
  lo: number;
  hi: number;
  /** Bootstrap resamples used. */
  resamples: number;
  /** Values per side resampled when a side was larger (m-out-of-n bootstrap), else null. */
  thinnedTo: number | null;
}

/** One machine's figures for one benchmark. */
export interface MachineFigures {
  machine: string;
  /** Valid repetitions. */
  n: number;
  quality: Quality;
  source: string;
  throughputPerS: MetricSummary;
  powerW: MetricSummary;
  workPerJ: MetricSummary;
  /** Ratios to the baseline machine (null for the baseline itself, or when the baseline did not run it). */
  vsBaseline: { throughput: RatioSummary | null; workPerJ: RatioSummary | null } | null;
}

/** One benchmark across machines. */
export interface BenchmarkComparison extends BenchmarkIdentity {
  /** Label: `kernel xTHREADS` or the command line. */
  label: string;
  checksum: string | null;
  machines: MachineFigures[];
}

/** A machine's geometric-mean score over the benchmarks all machines ran. */
export interface MachineScore {
  machine: string;
  /** Geometric mean of throughput ratios to the baseline, or null when no benchmark qualifies. */
  throughput: number | null;
  /** Benchmarks in the throughput score. */
  throughputBenchmarks: number;
  /** Geometric mean of work-per-joule ratios to the baseline, or null (no energy, or no common benchmark). */
  workPerJ: number | null;
  /** Benchmarks in the work-per-joule score. */
  workPerJBenchmarks: number;
}

/** Result of `compare`. */
export interface CompareResult {
  baseline: string;
  machines: string[];
  benchmarks: BenchmarkComparison[];
  scores: MachineScore[];
  /** Benchmarks left out of the scores, with why. */
  notScored: Array<{ benchmark: string; reason: string }>;
  /** Groups left out by the join rules. */
  excludedGroups: GroupExclusion[];
  /** Rows left out while reading (invalid windows, other quality). */
  excludedRows: Exclusion[];
  files: FileSummary[];
  /** Seed of the bootstrap intervals. */
  seed: number;
  /** Remarks on what was compared less exactly (machines whose energy fidelity differs); empty when none. */
  notes: string[];
}

/** Options of `compareResults`. */
export interface CompareResultsOptions {
  /** Baseline machine (default: the first machine read). */
  baseline?: string;
  /** Bootstrap seed (default DEFAULT_COMPARE_SEED). */
  seed?: number;
}

/** Median of a series with its 95% CI (see the module notes). */
export function metricSummary(values: readonly number[] | undefined): MetricSummary {
  const s = summarize(values ?? []);
  const ci = s.medianCi95 ?? s.meanCi95;
  return { n: s.n, median: s.median, ci, ciOf: s.medianCi95 ? 'median' : s.meanCi95 ? 'mean' : null, cv: s.cv };
}

/**
 * Bootstrap ratio of medians current/baseline with a 95% CI; null when undefined (an empty side, a value <= 0).
 * Above COMPARE_MAX_PER_SIDE values on a side, a comparison of many machines would spend minutes resampling, so the
 * interval comes from an m-out-of-n bootstrap: seeded subsamples of m values per side, 1000 resamples, and the
 * interval's log-distances from the subsample's ratio scaled by √((1/n₁ + 1/n₂)/(1/m₁ + 1/m₂)) around the ratio of
 * the full samples' medians (the median's spread shrinks as 1/√n).
 */
export function ratioSummary(baseline: readonly number[] | undefined, current: readonly number[] | undefined, seed: number): RatioSummary | null {
  if (!baseline?.length || !current?.length) return null;
  if (baseline.length <= COMPARE_MAX_PER_SIDE && current.length <= COMPARE_MAX_PER_SIDE) {
    const resamples = resamplesFor(baseline.length, current.length);
    const r = bootstrapRatioOfMedians(baseline, current, { seed, resamples, confidence: 0.95 });
    return r === null ? null : { ratio: r.ratio, lo: r.lo, hi: r.hi, resamples, thinnedTo: null };
  }
  const b = thin(baseline, COMPARE_MAX_PER_SIDE, seed);
  const c = thin(current, COMPARE_MAX_PER_SIDE, seed);
  const r = bootstrapRatioOfMedians(b, c, { seed, resamples: MIN_RESAMPLES, confidence: 0.95 });
  const mb = median(baseline);
  const mc = median(current);
  if (r === null || mb === null || mc === null || !(mb > 0) || !(mc > 0)) return null;
  const ratio = mc / mb;
  const scale = Math.sqrt((1 / baseline.length + 1 / current.length) / (1 / b.length + 1 / c.length));
  return { ratio, lo: ratio * (r.lo / r.ratio) ** scale, hi: ratio * (r.hi / r.ratio) ** scale, resamples: MIN_RESAMPLES, thinnedTo: COMPARE_MAX_PER_SIDE };
}

/** Compares the machines of a set read with `byMachine` (see the module notes for every rule). */
export function compareResults(set: ResultSet, options: CompareResultsOptions = {}): CompareResult {
  const seed = options.seed ?? DEFAULT_COMPARE_SEED;
  const joined = joinAcrossMachines(set, options.baseline === undefined ? {} : { baseline: options.baseline });
  const { baseline, machines } = joined;
  const benchmarks: BenchmarkComparison[] = joined.benchmarks.map((b) => {
    const base = b.groups.find((g) => g.machine === baseline);
    return {
      label: benchmarkLabel(b),
      benchmark: b.benchmark,
      kind: b.kind,
      threads: b.threads,
      workUnit: b.workUnit,
      version: b.version,
      checksum: b.checksum,
      machines: b.groups.map((g) => ({
        machine: g.machine,
        n: g.n,
        quality: g.quality,
        source: g.source,
        throughputPerS: metricSummary(g.series.throughputPerS),
        powerW: metricSummary(g.series.powerW),
        workPerJ: metricSummary(g.series.workPerJ),
        vsBaseline:
          base === undefined || g === base
            ? null
            : {
                throughput: ratioSummary(base.series.throughputPerS, g.series.throughputPerS, seed),
                workPerJ: ratioSummary(base.series.workPerJ, g.series.workPerJ, seed),
              },
      })),
    };
  });

  const notScored: CompareResult['notScored'] = [];
  const names = (list: string[]): string => (list.length > 5 ? `${list.slice(0, 5).join(', ')} and ${list.length - 5} more` : list.join(', '));
  const scored = benchmarks.filter((b) => {
    const missing = machines.filter((m) => !b.machines.some((f) => f.machine === m));
    const empty = b.machines.filter((f) => f.n === 0).map((f) => f.machine);
    if (missing.length > 0) notScored.push({ benchmark: b.label, reason: `not run comparably on ${names(missing)}` });
    else if (empty.length > 0) notScored.push({ benchmark: b.label, reason: `no valid repetition on ${names(empty)}` });
    return missing.length === 0 && empty.length === 0;
  });
  const scores: MachineScore[] = machines.map((machine) => {
    const ratios = (metric: 'throughputPerS' | 'workPerJ'): number[] | null => {
      const out: number[] = [];
      for (const b of scored) {
        const mine = b.machines.find((f) => f.machine === machine)?.[metric].median ?? null;
        const theirs = b.machines.find((f) => f.machine === baseline)?.[metric].median ?? null;
        // A missing or non-positive median anywhere makes the score undefined rather than quietly smaller.
        if (mine === null || theirs === null || !(mine > 0) || !(theirs > 0)) return null;
        out.push(mine / theirs);
      }
      return out;
    };
    const throughput = ratios('throughputPerS');
    const workPerJ = ratios('workPerJ');
    return {
      machine,
      throughput: throughput && throughput.length ? geometricMean(throughput) : null,
      throughputBenchmarks: throughput?.length ?? 0,
      workPerJ: workPerJ && workPerJ.length ? geometricMean(workPerJ) : null,
      workPerJBenchmarks: workPerJ?.length ?? 0,
    };
  });
  return {
    baseline,
    machines,
    benchmarks,
    scores,
    notScored,
    excludedGroups: joined.excluded,
    excludedRows: set.files.flatMap((f) => f.excluded),
    files: set.files,
    seed,
    notes: [machineFidelityNote(joined.benchmarks.flatMap((b) => b.groups))].filter((n): n is string => n !== null),
  };
}
