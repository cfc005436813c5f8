import { systemClock, type Clock } from '../../clock.js';
import { Lease } from '../io/lease.js';
import type { LibraryProbeResult } from './library-first.js';
import type { CounterSource, FrequencySource, GaugeSource, Probe, ProbeState, ReadResult, SourceContext, SourceInfo, TemperatureSource, UtilizationSource } from '../types.js';
import type { NvmlApi, NvmlDevice, NvmlValue } from './nvml-api.js';
import { classifyNvml, NVML_ERROR_NOT_SUPPORTED, NVML_SUCCESS } from './nvml-codes.js';
import { loadNvmlLibrary } from './nvml-koffi.js';
import { FfiLane, type LaneResult } from '../io/ffi-lane.js';
import { findNvml } from './nvml-locate.js';

/**
 * NVIDIA GPUs through NVML (`libnvidia-ml.so.1`), called directly: each GPU's total energy counter (mJ since the
 * driver loaded, Volta and newer) as a counter source, its power gauge only where the counter is not supported, and
 * utilization, SM clock and temperature. Ids are nvidia-smi's (`nvidia:0`, `nvidia:0:util`…), so runs compare across
 * the two paths.
 */

/** Options of the NVML probe. */
export interface NvmlOptions {
  /**
   * Path of the library (default: the environment's `WATTBENCH_NVML_LIBRARY`, else `libnvidia-ml.so.1` found as the
   * loader finds it); `off` turns NVML off, so nvidia-smi is used.
   */
  library?: string;
  /** An NVML to call instead of loading the library (the tests' JavaScript fake); `library` is then not looked at. */
  api?: NvmlApi;
  /** Longest wait for one call while probing (default 10000 ms: without persistence mode, nvmlInit_v2 takes seconds). */
  probeTimeoutMs?: number;
  /** Longest wait for one read while measuring (default 1000 ms); a read never waits longer, whatever the driver does. */
  readTimeoutMs?: number;
  /** Time of the call deadlines (default the system clock). */
  clock?: Clock;
}

/** The NVML probe's outcome: its probes, or why NVML cannot be used at all (then nvidia-smi is tried). */
export type NvmlProbeResult = LibraryProbeResult;

export { NVML_LIBRARY_ENV } from './nvml-locate.js';

type Failure = Extract<LaneResult<unknown>, { ok: false }>;

/** Probes NVML: loads and initialises it, then one counter (or gauge) and three telemetry probes per GPU. */
export async function probeNvml(ctx: SourceContext, options: NvmlOptions = {}): Promise<NvmlProbeResult> {
  let api = options.api;
  if (!api) {
    const where = await findNvml(ctx.env, options.library);
    if (!where.found) return { usable: false, state: 'absent', reason: where.reason, fix: null };
    const loaded = await loadNvmlLibrary(where.path);
    if (!loaded.ok) return { usable: false, state: 'error', reason: loaded.reason, fix: null };
    api = loaded.api;
  }
  const nvml = new NvmlSession(api, options);
  const init = await nvml.init();
  if (!init.ok) return { usable: false, ...nvml.why(init, 'nvmlInit_v2') };
  const count = await nvml.ask('nvmlDeviceGetCount_v2', () => api.deviceCount());
  if (!count.ok || count.value === 0) {
    await nvml.shutdown();
    return count.ok ? { usable: false, state: 'absent', reason: 'NVML lists no GPU', fix: null } : { usable: false, ...nvml.why(count, 'nvmlDeviceGetCount_v2') };
  }
  const probes: Probe[] = [];
  for (let index = 0; index < count.value; index += 1) probes.push(...(await probeGpu(nvml, index, ctx)));
  // Nothing will ever start: NVML's reference is given back now rather than at exit.
  if (!probes.some((p) => p.state === 'ok')) await nvml.shutdown();
  return { usable: true, probes };
}

/** NVML for one discovery: its lane of calls, and one `nvmlInit_v2` held while any source is started. */
class NvmlSession {
  readonly lane: FfiLane;
  private readonly probeTimeoutMs: number;
  readonly readTimeoutMs: number;
  private initialised = false;
  /** Started by the first source's `start()`, given back by the last `close()`. */
  readonly lease: Lease;

  constructor(
    readonly api: NvmlApi,
    options: NvmlOptions,
  ) {
    this.lane = new FfiLane('NVML', options.clock ?? systemClock);
    this.probeTimeoutMs = options.probeTimeoutMs ?? 10_000;
    this.readTimeoutMs = options.readTimeoutMs ?? 1000;
    this.lease = new Lease(
      async () => {
        if (!this.initialised) await this.init();
      },
      () => this.shutdown(),
    );
  }

  /** `nvmlInit_v2`, within the probe timeout. */
  async init(): Promise<LaneResult<number>> {
    const r = await this.lane.call('nvmlInit_v2', async (): Promise<NvmlValue<number>> => codeOnly(await this.api.init()), this.probeTimeoutMs);
    if (r.ok) this.initialised = true;
    return r;
  }

  /** `nvmlShutdown`, once per successful init. */
  async shutdown(): Promise<void> {
    if (!this.initialised) return;
    this.initialised = false;
    await this.lane.call('nvmlShutdown', async () => codeOnly(await this.api.shutdown()), this.probeTimeoutMs);
  }

  /** One call while probing. */
  ask<T>(what: string, call: () => Promise<NvmlValue<T>>): Promise<LaneResult<T>> {
    return this.lane.call(what, call, this.probeTimeoutMs);
  }

  /** A failed call as a probe state, reason and fix. */
  why(failure: Failure, what: string): { state: Exclude<ProbeState, 'ok'>; reason: string; fix: string | null } {
    if (failure.code === null) return { state: 'error', reason: failure.reason, fix: null };
    const c = classifyNvml(failure.code, this.errorText(failure.code), what);
    return { state: c.state as Exclude<ProbeState, 'ok'>, reason: c.reason ?? what, fix: c.fix };
  }

  /** A read while measuring: the value, or NVML's words for why not. */
  reader<T>(what: string, call: () => Promise<NvmlValue<T>>): () => Promise<ReadResult<T>> {
    return async () => {
      const r = await this.lane.call(what, call, this.readTimeoutMs);
      if (r.ok) return { ok: true, value: r.value };
      return { ok: false, reason: this.why(r, what).reason };
    };
  }

  private errorText(code: number): string {
    try {
      return this.api.errorString(code);
    } catch {
      return `NVML error ${code}`;
    }
  }
}

const codeOnly = (code: number): NvmlValue<number> => (code === NVML_SUCCESS ? { ok: true, value: code } : { ok: false, code });

/** The first successful value of a call, or null (names and bus ids are only for the description). */
async function optional<T>(nvml: NvmlSession, what: string, call: () => Promise<NvmlValue<T>>): Promise<T | null> {
  const r = await nvml.ask(what, call);
  return r.ok ? r.value : null;
}

/** The probes of GPU `index`: its energy source, then utilization, SM clock and temperature. */
async function probeGpu(nvml: NvmlSession, index: number, ctx: SourceContext): Promise<Probe[]> {
  const { api } = nvml;
  const energyInfo: SourceInfo = { id: `nvidia:${index}`, kind: 'counter', scope: 'gpu', quality: 'measured', description: `NVML total energy counter (mJ) of GPU ${index}` };
  const handle = await nvml.ask(`nvmlDeviceGetHandleByIndex_v2(${index})`, () => api.deviceHandle(index));
  if (!handle.ok) return [{ info: energyInfo, ...nvml.why(handle, `GPU ${index}`) }];
  const device: NvmlDevice = handle.value;
  const name = (await optional(nvml, 'nvmlDeviceGetName', () => api.name(device))) ?? 'unnamed GPU';
  const uuid = await optional(nvml, 'nvmlDeviceGetUUID', () => api.uuid(device));
  const bus = await optional(nvml, 'nvmlDeviceGetPciInfo_v3', () => api.pciBusId(device));
  const limitMw = await optional(nvml, 'nvmlDeviceGetEnforcedPowerLimit', () => api.enforcedPowerLimitMw(device));
  const mig = (await optional(nvml, 'nvmlDeviceGetMigMode', () => api.migMode(device))) === 1;
  const ids = [uuid, bus ? `PCI ${bus}` : null].filter((x): x is string => x !== null);
  const gpu = `GPU ${index} ${name}${ids.length > 0 ? ` (${ids.join(', ')})` : ''}`;
  const migNote = mig ? 'MIG mode is on: this is the energy of the whole parent GPU, shared by all its instances' : null;
  const limitNote = limitMw !== null ? `, enforced power limit ${limitMw / 1000} W` : '';
  /** Start and close of one source: the first start holds NVML's init, the last close shuts it down. */
  const holder = (): { start(): Promise<void>; close(): Promise<void> } => {
    const { start, close } = nvml.lease.holder();
    return { start, close };
  };

  const probes: Probe[] = [];
  const what = `the energy counter of GPU ${index}`;
  const energy = await nvml.ask(what, () => api.totalEnergyMj(device));
  if (energy.ok) {
    // Counter update period: roughly 20-100 ms on current GPUs (PETSc's and ML.ENERGY's measurements).
    const info: SourceInfo & { kind: 'counter' } = {
      ...energyInfo,
      kind: 'counter',
      description: `NVML total energy counter (mJ) of ${gpu}${limitNote}${migNote ? `; ${migNote}` : ''}`,
      joulesPerUnit: 1e-3,
      maxRange: null,
      updatePeriodS: 0.1,
      // The sampler refuses power far above the GPU's own limit (src/sampler/ceiling.ts).
      ...(limitMw !== null ? { powerLimitW: limitMw / 1000 } : {}),
    };
    const source: CounterSource = { info, ...holder(), read: nvml.reader(what, () => api.totalEnergyMj(device)) };
    probes.push({ info, state: 'ok', reason: migNote, fix: null, source });
  } else if (energy.code === NVML_ERROR_NOT_SUPPORTED) {
    // Before Volta there is no energy counter: the power gauge is integrated instead, and says so.
    const gaugeWhat = `the power usage of GPU ${index}`;
    const info: SourceInfo & { kind: 'gauge' } = {
      ...energyInfo,
      kind: 'gauge',
      description: `NVML power usage (mW; board power, a 1-s average on Ampere and newer) of ${gpu}${limitNote}, read every ${ctx.intervalMs} ms`,
      ...(limitMw !== null ? { powerLimitW: limitMw / 1000 } : {}),
    };
    const power = await nvml.ask(gaugeWhat, () => api.powerUsageMw(device));
    if (power.ok) {
      const readMw = nvml.reader(gaugeWhat, () => api.powerUsageMw(device));
      const read = async (): Promise<ReadResult<number>> => {
        const r = await readMw();
        return r.ok ? { ok: true, value: r.value / 1000 } : r;
      };
      const source: GaugeSource = { info, ...holder(), read };
      const note = `no energy counter (${nvml.why(energy, what).reason}): its power gauge is integrated instead`;
      probes.push({ info, state: 'ok', reason: migNote ? `${note}; ${migNote}` : note, fix: null, source });
    } else {
      const failed = nvml.why(power, gaugeWhat);
      probes.push({ info, ...failed, reason: `${nvml.why(energy, what).reason}; ${failed.reason}` });
    }
  } else {
    probes.push({ info: { ...energyInfo, description: `NVML total energy counter (mJ) of ${gpu}` }, ...nvml.why(energy, what) });
  }

  const telemetry: Array<[string, 'utilization' | 'frequency' | 'temperature', string, () => Promise<NvmlValue<number>>]> = [
    ['util', 'utilization', 'GPU utilization (%, time a kernel ran)', () => api.utilizationGpuPct(device)],
    ['sm-clock', 'frequency', 'SM clock (MHz)', () => api.smClockMhz(device)],
    ['temp', 'temperature', 'GPU temperature (°C)', () => api.temperatureC(device)],
  ];
  for (const [suffix, kind, label, call] of telemetry) {
    const info: SourceInfo = { id: `nvidia:${index}:${suffix}`, kind, scope: 'gpu', quality: 'measured', description: `NVML ${label} of ${gpu}` };
    const tWhat = `the ${label.replace(/ \(.*$/, '')} of GPU ${index}`;
    const first = await nvml.ask(tWhat, call);
    if (!first.ok) {
      probes.push({ info, ...nvml.why(first, tWhat) });
      continue;
    }
    const source = { info, ...holder(), read: nvml.reader(tWhat, call) } as UtilizationSource | FrequencySource | TemperatureSource;
    probes.push({ info, state: 'ok', reason: null, fix: null, source });
  }
  return probes;
}
