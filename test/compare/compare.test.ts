import { describe, expect, it } from 'vitest';
import { COMPARE_SERIES, compareResults, metricSummary, ratioSummary } from '../../src/compare/compare.js';
import { assertOneEnergyQuality, joinAcrossMachines } from '../../src/compare/join.js';
import { UsageError } from '../../src/errors.js';
import { bootstrapRatioOfMedians } from '../../src/stats/bootstrap.js';
import { lognormalSample, seededNormal } from '../stats/simulated-samples.js';
import { readResults } from '../../src/results/read.js';
import { FIXTURES } from '../helpers/fake-files.js';
import { row, series, setOf } from './rows.js';

const results = (name: string): string => `${FIXTURES}results/${name}`;

describe('joinAcrossMachines', () => {
  it('refuses to rank measured against estimated energy, naming a row of each', () => {
    const set = setOf([row({ machine: 'a' }), row({ machine: 'b', quality: 'estimated', source: 'estimate:cpu' })], {}, 'x.csv');
    expect(() => assertOneEnergyQuality(set)).toThrow(UsageError);
    expect(() => joinAcrossMachines(set)).toThrow(
      'cannot rank measured against estimated energy: x.csv:2 is measured (rapl:package-0) but x.csv:3 is estimated (estimate:cpu); compare them apart, or keep one kind with --quality measured (or --quality estimated)',
    );
    // Rows without energy (quality none) rank on throughput alongside either kind.
    expect(() => joinAcrossMachines(setOf([row({ machine: 'a' }), row({ machine: 'b', quality: 'none', energyJ: null, workPerJ: null })]))).not.toThrow();
  });

  it('excludes another kernel version and another checksum, showing why, and keeps the rest', () => {
    const set = setOf([
      ...series({ machine: 'base' }, [100, 101, 99]),
      ...series({ machine: 'v2', version: '2' }, [200, 201, 199]),
      ...series({ machine: 'seed', checksum: 'zzz' }, [300, 301, 299]),
      ...series({ machine: 'same' }, [150, 151, 149]),
      row({ machine: 'torn', checksum: 'abc' }),
      row({ machine: 'torn', checksum: 'def' }),
    ]);
    const joined = joinAcrossMachines(set, { baseline: 'base' });
    expect(joined.benchmarks).toHaveLength(1);
    expect(joined.benchmarks[0]!.groups.map((g) => g.machine)).toEqual(['base', 'same']);
    expect(joined.excluded.map((e) => [e.machine, e.reason.split(':')[0]])).toEqual([
      ['torn', 'checksums differ within its rows'],
      ['v2', 'version 2 differs from version 1 on base (test.csv'],
      ['seed', 'checksum zzz differs from abc on base (test.csv'],
    ]);
    expect(joined.excluded[1]).toMatchObject({ benchmark: 'sha256 x1', rows: 3, where: { file: 'test.csv', line: 5 } });
  });

  it('puts the baseline first and refuses an unknown baseline', () => {
    const set = setOf([...series({ machine: 'a' }, [1, 2]), ...series({ machine: 'b' }, [1, 2])]);
    expect(joinAcrossMachines(set, { baseline: 'b' }).machines).toEqual(['b', 'a']);
    expect(joinAcrossMachines(set).baseline).toBe('a');
    expect(() => joinAcrossMachines(set, { baseline: 'c' })).toThrow('--baseline "c" is not a machine in the inputs (machines: a, b)');
  });
});

describe('compareResults', () => {
  it('gives ratios to the baseline with bootstrap CIs, and a geometric-mean score over common benchmarks', () => {
    const set = setOf(
      [
        ...series({ machine: 'slow', benchmark: 'k1' }, [100, 100, 100, 100], 10),
        ...series({ machine: 'slow', benchmark: 'k2' }, [50, 50, 50, 50], 10),
        ...series({ machine: 'fast', benchmark: 'k1' }, [200, 200, 200, 200], 10),
        ...series({ machine: 'fast', benchmark: 'k2' }, [25, 25, 25, 25], 5),
        ...series({ machine: 'fast', benchmark: 'only-fast' }, [1, 1, 1], 1),
      ],
      { series: COMPARE_SERIES },
    );
    const result = compareResults(set);
    expect(result.baseline).toBe('slow');
    const k1 = result.benchmarks.find((b) => b.benchmark === 'k1')!;
    const fast = k1.machines.find((m) => m.machine === 'fast')!;
    // Noise-free samples: every resample gives the same ratio, so the CI collapses on it.
    expect(fast.vsBaseline?.throughput).toEqual({ ratio: 2, lo: 2, hi: 2, resamples: 10_000, thinnedTo: null });
    expect(fast.vsBaseline?.workPerJ?.ratio).toBe(2);
    expect(k1.machines.find((m) => m.machine === 'slow')!.vsBaseline).toBeNull();
    const scores = Object.fromEntries(result.scores.map((s) => [s.machine, s]));
    // Throughput ratios 2 and 0.5: geometric mean 1. Work per joule: 2 and 1 (25/5 vs 50/10): √2.
    expect(scores.fast!.throughput).toBeCloseTo(1, 12);
    expect(scores.fast!.workPerJ).toBeCloseTo(Math.SQRT2, 12);
    expect(scores.fast!.throughputBenchmarks).toBe(2);
    expect(scores.slow!.throughput).toBe(1);
    expect(result.notScored).toEqual([{ benchmark: 'only-fast x1', reason: 'not run comparably on slow' }]);
  });

  it('leaves out of the score a benchmark whose windows all failed on some machine, and says so', () => {
    const set = setOf(
      [
        ...series({ machine: 'a', benchmark: 'k1' }, [100, 100, 100]),
        ...series({ machine: 'a', benchmark: 'k2' }, [10, 10, 10]),
        ...series({ machine: 'b', benchmark: 'k1' }, [150, 150, 150]),
        ...series({ machine: 'b', benchmark: 'k2' }, [10, 10]).map((r) => ({ ...r, valid: false })),
      ],
      { series: COMPARE_SERIES },
    );
    const result = compareResults(set);
    expect(result.notScored).toEqual([{ benchmark: 'k2 x1', reason: 'no valid repetition on b' }]);
    expect(result.scores.find((s) => s.machine === 'b')).toMatchObject({ throughput: 1.5, throughputBenchmarks: 1 });
    expect(result.benchmarks[1]!.machines[1]).toMatchObject({ machine: 'b', n: 0, throughputPerS: { median: null } });
  });

  it('gives the CI of the median from 6 repetitions on, the CI of the mean below, none for one value', () => {
    const six = metricSummary([10, 11, 12, 13, 14, 15]);
    expect(six).toMatchObject({ n: 6, median: 12.5, ci: [10, 15], ciOf: 'median' });
    const three = metricSummary([10, 11, 12]);
    expect(three.ciOf).toBe('mean');
    // mean 11 ± t(0.975, 2)·1/√3 = 11 ± 2.4841
    expect(three.ci![0]).toBeCloseTo(11 - 4.302653 / Math.sqrt(3), 5);
    expect(metricSummary([10])).toMatchObject({ n: 1, median: 10, ci: null, ciOf: null });
    expect(metricSummary(undefined)).toMatchObject({ n: 0, median: null });
  });

  it('reproduces a bootstrap ratio CI from its seed, and thins huge samples to a bounded cost', () => {
    const a = Array.from({ length: 20 }, (_, i) => 100 + ((i * 7) % 11));
    const b = a.map((x) => x * 1.1);
    const first = ratioSummary(a, b, 42);
    expect(first).toEqual(ratioSummary(a, b, 42));
    expect(first!.ratio).toBeCloseTo(1.1, 12);
    expect(first!.lo).toBeLessThanOrEqual(1.1);
    expect(first!.hi).toBeGreaterThanOrEqual(1.1);
    const huge = Array.from({ length: 200_000 }, (_, i) => 100 + (i % 13));
    // The cost is bounded by what the bootstrap resamples (1000 × 200 points), not by a stopwatch.
    const thinned = ratioSummary(huge, huge.map((x) => x * 2), 1);
    expect(thinned).toMatchObject({ ratio: 2, resamples: 1000, thinnedTo: 200 });
  });

  it('sizes the m-out-of-n interval of a large sample like the bootstrap of the whole sample, on average over seeds', () => {
    const normal = seededNormal(31);
    const a = lognormalSample(normal, 3000, 100, 0.05);
    const b = lognormalSample(normal, 3000, 110, 0.05);
    const full = bootstrapRatioOfMedians(a, b, { seed: 5, resamples: 400 })!;
    const width = (lo: number, hi: number): number => Math.log(hi / lo);
    let sum = 0;
    for (let seed = 1; seed <= 8; seed++) {
      const fast = ratioSummary(a, b, seed)!;
      expect(fast.thinnedTo).toBe(200);
      expect(fast.ratio).toBeCloseTo(full.ratio, 12);
      expect(fast.lo).toBeLessThan(fast.ratio);
      expect(fast.hi).toBeGreaterThan(fast.ratio);
      sum += width(fast.lo, fast.hi) / width(full.lo, full.hi);
    }
    // Each subsample's width wanders by about ±25%; their mean matches the full bootstrap's.
    expect(sum / 8).toBeGreaterThan(0.8);
    expect(sum / 8).toBeLessThan(1.25);
  });

  it('compares the fixture machines: m2 beats m1 per joule, m4 runs another json version, invalid rows are listed', async () => {
    const set = await readResults([results('m1.csv'), results('m2.csv'), results('m4-json-v2.csv')], { series: COMPARE_SERIES });
    const result = compareResults(set);
    expect(result.machines).toEqual(['m1', 'm2', 'm4']);
    const sha = result.benchmarks.find((b) => b.benchmark === 'sha256')!;
    const m2 = sha.machines.find((m) => m.machine === 'm2')!;
    expect(m2.vsBaseline!.throughput!.ratio).toBeCloseTo(2, 1);
    // 2× the throughput at 1.25× the power: 1.6× the work per joule.
    expect(m2.vsBaseline!.workPerJ!.ratio).toBeCloseTo(1.6, 1);
    expect(m2.workPerJ.ciOf).toBe('median');
    expect(result.excludedGroups.map((e) => `${e.benchmark} on ${e.machine}`)).toEqual(['json x1 on m4']);
    expect(result.excludedRows.map((e) => [e.reason, e.lines])).toEqual([['invalid window (valid=false)', [10]]]);
    // json is not comparable on m4, so only sha256 is scored.
    expect(result.scores.find((s) => s.machine === 'm4')).toMatchObject({ throughputBenchmarks: 1, workPerJBenchmarks: 1 });
    expect(result.notScored).toEqual([{ benchmark: 'json x1', reason: 'not run comparably on m4' }]);
  });
});
