import type { Probe, SourceContext } from '../types.js';
import { probeNvidia, type NvidiaOptions } from './nvidia.js';
import { probeNvml, type NvmlOptions, type NvmlProbeResult } from './nvml.js';

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
  const nvml = await probeNvml(ctx, options.nvml);
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
