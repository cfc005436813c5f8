import { cpus } from 'node:os';
import { probeAmdGpu } from './accelerators/amd-gpu.js';
import { probeAscendNpus } from './accelerators/ascend-npus.js';
import { probeNvidiaGpus } from './accelerators/nvidia-gpus.js';
import { probeIpmi } from './bmc/ipmi.js';
import { metersOf, type DiscoverOptions } from './context.js';
import { probeCpufreq } from './cpu/cpufreq.js';
import { probePerf } from './cpu/perf.js';
import { probePowercap } from './cpu/powercap.js';
import { probeChildrenCpu } from './cpu/process-cpu.js';
import { probeProcStat, procStatReader } from './cpu/procstat.js';
import { probeThermal } from './cpu/thermal.js';
import { probeDebug } from './debug/debug.js';
import { probeEstimate } from './estimate/estimate.js';
import { isMeasuredEnergy } from './measured.js';
import { metersOfFamily, probeMeters } from './meters/registry.js';
import { probePowermetrics } from './platform/powermetrics.js';
import { probeWindowsEmi } from './platform/windows-emi.js';
import { probeBattery } from './system/battery.js';
import { probeHwmon } from './system/hwmon.js';
import type { CpuTimes, Probe, ReadResult, SourceContext } from './types.js';

/** The source families of DESIGN.md §2, one folder each under `src/sources/`; `debug` is for scripted test sources. */
export type SourceFamily = 'cpu' | 'system' | 'platform' | 'accelerators' | 'bmc' | 'meters' | 'estimate' | 'debug';

/** What a provider's probe is given besides the context: the discovery options and what the providers it follows found. */
export interface ProviderFacts {
  options: DiscoverOptions;
  /** The probes of a provider named in `after` (or any earlier one, for `after: 'all'`). */
  probesOf(id: string): Probe[];
  /** The probes of every provider it follows, in list order. */
  earlier(): Probe[];
}

/** One way of finding sources: a family, an id, what it must wait for, and its probe. */
export interface Provider {
  family: SourceFamily;
  /** Unique among providers; what `after` names. */
  id: string;
  /** Providers whose probes this one needs, all earlier in the list; `'all'` waits for every earlier one. */
  after?: readonly string[] | 'all';
  /** Probes once; never throws for an absent or broken interface (that is a probe with a state and a reason). */
  probe(ctx: SourceContext, facts: ProviderFacts): Promise<Probe[]>;
}

const one =
  (probe: (ctx: SourceContext) => Promise<Probe>) =>
  async (ctx: SourceContext): Promise<Probe[]> => [await probe(ctx)];

/** The ids of usable sources that are not mirrors of another. */
function usableIds(probes: Probe[]): string[] {
  return probes.filter((p) => p.state === 'ok' && !p.info.duplicateOf).map((p) => p.info.id);
}

/**
 * The estimate reads the same CPU times as procstat (one reader, so a sample reads /proc/stat once), and says it is
 * not used when anything measured is usable: estimates are never mixed with measurements.
 */
async function probeEstimateLast(ctx: SourceContext, facts: ProviderFacts): Promise<Probe[]> {
  const utilization = facts.probesOf('procstat').find((p) => p.source?.info.kind === 'utilization')?.source;
  const readTimes = utilization ? (utilization.read as () => Promise<ReadResult<CpuTimes>>) : procStatReader(ctx);
  const estimate = await probeEstimate(readTimes, facts.options.estimate ?? {}, cpus().length || 1, facts.options.clock);
  if (facts.earlier().some(isMeasuredEnergy) && estimate.state === 'ok') {
    estimate.reason = 'not used: measured sources are available, and estimates are never mixed with measurements';
  }
  return [estimate];
}

/**
 * Every provider, in the order `sources` lists their probes. Those without `after` run concurrently; adding an
 * interface is one file in its family's folder and one line here (docs/architecture.md).
 */
export const PROVIDERS: readonly Provider[] = [
  { family: 'cpu', id: 'powercap', probe: (ctx) => probePowercap(ctx) },
  // perf reads the same RAPL counters as powercap: it learns their ids so its own are marked duplicates.
  { family: 'cpu', id: 'perf', after: ['powercap'], probe: (ctx, f) => probePerf(ctx, { powercapIds: usableIds(f.probesOf('powercap')) }) },
  { family: 'platform', id: 'powermetrics', probe: (ctx) => probePowermetrics(ctx) },
  { family: 'platform', id: 'windows-emi', probe: (ctx) => probeWindowsEmi(ctx) },
  { family: 'cpu', id: 'procstat', probe: one(probeProcStat) },
  { family: 'cpu', id: 'children', probe: one(probeChildrenCpu) },
  { family: 'cpu', id: 'cpufreq', probe: one(probeCpufreq) },
  { family: 'cpu', id: 'thermal', probe: one(probeThermal) },
  { family: 'system', id: 'hwmon', probe: (ctx) => probeHwmon(ctx) },
  { family: 'system', id: 'battery', probe: (ctx) => probeBattery(ctx) },
  // NVML's energy counters first; nvidia-smi when the library cannot be loaded or initialised.
  { family: 'accelerators', id: 'nvidia', probe: (ctx, f) => probeNvidiaGpus(ctx, f.options.nvmlLibrary !== undefined ? { nvml: { library: f.options.nvmlLibrary } } : {}) },
  { family: 'accelerators', id: 'amd', probe: (ctx) => probeAmdGpu(ctx) },
  // DCMI's power in-process first; npu-smi when the library cannot be loaded or initialised.
  { family: 'accelerators', id: 'npu', probe: (ctx, f) => probeAscendNpus(ctx, f.options.dcmiLibrary !== undefined ? { dcmi: { library: f.options.dcmiLibrary } } : {}) },
  { family: 'bmc', id: 'ipmi', probe: (ctx) => probeIpmi(ctx) },
  { family: 'meters', id: 'meters', probe: (ctx, f) => probeMeters(ctx, metersOfFamily(metersOf(f.options), 'meters')) },
  // BMCs named with --meter (redfish=): bmc sources, listed after the plugs and commands.
  { family: 'bmc', id: 'bmc-meters', probe: (ctx, f) => probeMeters(ctx, metersOfFamily(metersOf(f.options), 'bmc')) },
  // Last: it uses procstat's reader and must know whether anything measured is usable.
  // Only with --debug-source: a scripted counter that stands in for every sensor (it is measured, so the estimate yields).
  { family: 'debug', id: 'debug', probe: async (ctx, f) => (f.options.debug ? [await probeDebug(ctx, { ...(f.options.clock ? { clock: f.options.clock } : {}), ...f.options.debug })] : []) },
  { family: 'estimate', id: 'estimate', after: 'all', probe: probeEstimateLast },
];
