import { describe, expect, it } from 'vitest';
import { DEFAULT_SEED } from '../../benchmarks/kernel.js';
import { findKernel, kernels } from '../../benchmarks/index.js';

const OTHER_SEED = 7;

describe('kernel suite', () => {
  it('has at least the eleven required kernels, with unique kebab-case ids', () => {
    const ids = kernels.map((k) => k.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    for (const id of [
      'matmul-f64',
      'nbody',
      'spectral-norm',
      'mandelbrot',
      'fannkuch-redux',
      'sha256',
      'deflate',
      'json',
      'sort-typed',
      'stream-triad',
      'regex',
    ]) {
      expect(ids).toContain(id);
    }
  });

  it('finds kernels by id', () => {
    for (const k of kernels) expect(findKernel(k.id)).toBe(k);
    expect(findKernel('no-such-kernel')).toBeUndefined();
  });
});

describe.each(kernels.map((k) => [k.id, k] as const))('%s', (_id, kernel) => {
  it('declares its metadata', () => {
    expect(kernel.version).toMatch(/^[1-9]\d*$/);
    expect(kernel.description.length).toBeGreaterThan(0);
    expect(kernel.description).not.toContain('\n');
    expect(kernel.unit.length).toBeGreaterThan(0);
    expect(Number.isSafeInteger(kernel.defaultSize) && kernel.defaultSize > 0).toBe(true);
    expect(kernel.expectedChecksum).toMatch(/^[0-9a-f]{16,}$/);
  });

  it('matches its expected checksum for the default seed and size, and repeats it run after run', () => {
    const instance = kernel.setup({ seed: DEFAULT_SEED, size: kernel.defaultSize });
    expect(Number.isFinite(instance.workPerIteration)).toBe(true);
    expect(instance.workPerIteration).toBeGreaterThan(0);
    instance.run();
    const first = instance.checksum();
    expect(first).toBe(kernel.expectedChecksum);
    instance.run();
    expect(instance.checksum()).toBe(first);
  });

  it('gives the same checksum from a separate instance with the same seed, and another from another seed', () => {
    const again = kernel.setup({ seed: DEFAULT_SEED, size: kernel.defaultSize });
    again.run();
    expect(again.checksum()).toBe(kernel.expectedChecksum);
    const other = kernel.setup({ seed: OTHER_SEED, size: kernel.defaultSize });
    other.run();
    expect(other.checksum()).not.toBe(kernel.expectedChecksum);
  });

  it('rejects sizes that are not non-negative integers', () => {
    expect(() => kernel.setup({ seed: DEFAULT_SEED, size: -1 })).toThrow(RangeError);
    expect(() => kernel.setup({ seed: DEFAULT_SEED, size: 2.5 })).toThrow(RangeError);
  });
});
