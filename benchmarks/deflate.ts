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
 * The checksum covers the compressed stream, so it pins the zlib build as well as the input: Node bundles Chromium's
 * zlib, whose CRC32C match hash (SSE4.2 on x86-64, the CRC extension on ARMv8) gives output that differs from canonical
 * zlib, and a Node upgrade that changes zlib may change it too; the round trip itself is verified on every checksum.
 */
export const kernel: Kernel = {
  id: 'deflate',
  version: '1',
  description: 'zlib deflate (level 6) + inflate round trip of seeded text, size = bytes; loads native LZ77/Huffman code',
  unit: 'MB',
  defaultSize: 512 * 1024,
  expectedChecksum: 'da05f14c5755ff1cd2c8184a6bfc289221e24a1317a585920e08cae6f8babf18',
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
        if (!restored.equals(input)) throw new Error('deflate: inflate did not restore the input');
        return sha256Hex(compressed);
      },
    };
  },
};
