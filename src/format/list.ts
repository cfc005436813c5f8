import type { Kernel } from '../../benchmarks/kernel.js';
import { jsonText } from './json.js';
import { table } from './text.js';

/** The formats of `wattbench list`: the kernels of the suite as a table or a JSON array. */

/** A terminal table of the kernels; `extra` holds the ids left out of the default suite. */
export function kernelsText(kernels: readonly Kernel[], extra: readonly string[]): string {
  const rows = kernels.map((k) => [k.id, k.version, k.unit, extra.includes(k.id) ? 'extra' : 'default', k.description]);
  return `${table(['id', 'version', 'unit', 'suite', 'description'], rows)}\n`;
}

/** `list --json`: one record per kernel. */
export function kernelsJson(kernels: readonly Kernel[], extra: readonly string[]): string {
  return jsonText(kernels.map((k) => ({ id: k.id, version: k.version, unit: k.unit, description: k.description, default: !extra.includes(k.id) })));
}
