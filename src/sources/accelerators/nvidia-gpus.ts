import type { Probe, SourceContext } from '../types.js';
import { probeNvidia, type NvidiaOptions } from './nvidia.js';
import type { NvmlOptions, NvmlProbeResult } from './nvml.js';
import { findNvml } from './nvml-locate.js';

/**
 * NVIDIA GPUs, NVML first (energy counters, called in-process), `nvidia-smi` when NVML cannot be loaded or
 * initialised; `sources` then says why NVML was not used.
 */

/** Options of both paths. */
export interface NvidiaGpuOptions {
  nvml?: NvmlOptions;
  smi?: NvidiaOptions;
}

/** Probes NVML, and nvidia-smi only when NVML is unusable. */
export async function probeNvidiaGpus(ctx: SourceContext, options: NvidiaGpuOptions = {}): Promise<Probe[]> {
  const nvml = await probeNvmlWhereFound(ctx, options.nvml ?? {});
  if (nvml.usable) return nvml.probes;
  return withNvmlReason(await probeNvidia(ctx, options.smi), nvml);
}

/**
 * nvidia-smi's probes, each saying why NVML was not used. When nvidia-smi has nothing usable either and NVML was
 * there but failed, NVML's diagnosis (its state and fix) is the one shown: it names the cause more exactly.
 */
export function withNvmlReason(smi: Probe[], nvml: Extract<NvmlProbeResult, { usable: false }>): Probe[] {
  const usable = smi.some((p) => p.state === 'ok');
  if (!usable && nvml.state !== 'absent') {
    const smiReason = smi.map((p) => p.reason).find((r) => r) ?? 'no usable GPU';
    return [
      {
        info: { id: 'nvidia', kind: 'counter', scope: 'gpu', quality: 'measured', description: 'NVIDIA GPUs through NVML (libnvidia-ml.so.1)' },
        state: nvml.state,
        reason: `NVML: ${nvml.reason}; nvidia-smi: ${smiReason}`,
        fix: nvml.fix ?? smi.find((p) => p.fix)?.fix ?? null,
      },
    ];
  }
  return smi.map((p) => ({
    ...p,
    reason: p.state === 'ok' ? `read through nvidia-smi, NVML not used: ${nvml.reason}${p.reason ? `; ${p.reason}` : ''}` : `${p.reason ?? p.state}; NVML: ${nvml.reason}`,
    fix: p.fix ?? nvml.fix,
  }));
}

/** NVML's code (and koffi) are loaded only where the library is: a machine without NVIDIA's driver pays nothing. */
async function probeNvmlWhereFound(ctx: SourceContext, options: NvmlOptions): Promise<NvmlProbeResult> {
  let chosen = options;
  if (!options.api) {
    const where = await findNvml(ctx.env, options.library);
    if (!where.found) return { usable: false, state: 'absent', reason: where.reason, fix: null };
    chosen = { ...options, library: where.path };
  }
  const { probeNvml } = await import('./nvml.js');
  return probeNvml(ctx, chosen);
}
