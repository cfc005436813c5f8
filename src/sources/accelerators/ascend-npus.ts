import type { Probe, SourceContext } from '../types.js';
import type { DcmiOptions, DcmiProbeResult } from './dcmi.js';
import { findDcmi } from './dcmi-locate.js';
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

/**
 * npu-smi's probes, each saying why DCMI was not used. When npu-smi has nothing usable either and DCMI was there but
 * failed, DCMI's diagnosis (its state and fix) is the one shown: it names the cause more exactly.
 */
export function withDcmiReason(smi: Probe[], dcmi: Extract<DcmiProbeResult, { usable: false }>): Probe[] {
  const usable = smi.some((p) => p.state === 'ok');
  if (!usable && dcmi.state !== 'absent') {
    const smiReason = smi.map((p) => p.reason).find((r) => r) ?? 'no usable NPU';
    return [
      {
        info: { id: 'npu', kind: 'gauge', scope: 'npu', quality: 'measured', description: 'Ascend NPUs through DCMI (libdcmi.so)' },
        state: dcmi.state,
        reason: `DCMI: ${dcmi.reason}; npu-smi: ${smiReason}`,
        fix: dcmi.fix ?? smi.find((p) => p.fix)?.fix ?? null,
      },
    ];
  }
  return smi.map((p) => ({
    ...p,
    reason: p.state === 'ok' ? `read through npu-smi, DCMI not used: ${dcmi.reason}${p.reason ? `; ${p.reason}` : ''}` : `${p.reason ?? p.state}; DCMI: ${dcmi.reason}`,
    fix: p.fix ?? dcmi.fix,
  }));
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
