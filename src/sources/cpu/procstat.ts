import { cpus } from 'node:os';
import { join } from 'node:path';
import { ticksToS } from '../../units.js';
import { reasonOfError, stateOfReason } from '../io/files.js';
import type { CpuTimes, Probe, ReadResult, SourceContext, UtilizationSource } from '../types.js';

/** System CPU time from `<procfs>/stat` (Linux), or from os.cpus() elsewhere. */

/** Parses the aggregate `cpu` line of /proc/stat into CPU times in seconds; null when the text has no usable line. */
export function parseProcStat(text: string): CpuTimes | null {
  let aggregate: CpuTimes | null = null;
  let cpuCount = 0;
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    const label = fields[0];
    if (label === undefined || !label.startsWith('cpu')) continue;
    if (label !== 'cpu') {
      if (/^cpu\d+$/.test(label)) cpuCount += 1;
      continue;
    }
    const n = fields.slice(1).map(Number);
    if (n.length < 4 || n.some((x) => !Number.isFinite(x) || x < 0)) return null;
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0, guest = 0, guestNice = 0] = n;
    // guest time is already inside user/nice; iowait is idle time (and may even decrease), so it is not busy.
    // A torn or garbled line can show more guest than user time: that never makes busy time negative.
    const busy = Math.max(0, user - guest) + Math.max(0, nice - guestNice) + system + irq + softirq + steal;
    const total = busy + idle + iowait;
    // Each field finite does not make their sum finite (1e308 + 1e308).
    if (!Number.isFinite(total)) return null;
    aggregate = { busyS: ticksToS(busy), totalS: ticksToS(total), stealS: n.length >= 8 ? ticksToS(steal) : null, cpus: null };
  }
  if (aggregate) aggregate.cpus = cpuCount > 0 ? cpuCount : null;
  return aggregate;
}

/** CPU times from os.cpus() (milliseconds), for systems without /proc. */
function osCpuTimes(): CpuTimes | null {
  const list = cpus();
  if (list.length === 0) return null;
  let busyMs = 0;
  let totalMs = 0;
  for (const c of list) {
    const t = c.times;
    busyMs += t.user + t.nice + t.sys + t.irq;
    totalMs += t.user + t.nice + t.sys + t.irq + t.idle;
  }
  return { busyS: busyMs / 1000, totalS: totalMs / 1000, stealS: null, cpus: list.length };
}

/** Creates a reader of system CPU times whose concurrent calls share one read (the estimate and utilization sources read it in the same tick). */
export function procStatReader(ctx: SourceContext): () => Promise<ReadResult<CpuTimes>> {
  const path = join(ctx.procfs, 'stat');
  let inFlight: Promise<ReadResult<CpuTimes>> | null = null;
  const readOnce = async (): Promise<ReadResult<CpuTimes>> => {
    try {
      const parsed = parseProcStat(await ctx.files.readText(path));
      return parsed ? { ok: true, value: parsed } : { ok: false, reason: `no aggregate cpu line in ${path}` };
    } catch (err) {
      return { ok: false, reason: reasonOfError(err, path) };
    }
  };
  return () => {
    if (!inFlight) inFlight = readOnce().finally(() => (inFlight = null));
    return inFlight;
  };
}

/** Probes system CPU utilization: /proc/stat where it exists, else os.cpus() (no steal time). */
export async function probeProcStat(ctx: SourceContext, read = procStatReader(ctx)): Promise<Probe> {
  const path = join(ctx.procfs, 'stat');
  const first = await read();
  if (first.ok) {
    const info = {
      id: 'procstat:cpu',
      kind: 'utilization' as const,
      scope: 'cpu' as const,
      quality: 'measured' as const,
      description: `system CPU time from ${path} (${first.value.cpus ?? '?'} CPUs, busy/idle/steal)`,
    };
    const source: UtilizationSource = { info, read };
    return { info, state: 'ok', reason: null, fix: null, source };
  }
  if (process.platform !== 'linux' && osCpuTimes()) {
    const info = {
      id: 'os:cpu',
      kind: 'utilization' as const,
      scope: 'cpu' as const,
      quality: 'measured' as const,
      description: 'system CPU time from os.cpus() (no steal time on this platform)',
    };
    const source: UtilizationSource = {
      info,
      read: async () => {
        const t = osCpuTimes();
        return t ? { ok: true, value: t } : { ok: false, reason: 'os.cpus() returned no CPUs' };
      },
    };
    return { info, state: 'ok', reason: null, fix: null, source };
  }
  return {
    info: { id: 'procstat:cpu', kind: 'utilization', scope: 'cpu', quality: 'measured', description: `system CPU time from ${path}` },
    state: stateOfReason(first.reason),
    reason: first.reason,
    fix: null,
  };
}
