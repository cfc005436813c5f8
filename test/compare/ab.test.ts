import { describe, expect, it } from 'vitest';
import { abbaSchedule, armBenchmark, calibrate, CALIBRATION_FACTOR, parseArmBenchmark, splitAbArgs, thresholdFromCalibration } from '../../src/compare/ab.js';
import { CHECK_SERIES, compareSeries, metricSpec } from '../../src/compare/check.js';
import { UsageError } from '../../src/errors.js';
import { lognormalSample, seededNormal } from '../stats/simulated-samples.js';
import { row, setOf } from './rows.js';

const timeSpec = metricSpec('time', 'command', 'run');

describe('abbaSchedule', () => {
  it('runs each command `repeat` times in ABBA or BAAB blocks, reproducibly from the seed', () => {
    for (const repeat of [1, 2, 5, 10, 21]) {
      const order = abbaSchedule(repeat, 99);
      expect(order.filter((x) => x === 'A')).toHaveLength(repeat);
      expect(order.filter((x) => x === 'B')).toHaveLength(repeat);
      for (let i = 0; i + 4 <= order.length - (repeat % 2) * 2; i += 4) expect(['ABBA', 'BAAB']).toContain(order.slice(i, i + 4).join(''));
      if (repeat % 2) expect(['AB', 'BA']).toContain(order.slice(-2).join(''));
    }
    expect(abbaSchedule(10, 7)).toEqual(abbaSchedule(10, 7));
    const orientations = new Set(Array.from({ length: 20 }, (_, seed) => abbaSchedule(2, seed).join('')));
    expect(orientations).toEqual(new Set(['ABBA', 'BAAB']));
    expect(() => abbaSchedule(0, 1)).toThrow(RangeError);
  });

  it('keeps a linear drift from becoming the false regression that a sequential order reports', () => {
    const normal = seededNormal(11);
    const repeat = 10;
    // The machine slows down by 1% per run (heating, throttling) while two identical commands run 20 times.
    const drift = (index: number): number => 1 + 0.01 * index;
    const measure = (order: readonly string[]): { a: number[]; b: number[] } => {
      const noise = lognormalSample(normal, order.length, 1, 0.01);
      const a: number[] = [];
      const b: number[] = [];
      order.forEach((arm, i) => (arm === 'A' ? a : b).push(drift(i) * (noise[i] as number)));
      return { a, b };
    };
    const sequentialOrder = [...Array<string>(repeat).fill('A'), ...Array<string>(repeat).fill('B')];
    for (let trial = 0; trial < 20; trial++) {
      const interleaved = measure(abbaSchedule(repeat, trial));
      const fair = compareSeries(interleaved.a, interleaved.b, timeSpec, { seed: trial });
      expect(fair.verdict).not.toBe('regressed');
      expect(Math.abs(fair.changePct!)).toBeLessThan(3);
      const sequential = measure(sequentialOrder);
      expect(compareSeries(sequential.a, sequential.b, timeSpec, { seed: trial }).verdict).toBe('regressed');
    }
  });
});

describe('ab arguments and names', () => {
  it('splits at the first --vs; without one, B is A (an A/A calibration)', () => {
    expect(splitAbArgs(['node', 'a.js', '--vs', 'node', 'b.js', '--vs'])).toEqual({ a: ['node', 'a.js'], b: ['node', 'b.js', '--vs'], aa: false });
    expect(splitAbArgs(['sleep', '1'])).toEqual({ a: ['sleep', '1'], b: ['sleep', '1'], aa: true });
    expect(splitAbArgs(['x', '--vs', 'x'])).toMatchObject({ aa: true });
    expect(() => splitAbArgs(['--vs', 'x'])).toThrow(UsageError);
    expect(() => splitAbArgs(['x', '--vs'])).toThrow('no command B after --vs');
  });

  it('names each arm in the benchmark column and reads the name back', () => {
    expect(armBenchmark('A', ['node', 'x.js'])).toBe('[A] node x.js');
    expect(parseArmBenchmark('[B] node x.js')).toEqual({ arm: 'B', command: 'node x.js' });
    expect(parseArmBenchmark('node x.js')).toBeNull();
  });
});

describe('A/A calibration', () => {
  it('reports the noise and the smallest detectable change of identical samples', () => {
    const normal = seededNormal(21);
    const a = lognormalSample(normal, 20, 2, 0.05);
    const b = lognormalSample(normal, 20, 2, 0.05);
    const c = calibrate(a, b, 'time', { seed: 1 });
    expect(c.n).toBe(20);
    expect(c.noiseCvPct).toBeGreaterThan(3.5);
    expect(c.noiseCvPct).toBeLessThan(6.5);
    // t(0.975, 38)·cv·√(2/20): about 0.64·cv
    expect(c.minDetectableChangePct! / c.noiseCvPct!).toBeCloseTo(2.0244 * Math.sqrt(0.1), 3);
    expect(c.recommendedThresholdPct).toBeGreaterThanOrEqual(CALIBRATION_FACTOR * c.minDetectableChangePct!);
    expect(c.recommendedThresholdPct! * 2).toBe(Math.round(c.recommendedThresholdPct! * 2));
    expect(Math.abs(c.observedChangePct!)).toBeLessThan(c.recommendedThresholdPct!);
    expect(calibrate([1], [1], 'time').recommendedThresholdPct).toBeNull();
  });

  it('its recommended threshold keeps a later A/A comparison unchanged in at least 95% of trials, and still catches 20%', () => {
    const normal = seededNormal(8);
    let unchanged = 0;
    let caught = 0;
    const trials = 100;
    for (let trial = 0; trial < trials; trial++) {
      const threshold = calibrate(lognormalSample(normal, 10, 1, 0.02), lognormalSample(normal, 10, 1, 0.02), 'time', { seed: trial }).recommendedThresholdPct!;
      const baseline = lognormalSample(normal, 10, 1, 0.02);
      if (compareSeries(baseline, lognormalSample(normal, 10, 1, 0.02), timeSpec, { thresholdPct: threshold, seed: trial }).verdict === 'unchanged') unchanged++;
      if (compareSeries(baseline, lognormalSample(normal, 10, 1.2, 0.02), timeSpec, { thresholdPct: threshold, seed: trial }).verdict === 'regressed') caught++;
    }
    expect(unchanged / trials).toBeGreaterThanOrEqual(0.95);
    expect(caught / trials).toBeGreaterThanOrEqual(0.95);
  });

  it('gives check a threshold from an A/A results file, and refuses a file without an A/A pair', () => {
    const normal = seededNormal(4);
    const rows = (arm: 'A' | 'B', command: string, cv: number) =>
      lognormalSample(normal, 10, 1, cv).map((d) =>
        row({ benchmark: armBenchmark(arm, [command]), kind: 'command', threads: null, workUnit: 'run', work: 1, durationS: d, throughputPerS: 1 / d, checksum: null, version: null, quality: 'estimated' }),
      );
    const set = setOf([...rows('A', 'quiet', 0.01), ...rows('B', 'quiet', 0.01), ...rows('A', 'noisy', 0.06), ...rows('B', 'noisy', 0.06)], { series: CHECK_SERIES, byMachine: false });
    const found = thresholdFromCalibration(set, 'aa.csv');
    expect(found.command).toBe('noisy');
    expect(found.calibrations).toHaveLength(2);
    expect(found.thresholdPct).toBe(Math.max(...found.calibrations.map((c) => c.calibration.recommendedThresholdPct!)));
    const ab = setOf([...rows('A', 'one', 0.01), ...rows('B', 'other', 0.01)], { series: CHECK_SERIES, byMachine: false });
    expect(() => thresholdFromCalibration(ab, 'ab.csv')).toThrow(/^ab\.csv: no A\/A calibration in it/);
  });
});
