/**
 * Seeded noise for simulation tests: lognormal repetitions with a chosen coefficient of variation,
 * drawn through Box–Muller from mulberry32 so every trial is reproducible.
 */
import { mulberry32 } from '../../src/stats/prng.js';

/** Returns a generator of standard normal variates (Box–Muller) driven by the uniform generator. */
export function normalGenerator(uniform: () => number): () => number {
  return () => {
    // 1 - u lies in (0, 1], so the logarithm is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - uniform()));
    return radius * Math.cos(2 * Math.PI * uniform());
  };
}

/** Returns n lognormal values whose mean is `mean` and whose coefficient of variation is `cv`. */
export function lognormalSample(normal: () => number, n: number, mean: number, cv: number): number[] {
  const sigma = Math.sqrt(Math.log(1 + cv * cv));
  return Array.from({ length: n }, () => mean * Math.exp(sigma * normal() - (sigma * sigma) / 2));
}

/** Returns a seeded standard normal generator. */
export function seededNormal(seed: number): () => number {
  return normalGenerator(mulberry32(seed));
}
