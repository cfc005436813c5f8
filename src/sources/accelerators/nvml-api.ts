/**
 * The seam between wattbench and NVML: the few calls it makes, each asynchronous, answering the value or NVML's return
 * code. The koffi binding (`nvml-koffi.ts`) implements it over `libnvidia-ml.so.1`; tests implement it in JavaScript.
 */

import type { FfiValue } from '../io/ffi-lane.js';

/** What one NVML call gives: its value, or the non-zero `nvmlReturn_t` it returned. */
export type NvmlValue<T> = FfiValue<T>;

/** An `nvmlDevice_t` handle: opaque, only passed back to the calls that take one. */
export type NvmlDevice = unknown;

/** The NVML calls wattbench makes (nvml.h), in the units NVML reports. */
export interface NvmlApi {
  /** `nvmlInit_v2`: the return code (reference counted by NVML, paired with `shutdown`). */
  init(): Promise<number>;
  /** `nvmlShutdown`: the return code. */
  shutdown(): Promise<number>;
  /** `nvmlErrorString`: the library's words for a return code (a table lookup, it never reaches the driver). */
  errorString(code: number): string;
  /** `nvmlDeviceGetCount_v2`. */
  deviceCount(): Promise<NvmlValue<number>>;
  /** `nvmlDeviceGetHandleByIndex_v2`. */
  deviceHandle(index: number): Promise<NvmlValue<NvmlDevice>>;
  /** `nvmlDeviceGetName`. */
  name(device: NvmlDevice): Promise<NvmlValue<string>>;
  /** `nvmlDeviceGetUUID` (`GPU-…`, or `MIG-…` for an instance). */
  uuid(device: NvmlDevice): Promise<NvmlValue<string>>;
  /** `nvmlDeviceGetPciInfo_v3`: the `busId` field (`00000000:3B:00.0`). */
  pciBusId(device: NvmlDevice): Promise<NvmlValue<string>>;
  /** `nvmlDeviceGetTotalEnergyConsumption`: millijoules since the driver was last loaded (Volta and newer). */
  totalEnergyMj(device: NvmlDevice): Promise<NvmlValue<number>>;
  /** `nvmlDeviceGetPowerUsage`: board power in milliwatts. */
  powerUsageMw(device: NvmlDevice): Promise<NvmlValue<number>>;
  /** `nvmlDeviceGetUtilizationRates`: the `gpu` field, percent of time a kernel ran over the last sample period. */
  utilizationGpuPct(device: NvmlDevice): Promise<NvmlValue<number>>;
  /** `nvmlDeviceGetClockInfo(NVML_CLOCK_SM)`: MHz. */
  smClockMhz(device: NvmlDevice): Promise<NvmlValue<number>>;
  /** `nvmlDeviceGetTemperature(NVML_TEMPERATURE_GPU)`: °C. */
  temperatureC(device: NvmlDevice): Promise<NvmlValue<number>>;
  /** `nvmlDeviceGetEnforcedPowerLimit`: milliwatts. */
  enforcedPowerLimitMw(device: NvmlDevice): Promise<NvmlValue<number>>;
  /** `nvmlDeviceGetMigMode`: the current mode (1 enabled); `NVML_ERROR_FUNCTION_NOT_FOUND` from a library without it. */
  migMode(device: NvmlDevice): Promise<NvmlValue<number>>;
}
