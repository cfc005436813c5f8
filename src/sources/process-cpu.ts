import { join } from 'node:path';
import { ticksToS } from '../units.js';
import { reasonOfError } from './files.js';
import type { SourceContext, UtilizationSource } from './types.js';

/** CPU time of a measured process and its reaped descendants, from `<procfs>/<pid>/stat`. */

/** Parses utime+stime+cutime+cstime (seconds) from a /proc/<pid>/stat line; null when malformed. */
export function parsePidStat(text: string): number | null {
  // The command name (field 2) may contain spaces and parentheses: fields are counted after the last ')'.
  const close = text.lastIndexOf(')');
  if (close === -1) return null;
  const rest = text.slice(close + 1).trim().split(/\s+/);
  // rest[0] is field 3 (state); utime is field 14 → rest[11].
  const ticks = [rest[11], rest[12], rest[13], rest[14]].map(Number);
  if (ticks.some((t) => !Number.isFinite(t) || t < 0)) return null;
  return ticksToS(ticks.reduce((a, b) => a + b, 0));
}

/** Creates a utilization source for one process; after it exits, reads fail and the last good sample stands. */
export function processCpuSource(ctx: SourceContext, pid: number): UtilizationSource {
  const path = join(ctx.procfs, String(pid), 'stat');
  return {
    info: {
      id: `process:${pid}`,
      kind: 'utilization',
      scope: 'process',
      quality: 'measured',
      description: `CPU time of process ${pid} and its reaped children from ${path}`,
    },
    async read() {
      try {
        const s = parsePidStat(await ctx.files.readText(path));
        return s === null ? { ok: false, reason: `malformed ${path}` } : { ok: true, value: { busyS: s, totalS: null, stealS: null, cpus: null } };
      } catch (err) {
        return { ok: false, reason: reasonOfError(err, path) };
      }
    },
  };
}
