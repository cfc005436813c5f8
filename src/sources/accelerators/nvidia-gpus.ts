import type { Probe, SourceContext } from '../types.js';
import { probeNvidia, type NvidiaOptions } from './nvidia.js';
import type { NvmlOptions, NvmlProbeResult } from './nvml.js';
import { findNvml } from './nvml-locate.js';
import { withLibraryReason, type LibraryFirst } from './library-first.js';

const NVIDIA: LibraryFirst = {
  library: 'NVML',
  tool: 'nvidia-smi',
  info: { id: 'nvidia', kind: 'counter', scope: 'gpu', quality: 'measured', description: 'NVIDIA GPUs through NVML (libnvidia-ml.so.1)' },
  nothingUsable: 'no usable GPU',
};

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

/** nvidia-smi's probes, each saying why NVML was not used (see `withLibraryReason`). */
export function withNvmlReason(smi: Probe[], nvml: Extract<NvmlProbeResult, { usable: false }>): Probe[] {
  return withLibraryReason(NVIDIA, smi, nvml);
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
