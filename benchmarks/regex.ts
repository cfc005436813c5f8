/** Regular-expression scan of seeded text for e-mail addresses, ISO dates, hex numbers and long words: loads V8's irregexp engine. */

import { mulberry32 } from '../src/stats/prng.js';
import type { Kernel, KernelInstance, KernelOptions } from './kernel.js';
import { checkSize, randInt, seededVocabulary, sha256Hex, skewedIndex } from './support.js';

const PATTERNS: readonly RegExp[] = [
  /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g,
  /\b\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])\b/g,
  /\b0x[0-9a-f]+\b/gi,
  /\b[a-z]{9,}\b/g,
];

/** Builds `bytes` characters of seeded text: words with occasional e-mails, dates, hex literals and numbers. */
function seededText(seed: number, bytes: number): string {
  const next = mulberry32(seed);
  const vocabulary = seededVocabulary(next, 3000);
  const word = (): string => vocabulary[skewedIndex(next, vocabulary.length)]!;
  const two = (v: number): string => (v < 10 ? '0' : '') + String(v);
  const parts: string[] = [];
  let length = 0;
  while (length < bytes) {
    const r = next();
    let token: string;
    if (r < 0.02) token = `${word()}.${word()}@${word()}.${r < 0.01 ? 'com' : 'org'}`;
    // Months run to 13 so that some date-like tokens fail the pattern, as in real text.
    else if (r < 0.04) token = `${1990 + randInt(next, 40)}-${two(1 + randInt(next, 13))}-${two(1 + randInt(next, 31))}`;
    else if (r < 0.05) token = `0x${randInt(next, 0x7fffffff).toString(16)}`;
    else if (r < 0.08) token = String(randInt(next, 100000));
    else token = word();
    const sep = next() < 0.08 ? '\n' : next() < 0.1 ? ', ' : ' ';
    parts.push(token, sep);
    length += token.length + sep.length;
  }
  // join() yields a flat string, so the timed scans never pay to flatten a rope.
  return parts.join('').slice(0, bytes);
}

/** Counts matches of four patterns over `size` characters of seeded ASCII text per iteration, counted in MB scanned (once per pattern). */
export const kernel: Kernel = {
  id: 'regex',
  version: '1',
  description: 'Counts e-mail/date/hex/long-word regex matches in seeded text, size = bytes; loads V8 irregexp',
  unit: 'MB',
  defaultSize: 1 << 20,
  expectedChecksum: '1044440a80f9981e6ca3dc3d987068f206812393981623e37426f2c50214447c',
  setup({ seed, size }: KernelOptions): KernelInstance {
    const bytes = checkSize('regex', size);
    const text = seededText(seed, bytes);
    // Per pattern: match count, FNV-1a hash of match end positions.
    const result = new Uint32Array(2 * PATTERNS.length);
    return {
      workPerIteration: (PATTERNS.length * bytes) / 1e6,
      run(): void {
        for (let p = 0; p < PATTERNS.length; p++) {
          const re = PATTERNS[p]!;
          re.lastIndex = 0;
          let count = 0;
          let hash = 0x811c9dc5 | 0;
          // test() on a global regexp advances lastIndex without building a match array, so the scan allocates nothing.
          while (re.test(text)) {
            count++;
            hash = Math.imul(hash ^ re.lastIndex, 0x01000193);
          }
          result[2 * p] = count;
          result[2 * p + 1] = hash;
        }
      },
      checksum(): string {
        return sha256Hex(result);
      },
    };
  },
};
