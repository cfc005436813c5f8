/**
 * Joining results across machines for `compare`: which repetitions may be ranked against which.
 *
 * Rules, in order:
 * 1. Energy of one kind only: when the inputs hold both measured and estimated energy, the comparison is refused
 *    (UsageError naming a row of each); `--quality` keeps one kind, and the rows of the other are listed as excluded.
 * 2. Rows join on their identity (kind, benchmark, threads, work unit); the kernel version and the checksum must agree
 *    too. A machine's group whose rows disagree on the checksum among themselves is excluded.
 * 3. For each identity the reference is the baseline machine's group (the largest, if it ran several versions),
 *    else the first group read that has valid rows. A group of another version, or whose checksum differs from the reference's, is
 *    excluded with the reason and a row of each: different kernel versions or inputs did different work.
 * Everything excluded is returned with its reason; nothing is dropped silently.
 */
import { UsageError } from '../errors.js';
import type { GroupSamples, ResultSet, Where } from '../results/read.js';
import type { BenchmarkIdentity } from '../runner/types.js';

/** A group left out of the comparison, with why. */
export interface GroupExclusion {
  /** Benchmark label, e.g. `sha256 x1` or a command line. */
  benchmark: string;
  machine: string;
  reason: string;
  where: Where;
  /** Valid rows the group held. */
  rows: number;
}

/** One benchmark configuration with the groups of the machines that ran it comparably. */
export interface JoinedBenchmark extends BenchmarkIdentity {
  identity: string;
  checksum: string | null;
  /** One group per machine, in machine order (baseline first). */
  groups: GroupSamples[];
}

/** The joined inputs of `compare`. */
export interface JoinResult {
  /** Every machine with at least one group, baseline first, then in order of appearance. */
  machines: string[];
  baseline: string;
  benchmarks: JoinedBenchmark[];
  excluded: GroupExclusion[];
}

/** `sha256 x4` for a kernel, the command line for a command (threads are not a command's). */
export function benchmarkLabel(g: Pick<GroupSamples, 'benchmark' | 'threads'>): string {
  return g.threads === null ? g.benchmark : `${g.benchmark} x${g.threads}`;
}

function at(where: Where): string {
  return `${where.file}:${where.line}`;
}

function shortChecksum(checksum: string): string {
  return checksum.length > 12 ? `${checksum.slice(0, 12)}…` : checksum;
}

/** Throws a UsageError when the set holds both measured and estimated energy (rule 1). */
export function assertOneEnergyQuality(set: ResultSet): void {
  let measured: { where: Where; source: string } | null = null;
  let estimated: { where: Where; source: string } | null = null;
  for (const g of set.groups.values()) {
    if (!measured && g.qualities.measured) measured = { where: g.qualities.measured, source: g.quality === 'measured' ? g.source : 'measured' };
    if (!estimated && g.qualities.estimated) estimated = { where: g.qualities.estimated, source: g.quality === 'estimated' ? g.source : 'estimated' };
    if (measured && estimated) {
      throw new UsageError(
        `cannot rank measured against estimated energy: ${at(measured.where)} is measured (${measured.source}) but ${at(estimated.where)} is estimated (${estimated.source}); compare them apart, or keep one kind with --quality measured (or --quality estimated)`,
      );
    }
  }
}

/** Machines of the set in order of appearance. */
export function machinesOf(set: ResultSet): string[] {
  const machines: string[] = [];
  const seen = new Set<string>();
  for (const g of set.groups.values()) {
    if (!seen.has(g.machine)) {
      seen.add(g.machine);
      machines.push(g.machine);
    }
  }
  return machines;
}

/** Joins the groups of a set (read with `byMachine`) across machines by the module's rules. */
export function joinAcrossMachines(set: ResultSet, options: { baseline?: string } = {}): JoinResult {
  assertOneEnergyQuality(set);
  const found = machinesOf(set);
  const baseline = options.baseline ?? found[0];
  if (baseline === undefined) throw new UsageError('nothing to compare: no valid rows in the inputs');
  if (!found.includes(baseline)) {
    const list = found.length > 8 ? `${found.slice(0, 8).join(', ')}, …` : found.join(', ');
    throw new UsageError(`--baseline ${JSON.stringify(baseline)} is not a machine in the inputs (machines: ${list})`);
  }
  const order = [baseline, ...found.filter((m) => m !== baseline)];
  const rank = new Map(order.map((m, i) => [m, i]));
  const excluded: GroupExclusion[] = [];
  const exclude = (g: GroupSamples, reason: string): void => {
    excluded.push({ benchmark: benchmarkLabel(g), machine: g.machine, reason, where: g.first, rows: g.n });
  };

  const byIdentity = new Map<string, GroupSamples[]>();
  for (const g of set.groups.values()) {
    if (g.otherChecksum) {
      exclude(g, `checksums differ within its rows: ${shortChecksum(g.checksum ?? '')} and ${shortChecksum(g.otherChecksum.checksum)} at ${at(g.otherChecksum)}`);
      continue;
    }
    const list = byIdentity.get(g.identity);
    if (list) list.push(g);
    else byIdentity.set(g.identity, [g]);
  }

  const benchmarks: JoinedBenchmark[] = [];
  for (const [identity, groups] of byIdentity) {
    const onBaseline = groups.filter((g) => g.machine === baseline);
    const largest = (list: GroupSamples[]): GroupSamples => list.reduce((best, g) => (g.n > best.n ? g : best));
    const reference = onBaseline.length > 0 ? largest(onBaseline) : (groups.find((g) => g.n > 0) ?? (groups[0] as GroupSamples));
    const kept: GroupSamples[] = [];
    for (const g of groups) {
      if (g === reference) {
        kept.push(g);
      } else if (g.version !== reference.version) {
        exclude(
          g,
          `version ${g.version ?? '(none)'} differs from version ${reference.version ?? '(none)'} on ${reference.machine} (${at(reference.first)}): different kernel versions are not compared`,
        );
      } else if (g.checksum !== null && reference.checksum !== null && g.checksum !== reference.checksum) {
        exclude(
          g,
          `checksum ${shortChecksum(g.checksum)} differs from ${shortChecksum(reference.checksum)} on ${reference.machine} (${at(reference.first)}): the kernels did different work (another --seed or input)`,
        );
      } else {
        kept.push(g);
      }
    }
    kept.sort((x, y) => (rank.get(x.machine) ?? 0) - (rank.get(y.machine) ?? 0));
    benchmarks.push({
      identity,
      benchmark: reference.benchmark,
      kind: reference.kind,
      threads: reference.threads,
      workUnit: reference.workUnit,
      version: reference.version,
      checksum: reference.checksum,
      groups: kept,
    });
  }
  const machines = order.filter((m) => benchmarks.some((b) => b.groups.some((g) => g.machine === m)));
  return { machines, baseline, benchmarks, excluded };
}
