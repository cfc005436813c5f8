/** SHA-256 of a seeded random buffer through node:crypto: loads native (OpenSSL) integer and SIMD/SHA-extension code. */

import { createHash } from 'node:crypto';
import { mulberry32Uint } from '../src/stats/prng.js';
import type { Kernel, KernelInstance, KernelOptions } from './kernel.js';
import { checkSize } from './support.js';

/** One SHA-256 digest of a seeded buffer of `size` bytes per iteration, counted in MB (10⁶ bytes) hashed. */
export const kernel: Kernel = {
  id: 'sha256',
  version: '1',
  description: 'SHA-256 (node:crypto) of a seeded random buffer, size = bytes; loads native integer/SHA-extension code',
  unit: 'MB',
  defaultSize: 16 * 1024 * 1024,
  expectedChecksum: '48ac83a2f61ddcefc33051a987347d3ec0f22c6b0d00c5139d7d0704170b0c72',
  setup({ seed, size }: KernelOptions): KernelInstance {
    const bytes = checkSize('sha256', size);
    const next = mulberry32Uint(seed);
    const input = Buffer.alloc(bytes);
    // Little-endian words written through a DataView give the same bytes on any host byte order.
    const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
    const words = Math.floor(bytes / 4);
    for (let i = 0; i < words; i++) view.setUint32(i * 4, next(), true);
    for (let i = words * 4; i < bytes; i++) input[i] = next() & 0xff;
    let digest = '';
    return {
      workPerIteration: bytes / 1e6,
      run(): void {
        digest = createHash('sha256').update(input).digest('hex');
      },
      checksum(): string {
        return digest;
      },
    };
  },
};
