import { EXTRA_KERNEL_IDS, kernels } from '../../benchmarks/index.js';
import { kernelsJson, kernelsText } from '../format/list.js';
import type { Io } from './io.js';

/** `wattbench list [--json]`: the kernels of the suite. */
export function listCommand(flags: { json?: boolean }, io: Io): number {
  io.out(flags.json ? kernelsJson(kernels, EXTRA_KERNEL_IDS) : kernelsText(kernels, EXTRA_KERNEL_IDS));
  return 0;
}
