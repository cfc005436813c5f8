import { EXTRA_KERNEL_IDS, kernels } from '../../benchmarks/index.js';
import { table } from '../format/text.js';
import type { Io } from './io.js';

/** `wattbench list [--json]`: the kernels of the suite. */
export function listCommand(flags: { json?: boolean }, io: Io): number {
  if (flags.json) {
    const list = kernels.map((k) => ({ id: k.id, version: k.version, unit: k.unit, description: k.description, default: !EXTRA_KERNEL_IDS.includes(k.id) }));
    io.out(`${JSON.stringify(list, null, 2)}\n`);
    return 0;
  }
  const rows = kernels.map((k) => [k.id, k.version, k.unit, EXTRA_KERNEL_IDS.includes(k.id) ? 'extra' : 'default', k.description]);
  io.out(`${table(['id', 'version', 'unit', 'suite', 'description'], rows)}\n`);
  return 0;
}
