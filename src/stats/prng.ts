/**
 * Small seeded pseudo-random generators: results must be reproducible from a seed on every machine,
 * so nothing in wattbench uses Math.random.
 */

/** Returns a mulberry32 generator yielding uniform floats in [0, 1) from a 32-bit seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Returns a generator of uniform 32-bit unsigned integers from a 32-bit seed. */
export function mulberry32Uint(seed: number): () => number {
  const next = mulberry32(seed);
  return () => Math.floor(next() * 4294967296) >>> 0;
}
