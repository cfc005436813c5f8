/** JSON.parse + JSON.stringify of a seeded object tree: loads V8's parser/serializer, string handling and the young-generation GC. */

import { createHash } from 'node:crypto';
import { mulberry32 } from '../src/stats/prng.js';
import type { Kernel, KernelInstance, KernelOptions } from './kernel.js';
import { checkSize, randInt, seededVocabulary } from './support.js';

/** Builds the seeded document: `records` records of mixed strings, integers, decimals, booleans, arrays and nested objects. */
function seededDocument(seed: number, records: number): unknown {
  const next = mulberry32(seed);
  const vocabulary = seededVocabulary(next, 500);
  const word = (): string => vocabulary[randInt(next, vocabulary.length)]!;
  const items: unknown[] = [];
  for (let id = 0; id < records; id++) {
    const tags: string[] = [];
    const tagCount = randInt(next, 5);
    for (let t = 0; t < tagCount; t++) tags.push(word());
    items.push({
      id,
      name: `${word()} ${word()}`,
      email: `${word()}.${word()}@${word()}.example`,
      active: next() < 0.5,
      // Dividing an integer by a power of ten gives a double whose shortest decimal form is fixed by the spec.
      score: randInt(next, 1_000_000) / 1000,
      counts: [randInt(next, 1000), randInt(next, 1000), randInt(next, 1000)],
      tags,
      address: { street: `${randInt(next, 999) + 1} ${word()} street`, zip: String(10000 + randInt(next, 90000)) },
      note: next() < 0.2 ? null : `${word()} "${word()}"\t${word()}`,
    });
  }
  return { version: 1, seed, items };
}

/** Parses and re-serialises a seeded JSON document of `size` records per iteration, counted in MB of JSON text. */
export const kernel: Kernel = {
  id: 'json',
  version: '1',
  description: 'JSON.parse + JSON.stringify of a seeded document, size = records; loads V8 parsing, strings and young-gen GC',
  unit: 'MB',
  defaultSize: 4000,
  expectedChecksum: 'daef2635c077ca7aab7bb666b7d18c5e4078e70e5205ade3504b8804ef5c3516',
  setup({ seed, size }: KernelOptions): KernelInstance {
    const records = checkSize('json', size);
    const text = JSON.stringify(seededDocument(seed, records));
    // The text is pure ASCII apart from escapes, so its length is its UTF-8 byte count.
    const bytes = Buffer.byteLength(text, 'utf8');
    let output = '';
    return {
      workPerIteration: bytes / 1e6,
      run(): void {
        output = JSON.stringify(JSON.parse(text));
      },
      checksum(): string {
        return createHash('sha256').update(output, 'utf8').digest('hex');
      },
    };
  },
};
