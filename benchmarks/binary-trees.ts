/** Allocates, walks and drops many small binary trees (after the benchmarks-game program): loads the allocator and the young-generation GC. */

import { mulberry32Uint } from '../src/stats/prng.js';
import type { Kernel, KernelInstance, KernelOptions } from './kernel.js';
import { checkSize, sha256Hex } from './support.js';

const TREES_PER_ITERATION = 32;

class TreeNode {
  constructor(
    readonly left: TreeNode | null,
    readonly right: TreeNode | null,
    readonly item: number,
  ) {}
}

/** Builds and checks 32 complete binary trees of depth `size` per iteration, counted in millions of nodes allocated. */
export const kernel: Kernel = {
  id: 'binary-trees',
  version: '1',
  description: 'Builds, walks and drops 32 binary trees of depth size per iteration; loads object allocation and the GC',
  unit: 'Mnodes',
  // Depth 14 is 32767 nodes (about 1 MiB): small enough to die young, so the run measures allocation rather than old-space marking.
  defaultSize: 14,
  expectedChecksum: '23f722925d0483506059b38929e711851aa334e0909caff4cd957a6a5bf1a3b8',
  setup({ seed, size }: KernelOptions): KernelInstance {
    const depth = checkSize('binary-trees', size, 0);
    if (depth > 24) throw new RangeError(`binary-trees: size must be <= 24, got ${depth}`);
    const salt = mulberry32Uint(seed)() | 0;
    const nodesPerTree = 2 ** (depth + 1) - 1;
    let counter = 0;

    // Items come from a cheap integer hash of a node counter, so they depend on the seed without a generator call per node.
    function build(d: number): TreeNode {
      const item = Math.imul((counter++ ^ salt) | 0, 0x9e3779b1);
      return d === 0 ? new TreeNode(null, null, item) : new TreeNode(build(d - 1), build(d - 1), item);
    }

    // Order-sensitive fold, so a tree with swapped children would give another value.
    function check(node: TreeNode): number {
      if (node.left === null || node.right === null) return node.item;
      return (Math.imul(check(node.left), 31) + check(node.right) + node.item) | 0;
    }

    const result = new Int32Array(TREES_PER_ITERATION);
    return {
      workPerIteration: (TREES_PER_ITERATION * nodesPerTree) / 1e6,
      run(): void {
        counter = 0;
        for (let t = 0; t < TREES_PER_ITERATION; t++) result[t] = check(build(depth));
      },
      checksum(): string {
        return sha256Hex(result);
      },
    };
  },
};
