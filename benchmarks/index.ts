/** The kernel suite, in a fixed order: compute-bound first, then native-library, runtime and memory-bound kernels. */

import type { Kernel } from './kernel.js';
import { kernel as binaryTrees } from './binary-trees.js';
import { kernel as deflate } from './deflate.js';
import { kernel as fannkuchRedux } from './fannkuch-redux.js';
import { kernel as json } from './json.js';
import { kernel as mandelbrot } from './mandelbrot.js';
import { kernel as matmulF64 } from './matmul-f64.js';
import { kernel as nbody } from './nbody.js';
import { kernel as pointerChase } from './pointer-chase.js';
import { kernel as regex } from './regex.js';
import { kernel as sha256 } from './sha256.js';
import { kernel as sortTyped } from './sort-typed.js';
import { kernel as spectralNorm } from './spectral-norm.js';
import { kernel as streamTriad } from './stream-triad.js';

/** Every kernel of the suite, in the order runs and reports list them. */
export const kernels: readonly Kernel[] = Object.freeze([
  matmulF64,
  nbody,
  spectralNorm,
  mandelbrot,
  fannkuchRedux,
  sha256,
  deflate,
  json,
  regex,
  sortTyped,
  binaryTrees,
  streamTriad,
  pointerChase,
]);

/** Kernels run only when asked for by id (or with `--kernels all`): they keep `--quick` within its 90 s on two cores. */
export const EXTRA_KERNEL_IDS: readonly string[] = Object.freeze(['binary-trees', 'pointer-chase']);

/** The default suite: every kernel except the extras. */
export const defaultKernels: readonly Kernel[] = Object.freeze(kernels.filter((k) => !EXTRA_KERNEL_IDS.includes(k.id)));

/** Returns the kernel with the given id, or undefined if the suite has none. */
export function findKernel(id: string): Kernel | undefined {
  return kernels.find((k) => k.id === id);
}
