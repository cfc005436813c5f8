/** Mandelbrot set escape-time image: branchy scalar float64 arithmetic with no memory traffic to speak of. */

import { mulberry32 } from '../src/stats/prng.js';
import type { Kernel, KernelInstance, KernelOptions } from './kernel.js';
import { checkSize, sha256Hex } from './support.js';

const MAX_ITERATIONS = 50;

/** Escape-time iteration counts (at most 50) of a size×size image of the region around [-1.5, 0.5]×[-1, 1]; the seed shifts the view slightly. */
export const kernel: Kernel = {
  id: 'mandelbrot',
  version: '1',
  description: 'Mandelbrot escape-time counts (max 50) of a size×size image; loads branchy scalar float64 arithmetic',
  unit: 'Mpixel',
  defaultSize: 512,
  expectedChecksum: 'c6ce8541706a4180ca3c40db150432f60885fdb946fa71bedf85bb1a59876307',
  setup({ seed, size }: KernelOptions): KernelInstance {
    const side = checkSize('mandelbrot', size);
    const next = mulberry32(seed);
    // A shift of up to ±0.01 moves boundary pixels, so the seed changes the checksum without changing the workload's nature.
    const xMin = -1.5 + (next() - 0.5) * 0.02;
    const yMin = -1.0 + (next() - 0.5) * 0.02;
    const step = 2 / side;
    const counts = new Uint8Array(side * side);
    return {
      workPerIteration: (side * side) / 1e6,
      run(): void {
        for (let py = 0; py < side; py++) {
          const ci = yMin + py * step;
          const row = py * side;
          for (let px = 0; px < side; px++) {
            const cr = xMin + px * step;
            let zr = 0;
            let zi = 0;
            let zr2 = 0;
            let zi2 = 0;
            let k = 0;
            while (k < MAX_ITERATIONS && zr2 + zi2 <= 4) {
              zi = 2 * zr * zi + ci;
              zr = zr2 - zi2 + cr;
              zr2 = zr * zr;
              zi2 = zi * zi;
              k++;
            }
            counts[row + px] = k;
          }
        }
      },
      checksum(): string {
        return sha256Hex(counts);
      },
    };
  },
};
