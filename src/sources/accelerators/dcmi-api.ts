import type { FfiValue } from '../io/ffi-lane.js';

/**
 * The seam between wattbench and Huawei's DCMI (`libdcmi.so`): the few calls it makes, each asynchronous, answering
 * the value or DCMI's return code (0 is success, failures are negative: -8002 not permitted…). The koffi binding
 * (`dcmi-koffi.ts`) implements it over the library; tests implement it in JavaScript.
 */

/** What one DCMI call gives: its value, or the non-zero return code. */
export type DcmiValue<T> = FfiValue<T>;

/** `dcmi_get_device_id_in_card`: NPU chips are device ids 0 … `deviceIdMax` - 1; the MCU and CPU ids (or -1). */
export interface DcmiDeviceIds {
  deviceIdMax: number;
  mcuId: number;
  cpuId: number;
}

/** `input_type` of `dcmi_get_device_utilization_rate` for AI Core (DCMI API reference: 1 memory, 2 AI Core, 3 AI CPU…). */
export const DCMI_UTILIZATION_AICORE = 2;

/** The DCMI calls wattbench makes, in the units DCMI reports. */
export interface DcmiApi {
  /** `dcmi_init`: the return code. */
  init(): Promise<number>;
  /** `dcmi_get_card_num_list` (or `dcmi_get_card_list`): the card ids. */
  cardList(): Promise<DcmiValue<number[]>>;
  /** `dcmi_get_device_id_in_card`. */
  deviceIds(cardId: number): Promise<DcmiValue<DcmiDeviceIds>>;
  /** `dcmi_get_device_power_info`: power in units of 0.1 W (not for the MCU chip). */
  powerDeciW(cardId: number, deviceId: number): Promise<DcmiValue<number>>;
  /** `dcmi_get_device_utilization_rate`: percent, of the unit `inputType` names. */
  utilizationPct(cardId: number, deviceId: number, inputType: number): Promise<DcmiValue<number>>;
  /** `dcmi_get_device_temperature`: °C. */
  temperatureC(cardId: number, deviceId: number): Promise<DcmiValue<number>>;
}
