import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { counterDelta, DEFAULT_MAX_PLAUSIBLE_POWER_W, type CounterLimits } from '../../src/sampler/counter.js';
import { SCOPE_CEILING_W } from '../../src/sampler/ceiling.js';
import { frozenAfterS } from '../../src/sampler/frozen.js';
import { integrateCounter, integrateGauge } from '../../src/sampler/integrate.js';
import type { SampleRecord } from '../../src/sampler/sampler.js';
import type { SourceInfo } from '../../src/sources/types.js';
import { RUNS } from './arbitraries.js';

/** Counter reads as a source might hand them over, garbage included: NaN, negative, infinite, huge, above the range. */
const rawValue: fc.Arbitrary<number> = fc.oneof(
  { arbitrary: fc.nat({ max: 10_000_000 }), weight: 4 },
  { arbitrary: fc.double({ min: 0, max: 1e12, noNaN: true }), weight: 2 },
  { arbitrary: fc.constantFrom(Number.NaN, -1, -1e-9, -0, Infinity, -Infinity, 1e308, Number.MAX_VALUE, 2 ** 32, 2 ** 32 - 1, 2 ** 64, 262143328850), weight: 2 },
  { arbitrary: fc.double(), weight: 1 },
);

const maxRange: fc.Arbitrary<number | null> = fc.oneof(
  fc.constant(null),
  fc.constantFrom(2 ** 32, 262143328850, 65532610987, Number.MAX_VALUE, 10_000_000),
  fc.double({ min: 1, max: 1e12, noNaN: true }),
);

/** Limits as probes set them: a known or unknown range, a positive scale, a positive plausibility bound. */
const limits: fc.Arbitrary<CounterLimits> = fc.record({
  maxRange,
  joulesPerUnit: fc.oneof(fc.constantFrom(1, 1e-6, 60, 3600, 3.6e6), fc.double({ min: 1e-9, max: 1e7, noNaN: true })),
  maxPlausiblePowerW: fc.oneof(fc.constant(DEFAULT_MAX_PLAUSIBLE_POWER_W), fc.double({ min: 1e-3, max: 1e7, noNaN: true })),
});

const dtS: fc.Arbitrary<number> = fc.oneof(
  fc.double({ min: 1e-6, max: 120, noNaN: true }),
  fc.constantFrom(0, -0, -1, Number.NaN, Infinity, 1e-300),
);

describe('property: counterDelta', () => {
  it('has no delta without a previous read', () => {
    fc.assert(
      fc.property(rawValue, dtS, limits, (next, dt, l) => {
        expect(counterDelta(null, next, dt, l)).toEqual({ state: 'first' });
      }),
      { numRuns: RUNS },
    );
  });

  it('never yields a negative, non-finite or implausible delta, whatever the reads (prev above the range or garbage included)', () => {
    fc.assert(
      fc.property(rawValue, rawValue, dtS, limits, (prev, next, dt, l) => {
        const d = counterDelta(prev, next, dt, l);
        expect(['delta', 'wrapped', 'reset']).toContain(d.state);
        if (d.state === 'reset') {
          expect(typeof d.reason).toBe('string');
          return;
        }
        if (d.state !== 'delta' && d.state !== 'wrapped') return;
        expect(Number.isFinite(d.delta), `delta ${d.delta} from ${prev} -> ${next}`).toBe(true);
        expect(d.delta >= 0, `delta ${d.delta} from ${prev} -> ${next}`).toBe(true);
        if (dt > 0) expect((d.delta * l.joulesPerUnit) / dt).toBeLessThanOrEqual(l.maxPlausiblePowerW);
        else expect(d.delta).toBe(0);
        if (d.state === 'wrapped') expect(l.maxRange).not.toBeNull();
      }),
      {
        numRuns: RUNS * 2,
        // A read above the range (itself a reset) stays the previous read of the next interval.
        examples: [[150, 10, 1, { maxRange: 100, joulesPerUnit: 1, maxPlausiblePowerW: 10_000 }], [Infinity, 5, 1, { maxRange: 100, joulesPerUnit: 1, maxPlausiblePowerW: 10_000 }]],
      },
    );
  });

  it('classifies every decrease of readable values as wrapped or reset, never as a plain delta', () => {
    const readable = fc.oneof(fc.nat({ max: 2 ** 40 }), fc.double({ min: 0, max: 1e12, noNaN: true }));
    fc.assert(
      fc.property(readable, readable, dtS, limits, (a, b, dt, l) => {
        fc.pre(a !== b);
        const prev = Math.max(a, b);
        const next = Math.min(a, b);
        const d = counterDelta(prev, next, dt, l);
        expect(['wrapped', 'reset']).toContain(d.state);
        if (l.maxRange === null) expect(d.state).toBe('reset');
        if (d.state === 'wrapped') expect(d.delta).toBe(next + (l.maxRange as number) - prev);
      }),
      { numRuns: RUNS },
    );
  });

  it('differences a rise exactly when it is plausible, and never calls it a wrap', () => {
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 40 }), fc.nat({ max: 2 ** 40 }), fc.double({ min: 1e-3, max: 120, noNaN: true }), limits, (a, b, dt, l) => {
        const prev = Math.min(a, b);
        const next = Math.max(a, b);
        const d = counterDelta(prev, next, dt, l);
        if (l.maxRange !== null && next > l.maxRange) {
          expect(d.state).toBe('reset');
          return;
        }
        const plausible = ((next - prev) * l.joulesPerUnit) / dt <= l.maxPlausiblePowerW;
        expect(d).toEqual(plausible ? { state: 'delta', delta: next - prev } : expect.objectContaining({ state: 'reset' }));
      }),
      { numRuns: RUNS },
    );
  });
});

/** Non-decreasing monotonic timestamps (the sampler's clock), repeated timestamps included. */
function times(n: number): fc.Arbitrary<number[]> {
  const dt = fc.oneof({ arbitrary: fc.double({ min: 1e-3, max: 60, noNaN: true }), weight: 5 }, { arbitrary: fc.constant(0), weight: 1 });
  return fc.tuple(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.array(dt, { minLength: n, maxLength: n })).map(([t0, dts]) => {
    const out: number[] = [];
    let t = t0;
    for (const d of dts) out.push((t += d));
    return out;
  });
}

function records<T>(values: fc.Arbitrary<T>, maxLength = 30): fc.Arbitrary<Array<SampleRecord<T>>> {
  return fc
    .array(fc.option(values, { freq: 6, nil: null }), { maxLength })
    .chain((vs) => times(vs.length).map((ts) => vs.map((value, i) => ({ tS: ts[i] as number, value, ...(value === null ? { reason: 'EIO reading x' } : {}) }))));
}

const counterInfo = (over: Partial<SourceInfo>): SourceInfo => ({ id: 'c', kind: 'counter', scope: 'cpu-package', quality: 'measured', description: '', ...over });
const gaugeInfo: SourceInfo = { id: 'g', kind: 'gauge', scope: 'gpu', quality: 'measured', description: '', updatePeriodS: 0.1 };

const counterInfoArb: fc.Arbitrary<SourceInfo> = fc
  .record({ maxRange, joulesPerUnit: fc.oneof(fc.constantFrom(1, 1e-6, 60, 3600, 3.6e6), fc.double({ min: 1e-9, max: 1e7, noNaN: true })) })
  .map((l) => counterInfo(l));

/** Seconds of the longest run of equal consecutive readable values: the frozen-counter rule's input, computed here on its own. */
function longestStillS(recs: SampleRecord[]): number {
  const used = recs.filter((r) => r.value !== null);
  let best = 0;
  let from = used[0]?.tS ?? 0;
  for (let i = 1; i < used.length; i++) {
    if (used[i]!.value !== used[i - 1]!.value) from = used[i]!.tS;
    else best = Math.max(best, used[i]!.tS - from);
  }
  return best;
}

/** A counter whose scope's ceiling (20 kW at the wall) is above every rise the arithmetic properties generate. */
const wallCounter = (over: Partial<SourceInfo>): SourceInfo => counterInfo({ scope: 'system-wall', ...over });

describe('property: integrateCounter', () => {
  it('never returns a negative, NaN or implausible energy, nor a negative power, from any sequence of reads', () => {
    fc.assert(
      fc.property(counterInfoArb, records(rawValue), (info, recs) => {
        const w = integrateCounter(info, recs as SampleRecord[]);
        const readable = recs.filter((r) => r.value !== null);
        expect(w.samples).toBe(readable.length);
        if (w.energyJ === null) {
          // Fewer than two readable reads, or none of the counted time left (all at one instant, or every interval reset).
          if (readable.length < 2) expect(w.reason).toMatch(/readable sample/);
          else if (longestStillS(recs as SampleRecord[]) > frozenAfterS(info)) expect(w.reason).toMatch(/frozen sensor, energy unknown$/);
          else expect(w.reason).toMatch(/no two readings .* at different times/);
          return;
        }
        expect(Number.isFinite(w.energyJ), `energy ${w.energyJ}`).toBe(true);
        expect(w.energyJ).toBeGreaterThanOrEqual(0);
        const span = w.spanS as number;
        // Every counted interval is plausible, so the whole window is too.
        expect(w.energyJ).toBeLessThanOrEqual(DEFAULT_MAX_PLAUSIBLE_POWER_W * span * (1 + 1e-9) + 1e-9);
        if (w.powerW !== null) {
          expect(Number.isFinite(w.powerW)).toBe(true);
          expect(w.powerW).toBeGreaterThanOrEqual(0);
        }
        for (const [t, p] of w.series ?? []) {
          expect(Number.isFinite(t) && Number.isFinite(p) && p >= 0, `series point [${t}, ${p}]`).toBe(true);
        }
      }),
      {
        numRuns: RUNS,
        examples: [
          [
            counterInfo({ maxRange: 100, joulesPerUnit: 1 }),
            [
              { tS: 0, value: 50 },
              { tS: 1, value: 150 },
              { tS: 2, value: 10 },
            ],
          ],
        ],
      },
    );
  });

  it('never counts a reset interval: with no known range, the energy is the sum of the rises only', () => {
    // Steps: a plausible rise (at most 1 kJ in at least 0.5 s) or a fall (a reset), optionally followed by a failed read.
    const step = fc.record({
      fall: fc.boolean(),
      amount: fc.nat({ max: 1000 }),
      dt: fc.double({ min: 0.5, max: 10, noNaN: true }),
      failedReadAfter: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000 }), fc.array(step, { minLength: 1, maxLength: 25 }), (start, steps) => {
        let value = start;
        let t = 0;
        let rises = 0;
        let resets = 0;
        let countedS = 0;
        let lastReadT = 0;
        const recs: SampleRecord[] = [{ tS: 0, value: start }];
        for (const s of steps) {
          t += s.dt;
          if (s.fall && value > 0) {
            value = Math.min(s.amount, value - 1); // strictly lower: a reset, never a wrap without a range
            resets += 1;
          } else {
            value += s.amount;
            rises += s.amount;
            countedS += t - lastReadT;
          }
          recs.push({ tS: t, value });
          lastReadT = t;
          if (s.failedReadAfter) {
            // A failed read between two reads changes nothing: the interval runs from one readable value to the next.
            t += 0.25;
            recs.push({ tS: t, value: null, reason: 'EIO' });
          }
        }
        const info = wallCounter({ maxRange: null, joulesPerUnit: 1 });
        const w = integrateCounter(info, recs);
        if (longestStillS(recs) > frozenAfterS(info)) {
          // A counter standing still for longer than it can is frozen: unknown, whatever it counted.
          expect(w.energyJ).toBeNull();
          expect(w.reason).toMatch(/frozen sensor/);
          return;
        }
        // When every interval was a reset, no time is left to measure: the energy is unknown, never a made-up 0.
        if (countedS <= 1e-9) expect(w.energyJ).toBeNull();
        else expect(w.energyJ).toBe(rises);
        const dropped = w.warnings.find((x) => /impossible delta/.test(x));
        if (resets === 0) expect(dropped).toBeUndefined();
        else expect(dropped).toMatch(new RegExp(`^c: ${resets} impossible delta`));
        if (countedS > 1e-9 && w.powerW !== null) expect(w.powerW).toBeCloseTo(rises / countedS, 6);
      }),
      { numRuns: RUNS },
    );
  });

  it('adds wraps back exactly: a counter that wraps at its range loses no energy', () => {
    const step = fc.record({ rise: fc.nat({ max: 5000 }), dt: fc.double({ min: 1, max: 10, noNaN: true }) });
    fc.assert(
      fc.property(fc.integer({ min: 5001, max: 2 ** 32 }), fc.nat(), fc.array(step, { minLength: 1, maxLength: 25 }), (range, startSeed, steps) => {
        let value = startSeed % range;
        let t = 0;
        let total = 0;
        let wraps = 0;
        const recs: SampleRecord[] = [{ tS: 0, value }];
        for (const s of steps) {
          t += s.dt;
          if (value + s.rise >= range) wraps += 1;
          value = (value + s.rise) % range;
          total += s.rise;
          recs.push({ tS: t, value });
        }
        const info = wallCounter({ maxRange: range, joulesPerUnit: 1 });
        const w = integrateCounter(info, recs);
        if (longestStillS(recs) > frozenAfterS(info)) {
          expect(w.energyJ).toBeNull();
          expect(w.reason).toMatch(/frozen sensor/);
          return;
        }
        expect(w.energyJ).toBe(total);
        if (wraps > 0) expect(w.warnings.join(' ')).toMatch(new RegExp(`${wraps} counter wrap`));
        expect(w.warnings.join(' ')).not.toMatch(/impossible/);
      }),
      { numRuns: RUNS },
    );
  });
});

/** Gauge readings a source may hand over: finite watts, 0 to 1 MW (above the gauge's 2 kW ceiling, they are dropped). */
const watts = fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.nat({ max: 2000 }));
/** Gauge readings as garbage may reach the integrator: NaN, negative, infinite, huge. */
const garbageWatts: fc.Arbitrary<number> = fc.oneof(
  { arbitrary: watts, weight: 4 },
  { arbitrary: fc.constantFrom(Number.NaN, -1, -1e9, Infinity, -Infinity, 1e308, Number.MAX_VALUE, -0), weight: 2 },
  { arbitrary: fc.double(), weight: 1 },
);

describe('property: integrateGauge', () => {
  it('integrates readings inside the contract to a finite energy whose average power lies between the lowest and highest reading', () => {
    fc.assert(
      fc.property(records(watts), (recs) => {
        const w = integrateGauge(gaugeInfo, recs as SampleRecord[]);
        // Readings above the ceiling of the gauge's scope are left out and flagged, never integrated.
        const ceilingW = SCOPE_CEILING_W[gaugeInfo.scope];
        const dropped = recs.filter((r) => r.value !== null && r.value > ceilingW).length;
        if (dropped > 0) expect(w.warnings.join(' ')).toMatch(new RegExp(`^g: ${dropped} implausible power reading`));
        else expect(w.warnings.join(' ')).not.toMatch(/implausible/);
        const used = recs.filter((r): r is { tS: number; value: number } => r.value !== null && r.value <= ceilingW);
        if (used.length < 2) {
          expect(w.energyJ).toBeNull();
          return;
        }
        let expected = 0;
        for (let i = 1; i < used.length; i++) {
          const a = used[i - 1] as { tS: number; value: number };
          const b = used[i] as { tS: number; value: number };
          expected += ((a.value + b.value) / 2) * (b.tS - a.tS);
        }
        if (w.spanS === 0) {
          // All readings at one instant: no integral, but their power stands for the window.
          expect(w.energyJ).toBeNull();
          expect(Number.isFinite(w.powerW)).toBe(true);
          return;
        }
        expect(Number.isFinite(w.energyJ)).toBe(true);
        expect(w.energyJ).toBeGreaterThanOrEqual(0);
        expect(Math.abs((w.energyJ as number) - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, expected));
        if (w.powerW !== null) {
          const vs = used.map((r) => r.value);
          expect(w.powerW).toBeGreaterThanOrEqual(Math.min(...vs) * (1 - 1e-9) - 1e-9);
          expect(w.powerW).toBeLessThanOrEqual(Math.max(...vs) * (1 + 1e-9) + 1e-9);
        } else {
          expect(w.spanS).toBe(0);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('never returns a negative or NaN energy or power, even when garbage readings reach it', () => {
    fc.assert(
      fc.property(records(garbageWatts), (recs) => {
        const w = integrateGauge(gaugeInfo, recs as SampleRecord[]);
        for (const [what, x] of [
          ['energyJ', w.energyJ],
          ['powerW', w.powerW],
        ] as const) {
          if (x === null) continue;
          expect(Number.isNaN(x), `${what} is NaN`).toBe(false);
          expect(x >= 0, `${what} ${x} is negative`).toBe(true);
        }
        for (const [t, p] of w.series ?? []) expect(p >= 0 && Number.isFinite(t), `series point [${t}, ${p}]`).toBe(true);
      }),
      {
        numRuns: RUNS,
        examples: [
          [
            [
              { tS: 0, value: 10 },
              { tS: 1, value: Number.NaN },
              { tS: 2, value: 10 },
            ],
          ],
          [
            [
              { tS: 0, value: 1e308 },
              { tS: 0, value: 1e308 },
            ],
          ],
        ],
      },
    );
  });
});
