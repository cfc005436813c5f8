import { cpus } from 'node:os';
import type { EstimateOptions } from './estimate/estimate-model.js';
import { probeEstimate } from './estimate/estimate.js';
import { HandleFileReader } from './io/files.js';
import { probeCpufreq } from './cpu/cpufreq.js';
import { probePowercap } from './cpu/powercap.js';
import { probeChildrenCpu } from './cpu/process-cpu.js';
import { probeProcStat, procStatReader } from './cpu/procstat.js';
import { probeThermal } from './cpu/thermal.js';
import { probeNvidia } from './accelerators/nvidia.js';
import { probeAmdGpu } from './accelerators/amd-gpu.js';
import { probeHwmon } from './system/hwmon.js';
import { probeBattery } from './system/battery.js';
import { probePerf } from './cpu/perf.js';
import { probePowermetrics } from './platform/powermetrics.js';
import { probeWindowsEmi } from './platform/windows-emi.js';
import { probeNpu } from './accelerators/npu-smi.js';
import { probeIpmi } from './bmc/ipmi.js';
import { probeMeters, type MeterSpec } from './meters/registry.js';
import { probeRedfish, type RedfishOptions } from './bmc/redfish.js';
import { probeDebug, type DebugOptions } from './debug/debug.js';
import type { FileReader, Probe, SourceContext } from './types.js';

/** Options for discovering sources. */
export interface DiscoverOptions {
  /** Root of sysfs (default `/sys`). */
  sysfs?: string;
  /** Root of procfs (default `/proc`). */
  procfs?: string;
  /** File-reading seam (tests inject errors through it). */
  files?: FileReader;
  /** Overrides for the estimate's power model. */
  estimate?: EstimateOptions;
  /** Environment for tools and credentials (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Sampling interval in ms, passed to streaming tools (default 100). */
  intervalMs?: number;
  /** External meters (`--meter shelly=…`, `tasmota=…`, `command=…`). */
  meters?: MeterSpec[];
  /** Redfish BMCs (`--meter redfish=…`). */
  redfish?: RedfishOptions[];
  /** The scripted debug source (`--debug-source`), for tests and demonstrations; absent by default. */
  debug?: DebugOptions;
}

/** Builds the context sources read through. */
export function sourceContext(options: DiscoverOptions = {}): SourceContext {
  return {
    sysfs: options.sysfs ?? '/sys',
    procfs: options.procfs ?? '/proc',
    files: options.files ?? new HandleFileReader(),
    env: options.env ?? process.env,
    intervalMs: options.intervalMs ?? 100,
  };
}

/** Returns true for a usable source that measures energy or power (not utilization or telemetry). */
export function isMeasuredEnergy(probe: Probe): boolean {
  return probe.state === 'ok' && probe.info.quality === 'measured' && (probe.info.kind === 'counter' || probe.info.kind === 'gauge');
}

/** Probes every interface once and returns all of them, usable or not, each with its state, reason and fix. */
export async function discoverSources(options: DiscoverOptions = {}): Promise<Probe[]> {
  const ctx = sourceContext(options);
  const readTimes = procStatReader(ctx);
  const powercapP = probePowercap(ctx);
  // perf reads the same RAPL counters as powercap: it learns their ids so its own are marked duplicates.
  const perfP = powercapP.then((pc) =>
    probePerf(ctx, { powercapIds: pc.filter((p) => p.state === 'ok' && !p.info.duplicateOf).map((p) => p.info.id) }),
  );
  const [powercap, procstat, children, cpufreq, thermal, hwmon, battery, nvidia, amd, perf, apple, windows, npu, ipmi] = await Promise.all([
    powercapP,
    probeProcStat(ctx, readTimes),
    probeChildrenCpu(ctx),
    probeCpufreq(ctx),
    probeThermal(ctx),
    probeHwmon(ctx),
    probeBattery(ctx),
    probeNvidia(ctx),
    probeAmdGpu(ctx),
    perfP,
    probePowermetrics(ctx),
    probeWindowsEmi(ctx),
    probeNpu(ctx),
    probeIpmi(ctx),
  ]);
  const external = (
    await Promise.all([options.meters?.length ? probeMeters(ctx, options.meters) : [], ...(options.redfish ?? []).map((r) => probeRedfish(ctx, r))])
  ).flat();
  const utilization = procstat.source?.info.kind === 'utilization' ? procstat.source : null;
  const estimate = await probeEstimate(
    utilization ? (utilization.read as typeof readTimes) : readTimes,
    options.estimate ?? {},
    cpus().length || 1,
  );
  const probes = [...powercap, ...perf, ...apple, ...windows, procstat, children, cpufreq, thermal, ...hwmon, ...battery, ...nvidia, ...amd, ...npu, ...ipmi, ...external];
  if (options.debug) probes.push(await probeDebug(ctx, options.debug));
  if (probes.some(isMeasuredEnergy) && estimate.state === 'ok') {
    estimate.reason = 'not used: measured sources are available, and estimates are never mixed with measurements';
  }
  probes.push(estimate);
  return probes;
}
