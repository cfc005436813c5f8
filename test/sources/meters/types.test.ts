import { describe, expect, it } from 'vitest';
import { meterTimings } from '../../../src/sources/meters/types.js';

describe('meterTimings', () => {
  it('defaults to a 1 s period, 2 s timeout and a 3 s stale limit', () => {
    expect(meterTimings()).toEqual({ timeoutMs: 2000, periodMs: 1000, staleAfterS: 3 });
  });
  it('keeps a slow meter from looking stale between its answers', () => {
    expect(meterTimings({ periodMs: 100, timeoutMs: 500 })).toEqual({ timeoutMs: 500, periodMs: 100, staleAfterS: 0.6 });
    expect(meterTimings({ periodMs: -1, timeoutMs: Number.NaN, staleAfterS: 0.05 })).toEqual({ timeoutMs: 2000, periodMs: 1000, staleAfterS: 0.05 });
  });
});
