import type { NvmlApi, NvmlDevice, NvmlValue } from './nvml-api.js';
import { NVML_ERROR_FUNCTION_NOT_FOUND, NVML_SUCCESS } from './nvml-codes.js';
import { callAsync, importKoffi, type Koffi, type KoffiFunction } from '../io/koffi.js';

/**
 * The {@link NvmlApi} over `libnvidia-ml.so.1` through koffi. Every call that reaches the driver runs with koffi's
 * `.async()`, on a libuv worker thread, so a slow driver never holds the event loop; the caller keeps at most one in
 * flight (`FfiLane`, `src/sources/io/ffi-lane.ts`), so a hung one ties up one worker, not the pool that file reads share.
 */

/** Bytes of `char name[NVML_DEVICE_NAME_V2_BUFFER_SIZE]` and `char uuid[NVML_DEVICE_UUID_V2_BUFFER_SIZE]`. */
const TEXT_BYTES = 96;
/** `sizeof(nvmlPciInfo_t)` of the v3 layout: busIdLegacy[16], five unsigned ints, busId[32]. */
const PCI_INFO_BYTES = 68;
const PCI_BUS_ID_OFFSET = 36;
const NVML_CLOCK_SM = 1;
const NVML_TEMPERATURE_GPU = 0;

/** A C string out of a buffer NVML filled (up to the first NUL). */
function cString(buf: Buffer, offset = 0): string {
  const end = buf.indexOf(0, offset);
  return buf.toString('utf8', offset, end === -1 ? buf.length : end);
}

const asNumber = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : Number(v));

/** Loads koffi and the library at `path` (a bare name is searched the way dlopen searches), or says why it cannot. */
export async function loadNvmlLibrary(path: string): Promise<{ ok: true; api: NvmlApi } | { ok: false; reason: string }> {
  const imported = await importKoffi('NVML');
  if (!imported.ok) return imported;
  const { koffi } = imported;
  let lib: ReturnType<Koffi['load']>;
  try {
    lib = koffi.load(path);
  } catch (err) {
    return { ok: false, reason: `cannot load ${path}: ${err instanceof Error ? err.message : String(err)}` };
  }
  const missing: string[] = [];
  const func = (signature: string): KoffiFunction | null => {
    try {
      return lib.func(signature);
    } catch {
      missing.push(/ (\w+)\(/.exec(signature)?.[1] ?? signature);
      return null;
    }
  };
  // Each binding gets its own name for nvmlDevice_t, so two loads in one process never clash in koffi's type registry.
  const device = `nvmlDevice_t_${(loads += 1)}`;
  koffi.pointer(device, koffi.opaque(`nvmlDevice_st_${loads}`));
  const f = {
    init: func('int nvmlInit_v2(void)'),
    shutdown: func('int nvmlShutdown(void)'),
    errorString: func('const char *nvmlErrorString(int result)'),
    count: func('int nvmlDeviceGetCount_v2(_Out_ unsigned int *deviceCount)'),
    handle: func(`int nvmlDeviceGetHandleByIndex_v2(unsigned int index, _Out_ ${device} *device)`),
    name: func(`int nvmlDeviceGetName(${device} device, _Out_ uint8_t *name, unsigned int length)`),
    uuid: func(`int nvmlDeviceGetUUID(${device} device, _Out_ uint8_t *uuid, unsigned int length)`),
    pci: func(`int nvmlDeviceGetPciInfo_v3(${device} device, _Out_ uint8_t *pci)`),
    energy: func(`int nvmlDeviceGetTotalEnergyConsumption(${device} device, _Out_ unsigned long long *energy)`),
    power: func(`int nvmlDeviceGetPowerUsage(${device} device, _Out_ unsigned int *power)`),
    utilization: func(`int nvmlDeviceGetUtilizationRates(${device} device, _Out_ uint8_t *utilization)`),
    clock: func(`int nvmlDeviceGetClockInfo(${device} device, int type, _Out_ unsigned int *clock)`),
    temperature: func(`int nvmlDeviceGetTemperature(${device} device, int sensorType, _Out_ unsigned int *temp)`),
    limit: func(`int nvmlDeviceGetEnforcedPowerLimit(${device} device, _Out_ unsigned int *limit)`),
    mig: func(`int nvmlDeviceGetMigMode(${device} device, _Out_ unsigned int *currentMode, _Out_ unsigned int *pendingMode)`),
  };
  const { init, shutdown, errorString, count, handle, energy } = f;
  if (!init || !shutdown || !errorString || !count || !handle || !energy) {
    return { ok: false, reason: `${path} lacks ${missing.join(', ')}: not an NVML of this century` };
  }

  /** One call whose value comes back through a one-element out array. */
  const out = async <T>(fn: KoffiFunction | null, args: unknown[], map: (v: unknown) => T): Promise<NvmlValue<T>> => {
    if (!fn) return { ok: false, code: NVML_ERROR_FUNCTION_NOT_FOUND };
    const slot: unknown[] = [0];
    const code = await callAsync(fn, ...args, slot);
    return code === NVML_SUCCESS ? { ok: true, value: map(slot[0]) } : { ok: false, code };
  };
  /** One call that fills a buffer. */
  const fill = async <T>(fn: KoffiFunction | null, args: (buf: Buffer) => unknown[], bytes: number, map: (buf: Buffer) => T): Promise<NvmlValue<T>> => {
    if (!fn) return { ok: false, code: NVML_ERROR_FUNCTION_NOT_FOUND };
    const buf = Buffer.alloc(bytes);
    const code = await callAsync(fn, ...args(buf));
    return code === NVML_SUCCESS ? { ok: true, value: map(buf) } : { ok: false, code };
  };

  const api: NvmlApi = {
    init: () => callAsync(init),
    shutdown: () => callAsync(shutdown),
    errorString: (code) => String(errorString(code) ?? `NVML error ${code}`),
    deviceCount: () => out(count, [], asNumber),
    deviceHandle: (index) => out(handle, [index], (v) => v as NvmlDevice),
    name: (d) => fill(f.name, (b) => [d, b, TEXT_BYTES], TEXT_BYTES, (b) => cString(b)),
    uuid: (d) => fill(f.uuid, (b) => [d, b, TEXT_BYTES], TEXT_BYTES, (b) => cString(b)),
    pciBusId: (d) => fill(f.pci, (b) => [d, b], PCI_INFO_BYTES, (b) => cString(b, PCI_BUS_ID_OFFSET)),
    totalEnergyMj: (d) => out(energy, [d], asNumber),
    powerUsageMw: (d) => out(f.power, [d], asNumber),
    // nvmlUtilization_t is { unsigned int gpu; unsigned int memory; }: the first unsigned int, in the host's byte order.
    utilizationGpuPct: (d) => fill(f.utilization, (b) => [d, b], 8, (b) => new Uint32Array(b.buffer, b.byteOffset, 1)[0] as number),
    smClockMhz: (d) => out(f.clock, [d, NVML_CLOCK_SM], asNumber),
    temperatureC: (d) => out(f.temperature, [d, NVML_TEMPERATURE_GPU], asNumber),
    enforcedPowerLimitMw: (d) => out(f.limit, [d], asNumber),
    migMode: async (d) => {
      if (!f.mig) return { ok: false, code: NVML_ERROR_FUNCTION_NOT_FOUND };
      const current: unknown[] = [0];
      const pending: unknown[] = [0];
      const code = await callAsync(f.mig, d, current, pending);
      return code === NVML_SUCCESS ? { ok: true, value: asNumber(current[0]) } : { ok: false, code };
    },
  };
  return { ok: true, api };
}

let loads = 0;
