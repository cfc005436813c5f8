import { kernels } from '../../benchmarks/index.js';
import { table } from './format.js';
import type { Io } from './io.js';

/** `wattbench list [--json]`: the kernels of the suite. */
export function listCommand(flags: { json?: boolean }, io: Io): number {
  if (flags.json) {
    io.out(`${JSON.stringify(kernels.map((k) => ({ id: k.id, version: k.version, unit: k.unit, description: k.description })), null, 2)}\n`);
    return 0;
  }
  io.out(`${table(['id', 'version', 'unit', 'description'], kernels.map((k) => [k.id, k.version, k.unit, k.description]))}\n`);
  return 0;
}
