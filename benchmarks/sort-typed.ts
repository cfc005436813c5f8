/** Sort of a seeded Float64Array with the built-in typed-array sort: loads branch prediction and cache-resident memory traffic. */

import { mulberry32 } from '../src/stats/prng.js';
import type { Kernel, KernelInstance, KernelOptions } from './kernel.js';
import { checkSize, sha256Hex } from './support.js';

/** Copies a pristine seeded array of `size` float64s and sorts it (TypedArray.prototype.sort) per iteration, counted in millions of elements. */
export const kernel: Kernel = {
  id: 'sort-typed',
  version: '1',
  description: 'Float64Array.prototype.sort of seeded random values, size = elements; loads comparisons, branches and caches',
  unit: 'Melements',
  defaultSize: 1 << 18,
  expectedChecksum: '8bd85b2986c5388d8a3c48a67614ab0948eb854f63d12c3bd6d8f84a9a648095',
  setup({ seed, size }: KernelOptions): KernelInstance {
    const n = checkSize('sort-typed', size);
    const next = mulberry32(seed);
    const pristine = new Float64Array(n);
    for (let i = 0; i < n; i++) pristine[i] = (next() - 0.5) * 1e6;
    const work = new Float64Array(n);
    return {
      workPerIteration: n / 1e6,
      run(): void {
        // Sorting already-sorted data would be a different (much cheaper) workload, so restart from the pristine copy.
        work.set(pristine);
        work.sort();
      },
      checksum(): string {
        return sha256Hex(work);
      },
    };
  },
};
