/** zlib deflate + inflate round trip of seeded word text: loads native LZ77 match search, Huffman coding and table lookups. */

import { deflateSync, inflateSync } from 'node:zlib';
import { mulberry32 } from '../src/stats/prng.js';
import type { Kernel, KernelInstance, KernelOptions } from './kernel.js';
import { checkSize, randInt, seededVocabulary, sha256Hex, skewedIndex } from './support.js';

/** Builds `bytes` bytes of ASCII text from a seeded vocabulary, with word-frequency skew, punctuation and line breaks. */
function seededText(seed: number, bytes: number): Buffer {
  const next = mulberry32(seed);
  const vocabulary = seededVocabulary(next, 2000);
  const out = Buffer.alloc(bytes);
  let at = 0;
  let wordsInLine = 0;
  while (at < bytes) {
    const word = vocabulary[skewedIndex(next, vocabulary.length)]!;
    at += out.write(word, at, 'latin1');
    if (at >= bytes) break;
    const r = next();
    const sep = r < 0.06 ? ', ' : r < 0.1 ? '. ' : ' ';
    at += out.write(sep, at, 'latin1');
    if (++wordsInLine >= 10 + randInt(next, 6) && at < bytes) {
      out[at++] = 0x0a;
      wordsInLine = 0;
    }
  }
  return out;
}

/**
 * deflateSync (level 6) then inflateSync of `size` bytes of seeded text per iteration, counted in MB of input round-tripped.
 *
 * The checksum covers the round-tripped text, not the compressed stream: compressed bytes differ between zlib builds
 * (Node bundles Chromium's zlib, whose match hash depends on CPU features), and a correct machine must not fail the
 * check; a round trip that does not restore the input gives a checksum that can never match.
 */
export const kernel: Kernel = {
  id: 'deflate',
  version: '2',
  description: 'zlib deflate (level 6) + inflate round trip of seeded text, size = bytes; loads native LZ77/Huffman code',
  unit: 'MB',
  defaultSize: 512 * 1024,
  expectedChecksum: '439320f59ff9ec767d911a8ec094246b8784b9709ae9e81433539c9716735087',
  setup({ seed, size }: KernelOptions): KernelInstance {
    const bytes = checkSize('deflate', size);
    const input = seededText(seed, bytes);
    let compressed: Buffer = Buffer.alloc(0);
    let restored: Buffer = Buffer.alloc(0);
    return {
      workPerIteration: bytes / 1e6,
      run(): void {
        compressed = deflateSync(input, { level: 6 });
        restored = inflateSync(compressed);
      },
      checksum(): string {
        return restored.equals(input) ? sha256Hex(restored) : `round-trip-failed:${sha256Hex(restored)}`;
      },
    };
  },
};
