/** Helpers shared by the kernels: input validation, checksums and seeded text, kept out of the timed work. */

import { createHash } from 'node:crypto';

/** Throws unless `size` is a positive safe integer, so a bad option fails at setup instead of skewing a run. */
export function checkSize(id: string, size: number, min = 1): number {
  if (!Number.isSafeInteger(size) || size < min) {
    throw new RangeError(`${id}: size must be an integer >= ${min}, got ${size}`);
  }
  return size;
}

/** Returns the SHA-256 hex digest of the raw bytes of the given views, in order (floats hash by their exact IEEE-754 bits). */
export function sha256Hex(...parts: (ArrayBufferView | string)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) {
    if (typeof part === 'string') {
      hash.update(part, 'utf8');
    } else {
      // Hash the bytes the view covers, not its whole backing buffer.
      hash.update(new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
    }
  }
  return hash.digest('hex');
}

/** Returns an integer in [0, n) drawn from a uniform [0, 1) generator. */
export function randInt(next: () => number, n: number): number {
  return Math.floor(next() * n);
}

/** Builds a seeded vocabulary of `count` lowercase pseudo-words of 2–10 letters. */
export function seededVocabulary(next: () => number, count: number): string[] {
  const consonants = 'bcdfghjklmnprstvwz';
  const vowels = 'aeiou';
  const words: string[] = [];
  for (let w = 0; w < count; w++) {
    const syllables = 1 + randInt(next, 4);
    let word = '';
    for (let s = 0; s < syllables; s++) {
      word += consonants[randInt(next, consonants.length)]! + vowels[randInt(next, vowels.length)]!;
      if (next() < 0.3) word += consonants[randInt(next, consonants.length)]!;
    }
    words.push(word);
  }
  return words;
}

/** Picks a vocabulary index with a skewed (roughly Zipf-like) distribution, as in natural text, so compressors find repeats. */
export function skewedIndex(next: () => number, n: number): number {
  const u = next();
  return Math.floor(u * u * u * n);
}
