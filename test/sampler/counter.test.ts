import { describe, expect, it } from 'vitest';
import { counterDelta } from '../../src/sampler/counter.js';

const rapl = { maxRange: 262143328850, joulesPerUnit: 1e-6, maxPlausiblePowerW: 10_000 };

describe('counterDelta', () => {
  it('has no delta for the first reading', () => {
    expect(counterDelta(null, 5, 0.1, rapl)).toEqual({ state: 'first' });
  });

  it('differences a rising counter', () => {
    expect(counterDelta(1_000_000, 3_500_000, 0.1, rapl)).toEqual({ state: 'delta', delta: 2_500_000 });
  });

  it('corrects a wrap by adding max_energy_range_uj (the reference sequence)', () => {
    const d = counterDelta(262143000000, 1200000, 0.1, rapl);
    expect(d).toEqual({ state: 'wrapped', delta: 1200000 + 262143328850 - 262143000000 });
  });

  it('calls a decrease without a known range a reset, never a delta', () => {
    expect(counterDelta(500, 100, 0.1, { ...rapl, maxRange: null }).state).toBe('reset');
  });

  it('flags an impossible jump or an impossible wrap as a reset', () => {
    // 100 J in 0.1 s is 1 kW: plausible; 2 kJ in 0.1 s is 20 kW: not.
    expect(counterDelta(0, 100e6, 0.1, rapl).state).toBe('delta');
    expect(counterDelta(0, 2000e6, 0.1, rapl).state).toBe('reset');
    // A counter that falls by a little (a reset to near 0 of a large value) implies a near-full-range wrap: too much energy.
    expect(counterDelta(200e9, 100e9, 0.1, rapl).state).toBe('reset');
  });

  it('rejects values above the range and non-finite values', () => {
    expect(counterDelta(1, 262143328851, 0.1, rapl).state).toBe('reset');
    expect(counterDelta(1, Number.NaN, 0.1, rapl).state).toBe('reset');
  });
});

describe('counterDelta and negative zero', () => {
  it('gives +0, never -0, for a read of -0 after 0', () => {
    const d = counterDelta(0, -0, 0, { maxRange: null, joulesPerUnit: 1, maxPlausiblePowerW: 1 });
    expect(d).toEqual({ state: 'delta', delta: 0 });
    expect(Object.is((d as { delta: number }).delta, 0)).toBe(true);
  });
});
