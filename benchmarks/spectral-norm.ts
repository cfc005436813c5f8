/** Spectral norm of the infinite matrix A(i,j) = 1/((i+j)(i+j+1)/2 + i + 1), truncated to n×n, by power iteration. */

import { mulberry32 } from '../src/stats/prng.js';
import type { Kernel, KernelInstance, KernelOptions } from './kernel.js';
import { checkSize, sha256Hex } from './support.js';

const POWER_STEPS = 10;

/** Ten power-iteration steps of AᵀA on an n-vector (size = n), counted in millions of matrix-element multiply-adds (40n²). */
export const kernel: Kernel = {
  id: 'spectral-norm',
  version: '1',
  description: 'Spectral norm of an n×n implicit matrix by 10 AᵀA power steps; loads float64 division and multiply-add',
  unit: 'Mmul',
  defaultSize: 512,
  expectedChecksum: '19234b4a6fd479d62da45e0e9aa7a9fbcf3fa7acc364d8bf86069adc9d900d33',
  setup({ seed, size }: KernelOptions): KernelInstance {
    const n = checkSize('spectral-norm', size);
    const next = mulberry32(seed);
    // A seeded start vector (instead of all ones) makes the iterates, and so the checksum, depend on the seed.
    const start = new Float64Array(n);
    for (let i = 0; i < n; i++) start[i] = 0.5 + next();
    const u = new Float64Array(n);
    const v = new Float64Array(n);
    const tmp = new Float64Array(n);
    const result = new Float64Array(1);

    // out = A·w; A's elements are recomputed rather than stored, as in the benchmarks-game version.
    function multiplyA(w: Float64Array, out: Float64Array): void {
      for (let i = 0; i < n; i++) {
        let sum = 0;
        for (let j = 0; j < n; j++) {
          const ij = i + j;
          sum += w[j]! / ((ij * (ij + 1)) / 2 + i + 1);
        }
        out[i] = sum;
      }
    }

    // out = Aᵀ·w.
    function multiplyAt(w: Float64Array, out: Float64Array): void {
      for (let i = 0; i < n; i++) {
        let sum = 0;
        for (let j = 0; j < n; j++) {
          const ij = i + j;
          sum += w[j]! / ((ij * (ij + 1)) / 2 + j + 1);
        }
        out[i] = sum;
      }
    }

    function multiplyAtA(w: Float64Array, out: Float64Array): void {
      multiplyA(w, tmp);
      multiplyAt(tmp, out);
    }

    return {
      workPerIteration: (4 * POWER_STEPS * n * n) / 1e6,
      run(): void {
        u.set(start);
        for (let s = 0; s < POWER_STEPS; s++) {
          multiplyAtA(u, v);
          multiplyAtA(v, u);
        }
        let vBv = 0;
        let vv = 0;
        for (let i = 0; i < n; i++) {
          vBv += u[i]! * v[i]!;
          vv += v[i]! * v[i]!;
        }
        result[0] = Math.sqrt(vBv / vv);
      },
      checksum(): string {
        return sha256Hex(result, u);
      },
    };
  },
};
