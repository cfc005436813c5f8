import { join } from 'node:path';
import { ticksToS } from '../../units.js';
import { reasonOfError, stateOfReason } from '../io/files.js';
import type { Probe, SourceContext, UtilizationSource } from '../types.js';

/**
 * CPU time of the commands wattbench runs, exactly and without polling: once a child has exited and been reaped,
 * the kernel adds its CPU time (and that of its own reaped descendants) to our cutime + cstime in /proc/self/stat.
 */

/** Parses cutime + cstime (seconds) from a /proc/<pid>/stat line; null when malformed. */
export function parseChildrenCpuS(text: string): number | null {
  // The command name (field 2) may contain spaces and parentheses: fields are counted after the last ')'.
  const close = text.lastIndexOf(')');
  if (close === -1) return null;
  const rest = text.slice(close + 1).trim().split(/\s+/);
  // rest[0] is field 3 (state); cutime and cstime are fields 16 and 17.
  const ticks = [rest[13], rest[14]].map(Number);
  if (ticks.some((t) => !Number.isFinite(t) || t < 0)) return null;
  const sum = (ticks[0] as number) + (ticks[1] as number);
  // Two finite fields can still overflow (1e308 + 1e308).
  return Number.isFinite(sum) ? ticksToS(sum) : null;
}

/** Probes /proc/self/stat for the CPU time of reaped children. */
export async function probeChildrenCpu(ctx: SourceContext): Promise<Probe> {
  const path = join(ctx.procfs, 'self', 'stat');
  const info = {
    id: 'process:children',
    kind: 'utilization' as const,
    scope: 'process' as const,
    quality: 'measured' as const,
    description: `CPU time of measured commands and their descendants once reaped (cutime+cstime of ${path})`,
  };
  const read: UtilizationSource['read'] = async () => {
    try {
      const s = parseChildrenCpuS(await ctx.files.readText(path));
      return s === null ? { ok: false, reason: `malformed ${path}` } : { ok: true, value: { busyS: s, totalS: null, stealS: null, cpus: null } };
    } catch (err) {
      return { ok: false, reason: reasonOfError(err, path) };
    }
  };
  const first = await read();
  if (!first.ok) {
    return { info, state: stateOfReason(first.reason), reason: first.reason, fix: null };
  }
  return { info, state: 'ok', reason: null, fix: null, source: { info, read } };
}
