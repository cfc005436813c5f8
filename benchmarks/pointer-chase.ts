/** Dependent loads along a seeded random cycle through a 64 MiB table: loads memory latency (cache and TLB misses), not bandwidth. */

import { mulberry32 } from '../src/stats/prng.js';
import type { Kernel, KernelInstance, KernelOptions } from './kernel.js';
import { checkSize, randInt, sha256Hex } from './support.js';

// 2^24 int32 slots = 64 MiB, in 2^20 cache lines of 16 slots; the cycle visits one slot per line.
const LINE_SLOTS = 16;
const LINES = 1 << 20;

/** Follows `size` links of one random cycle through 2^20 cache lines of a 64 MiB Int32Array per iteration, counted in millions of hops. */
export const kernel: Kernel = {
  id: 'pointer-chase',
  version: '1',
  description: 'Follows size links of a random cycle over the cache lines of a 64 MiB Int32Array; loads DRAM latency and the TLB',
  unit: 'Mhops',
  defaultSize: 1 << 17,
  expectedChecksum: '327f7864b47f71356f9ff6dc14ff03925d22e883eabb6238d8707eb1eb361ebc',
  setup({ seed, size }: KernelOptions): KernelInstance {
    const hops = checkSize('pointer-chase', size);
    const next = mulberry32(seed);
    // Sattolo's algorithm gives a single cycle through every line, so the chase never settles into a short,
    // cache-resident loop; shuffling 2^20 line numbers (4 MiB) rather than 2^24 slots keeps setup fast.
    const order = new Int32Array(LINES);
    for (let i = 0; i < LINES; i++) order[i] = i;
    for (let i = LINES - 1; i > 0; i--) {
      const j = randInt(next, i);
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    const link = new Int32Array(LINES * LINE_SLOTS);
    for (let i = 0; i < LINES; i++) {
      link[order[i]! * LINE_SLOTS] = order[(i + 1) % LINES]! * LINE_SLOTS;
    }
    const start = order[0]! * LINE_SLOTS;
    // Final slot and a position-sensitive fold of the slots visited.
    const result = new Int32Array(2);
    return {
      workPerIteration: hops / 1e6,
      run(): void {
        let p = start;
        let fold = 0;
        for (let h = 0; h < hops; h++) {
          p = link[p]!;
          fold = (Math.imul(fold, 31) + p) | 0;
        }
        result[0] = p;
        result[1] = fold;
      },
      checksum(): string {
        return sha256Hex(result);
      },
    };
  },
};
