import { describe, expect, it } from 'vitest';
import { FIDELITIES, fidelityOf, weakestFidelity, type SourceInfo } from '../../src/sources/types.js';

const info = (over: Partial<SourceInfo>): SourceInfo => ({ id: 'x', kind: 'gauge', scope: 'gpu', quality: 'measured', description: '', ...over });

describe('fidelityOf: one place derives every source fidelity', () => {
  it('gives a counter counter, a gauge instant, an estimate estimated, and a source without energy none', () => {
    expect(fidelityOf(info({ kind: 'counter' }))).toBe('counter');
    expect(fidelityOf(info({ kind: 'gauge' }))).toBe('instant');
    expect(fidelityOf(info({ kind: 'counter', quality: 'estimated' }))).toBe('estimated');
    for (const kind of ['utilization', 'frequency', 'temperature'] as const) expect(fidelityOf(info({ kind }))).toBeNull();
  });

  it('keeps an explicit fidelity (an averaged gauge), but never lets it lift an estimate', () => {
    expect(fidelityOf(info({ fidelity: 'averaged' }))).toBe('averaged');
    expect(fidelityOf(info({ fidelity: 'counter', quality: 'estimated' }))).toBe('estimated');
    expect(fidelityOf(info({ kind: 'utilization', fidelity: 'instant' }))).toBeNull();
  });

  it('orders fidelities weakest first, and a total takes the weakest of its sources', () => {
    expect(FIDELITIES).toEqual(['estimated', 'averaged', 'instant', 'counter']);
    expect(weakestFidelity(['counter', 'instant'])).toBe('instant');
    expect(weakestFidelity(['counter', 'averaged', 'instant'])).toBe('averaged');
    expect(weakestFidelity(['counter', null])).toBe('counter');
    expect(weakestFidelity([])).toBeNull();
  });
});
