/** Fannkuch-redux: pancake-flip counts over all n! permutations; loads integer ALU work, short loops and branch prediction. */

import { mulberry32 } from '../src/stats/prng.js';
import type { Kernel, KernelInstance, KernelOptions } from './kernel.js';
import { checkSize, randInt, sha256Hex } from './support.js';

/** Flips every permutation of n elements (size = n, 3..12), counted in millions of permutations; the seed relabels the elements. */
export const kernel: Kernel = {
  id: 'fannkuch-redux',
  version: '1',
  description: 'Pancake-flip counts over all n! permutations of n elements; loads integer ALU work and branch prediction',
  unit: 'Mperm',
  defaultSize: 9,
  expectedChecksum: 'd6759f52438e733d6b7c33a05cf28534bbe20e234687c0e9e508e2f110371be0',
  setup({ seed, size }: KernelOptions): KernelInstance {
    const n = checkSize('fannkuch-redux', size, 3);
    if (n > 12) throw new RangeError(`fannkuch-redux: size must be <= 12, got ${n}`);
    let total = 1;
    for (let i = 2; i <= n; i++) total *= i;
    const next = mulberry32(seed);
    // The same n! arrangements are visited whatever the seed, but in a seed-dependent order, so the signed
    // checksum and the order-sensitive hash change while the work stays the same.
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) labels[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = randInt(next, i + 1);
      const t = labels[i]!;
      labels[i] = labels[j]!;
      labels[j] = t;
    }
    const perm1 = new Int32Array(n);
    const perm = new Int32Array(n);
    const count = new Int32Array(n);
    // maxFlips, signed checksum, FNV-1a hash of the flip counts in visiting order.
    const result = new Int32Array(3);

    return {
      workPerIteration: total / 1e6,
      run(): void {
        perm1.set(labels);
        let maxFlips = 0;
        let signed = 0;
        let hash = 0x811c9dc5 | 0;
        let permIndex = 0;
        let r = n;
        for (;;) {
          while (r !== 1) {
            count[r - 1] = r;
            r--;
          }
          let flips = 0;
          let first = perm1[0]!;
          if (first !== 0) {
            for (let i = 1; i < n; i++) perm[i] = perm1[i]!;
            do {
              // Reverse perm[0..first]; perm[0] is kept in `first` to save a load per flip.
              for (let i = 1, j = first - 1; i < j; i++, j--) {
                const t = perm[i]!;
                perm[i] = perm[j]!;
                perm[j] = t;
              }
              flips++;
              const t = perm[first]!;
              perm[first] = first;
              first = t;
            } while (first !== 0);
          }
          if (flips > maxFlips) maxFlips = flips;
          signed += (permIndex & 1) === 0 ? flips : -flips;
          hash = Math.imul(hash ^ flips, 0x01000193);

          // Next permutation in the counting order of the benchmarks-game algorithm.
          for (;;) {
            if (r === n) {
              result[0] = maxFlips;
              result[1] = signed;
              result[2] = hash;
              return;
            }
            const p0 = perm1[0]!;
            for (let i = 0; i < r; i++) perm1[i] = perm1[i + 1]!;
            perm1[r] = p0;
            count[r]!--;
            if (count[r]! > 0) break;
            r++;
          }
          permIndex++;
        }
      },
      checksum(): string {
        return sha256Hex(result);
      },
    };
  },
};
