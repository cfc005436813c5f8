import { describe, expect, it } from 'vitest';
import { CHECK_SERIES, checkResults, compareSeries, ESTIMATED_NOTE, gateExitCode, metricSpec } from '../../src/compare/check.js';
import { UsageError } from '../../src/errors.js';
import { readResults, type ResultRow } from '../../src/results/read.js';
import { FIXTURES } from '../helpers/fake-files.js';
import { lognormalSample, seededNormal } from '../stats/simulated-samples.js';
import { row, series, setOf } from './rows.js';

const results = (name: string): string => `${FIXTURES}results/${name}`;
const pooled = { series: CHECK_SERIES, byMachine: false } as const;
const throughputSpec = metricSpec('time', 'kernel', 'MB');

/** Command rows (time = duration) with the given durations and energies. */
function commandRows(durations: readonly number[], over: Partial<ResultRow> = {}, energyPerS = 10): ResultRow[] {
  return durations.map((d) =>
    row({ kind: 'command', benchmark: 'node bench.js', threads: null, workUnit: 'run', work: 1, checksum: null, version: null, durationS: d, throughputPerS: 1 / d, energyJ: d * energyPerS, powerW: energyPerS, workPerJ: 1 / (d * energyPerS), ...over }),
  );
}

describe('check verdicts on simulated samples (10 repetitions per side, CV 3%)', () => {
  it('A/A: unchanged in at least 95% of 200 trials, never regressed', () => {
    const normal = seededNormal(2024);
    const verdicts = { regressed: 0, improved: 0, unchanged: 0, inconclusive: 0 };
    for (let trial = 0; trial < 200; trial++) {
      const baseline = lognormalSample(normal, 10, 100, 0.03);
      const current = lognormalSample(normal, 10, 100, 0.03);
      verdicts[compareSeries(baseline, current, throughputSpec, { seed: trial }).verdict]++;
    }
    expect(verdicts.unchanged / 200).toBeGreaterThanOrEqual(0.95);
    expect(verdicts.regressed).toBe(0);
  });

  it('a 15% slowdown on the same noise: regressed, for throughput (lower) and for time (higher)', () => {
    const normal = seededNormal(77);
    let regressedThroughput = 0;
    let regressedTime = 0;
    for (let trial = 0; trial < 50; trial++) {
      const baseline = lognormalSample(normal, 10, 100, 0.03);
      const slower = lognormalSample(normal, 10, 100 / 1.15, 0.03);
      if (compareSeries(baseline, slower, throughputSpec, { seed: trial }).verdict === 'regressed') regressedThroughput++;
      const before = lognormalSample(normal, 10, 2, 0.03);
      const after = lognormalSample(normal, 10, 2 * 1.15, 0.03);
      if (compareSeries(before, after, metricSpec('time', 'command', 'run'), { seed: trial }).verdict === 'regressed') regressedTime++;
    }
    expect(regressedThroughput).toBe(50);
    expect(regressedTime).toBe(50);
  });

  it('a 15% speed-up is improved; a 15% slowdown within a 20% threshold is not a regression', () => {
    const normal = seededNormal(5);
    const baseline = lognormalSample(normal, 10, 100, 0.03);
    const faster = lognormalSample(normal, 10, 115, 0.03);
    expect(compareSeries(baseline, faster, throughputSpec).verdict).toBe('improved');
    const slower = lognormalSample(normal, 10, 100 / 1.15, 0.03);
    expect(compareSeries(baseline, slower, throughputSpec, { thresholdPct: 20 }).verdict).not.toBe('regressed');
  });

  it('too few repetitions, or too noisy, is inconclusive', () => {
    expect(compareSeries([100, 101], [80, 81], throughputSpec).verdict).toBe('inconclusive');
    const normal = seededNormal(9);
    const noisy = compareSeries(lognormalSample(normal, 10, 100, 0.4), lognormalSample(normal, 10, 100, 0.4), throughputSpec);
    expect(noisy.verdict).toBe('inconclusive');
    expect(noisy.reason).toMatch(/too noisy/);
  });
});

describe('checkResults', () => {
  const base = [...series({}, [100, 101, 99, 100, 102, 98, 100, 101]), ...commandRows([1, 1.01, 0.99, 1, 1.02, 0.98, 1, 1.01])];
  const slowerCommand = [...series({}, [100, 101, 99, 100, 102, 98, 100, 101]), ...commandRows([1.3, 1.31, 1.29, 1.3, 1.32, 1.28, 1.3, 1.31])];

  it('compares time and, where both sides are measured, energy; exit 1 on the regression', () => {
    const result = checkResults(setOf(base, pooled, 'base.csv'), setOf(slowerCommand, pooled, 'cur.csv'));
    expect(result.entries.map((e) => `${e.label}/${e.metric}/${e.verdict}`)).toEqual([
      'sha256 x1/time/unchanged',
      'sha256 x1/energy/unchanged',
      'node bench.js/time/regressed',
      'node bench.js/energy/regressed',
    ]);
    const time = result.entries[2]!;
    expect(time).toMatchObject({ metricLabel: 'time', unit: 's', higherIsBetter: false, baseline: { n: 8 }, current: { n: 8 }, resamples: 10_000, thinnedTo: null });
    expect(time.ratio).toBeCloseTo(1.3, 2);
    expect(result.counts).toEqual({ regressed: 2, improved: 0, unchanged: 2, inconclusive: 0 });
    expect(result.exitCode).toBe(1);
  });

  it('compares only time when one side is estimated, and says so; refuses an explicit energy metric across qualities', () => {
    const estimated = slowerCommand.map((r) => ({ ...r, quality: 'estimated' as const, source: 'estimate:cpu' }));
    const result = checkResults(setOf(base, pooled, 'base.csv'), setOf(estimated, pooled, 'cur.csv'));
    expect(result.entries.map((e) => e.metric)).toEqual(['time', 'time']);
    expect(result.notes).toEqual([
      'sha256 x1: energy not compared: baseline energy is measured, current energy is estimated',
      'node bench.js: energy not compared: baseline energy is measured, current energy is estimated',
    ]);
    expect(() => checkResults(setOf(base, pooled, 'base.csv'), setOf(estimated, pooled, 'cur.csv'), { metrics: ['energy'] })).toThrow(
      'cur.csv:2: cannot compare estimated energy with measured energy (base.csv:2) for sha256 x1: never compare measured with estimated energy',
    );
  });

  it('refuses a side whose rows mix measured and estimated energy, naming the row', () => {
    const mixed = base.map((r, i) => (i === 3 ? { ...r, quality: 'estimated' as const } : r));
    expect(() => checkResults(setOf(base, pooled, 'a.csv'), setOf(mixed, pooled, 'b.csv'))).toThrow(
      'b.csv:5: estimated energy, but b.csv:2 is measured, for sha256 x1: mixed energy quality cannot be compared (measure both sides with the same sources)',
    );
  });

  it('lists what it cannot compare; strict mode fails on it and on inconclusive verdicts', () => {
    const current = [
      ...series({}, [100, 101, 99, 100, 102, 98, 100, 101]),
      ...series({ benchmark: 'json', version: '2' }, [5, 5, 5]),
      ...series({ benchmark: 'brand-new' }, [5, 5, 5]),
      ...series({ benchmark: 'regex', checksum: 'other' }, [5, 5, 5]),
    ];
    const baseline = [...series({}, [100, 101, 99, 100, 102, 98, 100, 101]), ...series({ benchmark: 'json' }, [5, 5, 5]), ...series({ benchmark: 'regex' }, [5, 5, 5]), ...series({ benchmark: 'gone' }, [1, 1, 1])];
    const result = checkResults(setOf(baseline, pooled, 'a.csv'), setOf(current, pooled, 'b.csv'), { metrics: ['time'] });
    expect(result.entries.map((e) => `${e.label}/${e.verdict}`)).toEqual(['sha256 x1/unchanged']);
    expect(result.notCompared.map((n) => `${n.label} [${n.side}]: ${n.reason.split('(')[0]!.trim()}`)).toEqual([
      'json x1 [baseline]: version 1 in the baseline, 2 in the current results',
      'regex x1 [both]: checksum differs',
      'gone x1 [baseline]: only in the baseline',
      'brand-new x1 [current]: only in the current results',
    ]);
    expect(result.exitCode).toBe(0);
    expect(checkResults(setOf(baseline, pooled, 'a.csv'), setOf(current, pooled, 'b.csv'), { metrics: ['time'], failOnInconclusive: true }).exitCode).toBe(1);
    expect(gateExitCode([], [{ label: 'x', side: 'current', reason: 'new', where: { file: 'b', line: 2 } }], true)).toBe(0);
  });

  it('calls a benchmark whose current windows all failed inconclusive, with the reason, and fails strict mode', () => {
    const failing = commandRows([1, 1, 1, 1]).map((r) => ({ ...r, valid: false, warnings: 'command exited with code 3' }));
    const result = checkResults(setOf(commandRows([1, 1.01, 0.99, 1]), pooled, 'a.csv'), setOf(failing, pooled, 'b.csv'));
    expect(result.entries).toHaveLength(1);
    expect(result.entries[0]).toMatchObject({ verdict: 'inconclusive', reason: 'Inconclusive: no valid repetition in the current results (4 invalid windows, first at b.csv:2: command exited with code 3).' });
    expect(result.exitCode).toBe(0);
    expect(checkResults(setOf(commandRows([1, 1.01, 0.99, 1]), pooled, 'a.csv'), setOf(failing, pooled, 'b.csv'), { failOnInconclusive: true }).exitCode).toBe(1);
  });

  it('refuses to pass when nothing is in common (a gate that parsed nothing must not say OK)', () => {
    expect(() => checkResults(setOf(series({ benchmark: 'a' }, [1, 1, 1]), pooled, 'a.csv'), setOf(series({ benchmark: 'b' }, [1, 1, 1]), pooled, 'b.csv'))).toThrow(UsageError);
  });

  it('thins huge sides and still decides: 20 000 repetitions each, a 10% slowdown', () => {
    const normal = seededNormal(3);
    const big = lognormalSample(normal, 20_000, 100, 0.05);
    const slower = lognormalSample(normal, 20_000, 90, 0.05);
    const entry = compareSeries(big, slower, throughputSpec);
    expect(entry).toMatchObject({ verdict: 'regressed', thinnedTo: 1000, resamples: 1000, baseline: { n: 20_000 }, current: { n: 20_000 } });
  });

  it('reads the fixtures: m2 against m1 is a large improvement in throughput and energy', async () => {
    const m1 = await readResults([results('m1.csv')], pooled);
    const m2 = await readResults([results('m2.csv')], pooled);
    const result = checkResults(m1, m2);
    expect(result.entries.map((e) => `${e.label}/${e.metric}/${e.verdict}`)).toEqual(['sha256 x1/time/improved', 'sha256 x1/energy/improved', 'json x1/time/improved', 'json x1/energy/improved']);
    expect(result.excludedRows).toHaveLength(1);
    expect(checkResults(m2, m1).exitCode).toBe(1);
    const estimated = await readResults([results('m3-estimated.csv')], pooled);
    const both = checkResults(estimated, estimated);
    expect(both.entries.map((e) => e.metric)).toEqual(['time', 'time']);
    expect(both.notes).toEqual([ESTIMATED_NOTE]);
    expect(checkResults(estimated, estimated, { metrics: ['energy'] }).entries.map((e) => `${e.metric}/${e.verdict}`)).toEqual(['energy/unchanged', 'energy/unchanged']);
  });
});
