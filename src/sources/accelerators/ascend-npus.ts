import type { Probe, SourceContext } from '../types.js';
import type { DcmiOptions, DcmiProbeResult } from './dcmi.js';
import { findDcmi } from './dcmi-locate.js';
import { withLibraryReason, type LibraryFirst } from './library-first.js';

const ASCEND: LibraryFirst = {
  library: 'DCMI',
  tool: 'npu-smi',
  info: { id: 'npu', kind: 'gauge', scope: 'npu', quality: 'measured', description: 'Ascend NPUs through DCMI (libdcmi.so)' },
  nothingUsable: 'no usable NPU',
};
import { probeNpu, type NpuOptions } from './npu-smi.js';

/**
 * Huawei Ascend NPUs, DCMI first (called in-process, polled sub-second), `npu-smi` when DCMI cannot be loaded or
 * initialised; `sources` then says why DCMI was not used.
 */

/** Options of both paths. */
export interface AscendNpuOptions {
  dcmi?: DcmiOptions;
  smi?: NpuOptions;
}

/** Probes DCMI, and npu-smi only when DCMI is unusable. */
export async function probeAscendNpus(ctx: SourceContext, options: AscendNpuOptions = {}): Promise<Probe[]> {
  const dcmi = await probeDcmiWhereFound(ctx, options.dcmi ?? {});
  if (dcmi.usable) return dcmi.probes;
  return withDcmiReason(await probeNpu(ctx, options.smi), dcmi);
}

/** npu-smi's probes, each saying why DCMI was not used (see `withLibraryReason`). */
export function withDcmiReason(smi: Probe[], dcmi: Extract<DcmiProbeResult, { usable: false }>): Probe[] {
  return withLibraryReason(ASCEND, smi, dcmi);
}

/** DCMI's code (and koffi) are loaded only where the library is: a machine without the Ascend driver pays nothing. */
async function probeDcmiWhereFound(ctx: SourceContext, options: DcmiOptions): Promise<DcmiProbeResult> {
  let chosen = options;
  if (!options.api) {
    const where = await findDcmi(ctx.env, options.library);
    if (!where.found) return { usable: false, state: 'absent', reason: where.reason, fix: null };
    chosen = { ...options, library: where.path };
  }
  const { probeDcmi } = await import('./dcmi.js');
  return probeDcmi(ctx, chosen);
}
