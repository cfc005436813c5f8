/** Dense float64 matrix multiply: loads the FPU and the L1/L2 caches with a regular, unit-stride access pattern. */

import { mulberry32 } from '../src/stats/prng.js';
import type { Kernel, KernelInstance, KernelOptions } from './kernel.js';
import { checkSize, sha256Hex } from './support.js';

/** C = A·B for n×n float64 matrices (size = n), counted as 2n³ floating-point operations. */
export const kernel: Kernel = {
  id: 'matmul-f64',
  version: '1',
  description: 'C = A·B for dense n×n float64 matrices (i-k-j order, 2×4 register-blocked); loads the FPU and the L1/L2 caches',
  unit: 'GFLOP',
  defaultSize: 256,
  expectedChecksum: '49a594927089563aff892529ad13f36ca6ab097bef9b50b429b0ad783eb93290',
  setup({ seed, size }: KernelOptions): KernelInstance {
    const n = checkSize('matmul-f64', size);
    const next = mulberry32(seed);
    const a = new Float64Array(n * n);
    const b = new Float64Array(n * n);
    for (let i = 0; i < a.length; i++) a[i] = next() * 2 - 1;
    for (let i = 0; i < b.length; i++) b[i] = next() * 2 - 1;
    const c = new Float64Array(n * n);

    // Rows i and i+1 of C at once, four k at a time: each load of B feeds eight multiply-adds and each C element is
    // loaded and stored once per four k, which roughly triples throughput over the naive i-k-j loop in V8.
    // The sums stay left-associated in k order, so the result is bit-identical to the naive loop's.
    function rowPair(ci: number, cj: number): void {
      let k = 0;
      for (; k + 3 < n; k += 4) {
        const a0 = a[ci + k]!;
        const a1 = a[ci + k + 1]!;
        const a2 = a[ci + k + 2]!;
        const a3 = a[ci + k + 3]!;
        const e0 = a[cj + k]!;
        const e1 = a[cj + k + 1]!;
        const e2 = a[cj + k + 2]!;
        const e3 = a[cj + k + 3]!;
        const b0 = k * n;
        const b1 = b0 + n;
        const b2 = b1 + n;
        const b3 = b2 + n;
        for (let j = 0; j < n; j++) {
          const x0 = b[b0 + j]!;
          const x1 = b[b1 + j]!;
          const x2 = b[b2 + j]!;
          const x3 = b[b3 + j]!;
          c[ci + j] = c[ci + j]! + a0 * x0 + a1 * x1 + a2 * x2 + a3 * x3;
          c[cj + j] = c[cj + j]! + e0 * x0 + e1 * x1 + e2 * x2 + e3 * x3;
        }
      }
      for (; k < n; k++) {
        const aik = a[ci + k]!;
        const ajk = a[cj + k]!;
        const bk = k * n;
        for (let j = 0; j < n; j++) {
          const x = b[bk + j]!;
          c[ci + j] = c[ci + j]! + aik * x;
          c[cj + j] = c[cj + j]! + ajk * x;
        }
      }
    }

    // The odd last row when n is odd.
    function singleRow(ci: number): void {
      for (let k = 0; k < n; k++) {
        const aik = a[ci + k]!;
        const bk = k * n;
        for (let j = 0; j < n; j++) c[ci + j] = c[ci + j]! + aik * b[bk + j]!;
      }
    }

    return {
      workPerIteration: (2 * n * n * n) / 1e9,
      run(): void {
        c.fill(0);
        let i = 0;
        for (; i + 1 < n; i += 2) rowPair(i * n, (i + 1) * n);
        if (i < n) singleRow(i * n);
      },
      checksum(): string {
        return sha256Hex(c);
      },
    };
  },
};
