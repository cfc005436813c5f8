/** STREAM triad a[i] = b[i] + s·c[i] over arrays far larger than the last-level cache: loads DRAM bandwidth. */

import { mulberry32 } from '../src/stats/prng.js';
import type { Kernel, KernelInstance, KernelOptions } from './kernel.js';
import { checkSize, sha256Hex } from './support.js';

/** One triad pass over three float64 arrays of `size` elements, counted as 24 bytes per element in GB (10⁹ bytes), as STREAM counts. */
export const kernel: Kernel = {
  id: 'stream-triad',
  version: '1',
  description: 'STREAM triad a = b + s·c over three float64 arrays of size elements (64 MiB each by default); loads DRAM bandwidth',
  unit: 'GB',
  // 2^23 elements = 64 MiB per array, 192 MiB in all: several times any current last-level cache short of stacked-cache parts.
  defaultSize: 1 << 23,
  expectedChecksum: '8b47ba6f5b2170515433daae345a2c3555deb3cb0b758c9a2f63ca0415048ce2',
  setup({ seed, size }: KernelOptions): KernelInstance {
    const n = checkSize('stream-triad', size);
    const next = mulberry32(seed);
    const a = new Float64Array(n);
    const b = new Float64Array(n);
    const c = new Float64Array(n);
    for (let i = 0; i < n; i++) b[i] = next();
    for (let i = 0; i < n; i++) c[i] = next();
    const s = 3 + next();
    return {
      workPerIteration: (24 * n) / 1e9,
      run(): void {
        for (let i = 0; i < n; i++) a[i] = b[i]! + s * c[i]!;
      },
      checksum(): string {
        return sha256Hex(a);
      },
    };
  },
};
