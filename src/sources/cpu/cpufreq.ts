import { join } from 'node:path';
import { khzToMhz } from '../../units.js';
import { readNumber, reasonOfError, stateOfError } from '../io/files.js';
import type { FrequencySource, Probe, SourceContext } from '../types.js';

/** CPU frequency from cpufreq `scaling_cur_freq` (kHz), averaged over CPUs. */

const CPU_DIR = /^cpu\d+$/;
const MAX_CPUS_READ = 16;

/** Probes cpufreq; absent in most VMs and containers. */
export async function probeCpufreq(ctx: SourceContext): Promise<Probe> {
  const root = join(ctx.sysfs, 'devices', 'system', 'cpu');
  const info = {
    id: 'cpufreq',
    kind: 'frequency' as const,
    scope: 'cpu' as const,
    quality: 'measured' as const,
    minIntervalS: 1,
    description: `mean scaling_cur_freq over CPUs (at most ${MAX_CPUS_READ}, evenly spread) under ${root}, MHz`,
  };
  let entries: string[];
  try {
    entries = (await ctx.files.list(root)).filter((e) => CPU_DIR.test(e));
  } catch (err) {
    return { info, state: stateOfError(err), reason: reasonOfError(err, root), fix: null };
  }
  const paths = entries.map((cpu) => join(root, cpu, 'cpufreq', 'scaling_cur_freq'));
  const firsts = await Promise.all(paths.map((p) => readNumber(ctx.files, p)));
  // A mean over at most 16 evenly spread CPUs: reading hundreds of files per sample would cost more than it tells.
  const all = paths.filter((_, i) => firsts[i]?.ok);
  const step = Math.max(1, Math.ceil(all.length / MAX_CPUS_READ));
  const readable = all.filter((_, i) => i % step === 0);
  if (readable.length === 0) {
    const firstFailure = firsts.find((f) => !f.ok);
    return {
      info,
      state: firstFailure && !firstFailure.ok && firstFailure.state !== 'absent' ? firstFailure.state : 'absent',
      reason: `no readable cpufreq under ${root} (usual in VMs and containers)`,
      fix: null,
    };
  }
  const source: FrequencySource = {
    info,
    async read() {
      const values = await Promise.all(readable.map((p) => readNumber(ctx.files, p)));
      const ok = values.filter((v): v is { ok: true; value: number } => v.ok);
      if (ok.length === 0) return { ok: false, reason: 'cpufreq files became unreadable' };
      return { ok: true, value: khzToMhz(ok.reduce((s, v) => s + v.value, 0) / ok.length) };
    },
  };
  return { info, state: 'ok', reason: null, fix: null, source };
}

/** Reads the scaling governor of cpu0 (for the machine fingerprint), or null when there is none. */
export async function readGovernor(ctx: SourceContext): Promise<string | null> {
  try {
    return (await ctx.files.readText(join(ctx.sysfs, 'devices/system/cpu/cpu0/cpufreq/scaling_governor'))).trim() || null;
  } catch {
    return null;
  }
}
