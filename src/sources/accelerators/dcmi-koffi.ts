import { callAsync, importKoffi, type Koffi, type KoffiFunction } from '../io/koffi.js';
import type { DcmiApi, DcmiDeviceIds, DcmiValue } from './dcmi-api.js';
import { DCMI_ERR_CODE_NOT_SUPPORT, DCMI_OK } from './dcmi-codes.js';

/**
 * The {@link DcmiApi} over `libdcmi.so` through koffi. Every call runs with koffi's `.async()`, on a libuv worker
 * thread, so a slow driver never holds the event loop; the caller keeps at most one in flight (`FfiLane`).
 */

/** Room for the card list: an Atlas host has at most 16 cards; 64 leaves margin. */
const MAX_CARDS = 64;

/** Loads koffi and the library at `path`, or says why it cannot. */
export async function loadDcmiLibrary(path: string): Promise<{ ok: true; api: DcmiApi } | { ok: false; reason: string }> {
  const imported = await importKoffi('DCMI');
  if (!imported.ok) return imported;
  let lib: ReturnType<Koffi['load']>;
  try {
    lib = imported.koffi.load(path);
  } catch (err) {
    return { ok: false, reason: `cannot load ${path}: ${err instanceof Error ? err.message : String(err)}` };
  }
  const missing: string[] = [];
  const func = (signature: string, record = true): KoffiFunction | null => {
    try {
      return lib.func(signature);
    } catch {
      if (record) missing.push(/ (\w+)\(/.exec(signature)?.[1] ?? signature);
      return null;
    }
  };
  const f = {
    init: func('int dcmi_init(void)'),
    // Older libraries name the card list call dcmi_get_card_list; both have this signature.
    cards:
      func('int dcmi_get_card_num_list(_Out_ int *card_num, _Out_ uint8_t *card_list, int list_len)', false) ??
      func('int dcmi_get_card_list(_Out_ int *card_num, _Out_ uint8_t *card_list, int list_len)'),
    ids: func('int dcmi_get_device_id_in_card(int card_id, _Out_ int *device_id_max, _Out_ int *mcu_id, _Out_ int *cpu_id)'),
    power: func('int dcmi_get_device_power_info(int card_id, int device_id, _Out_ int *power)'),
    utilization: func('int dcmi_get_device_utilization_rate(int card_id, int device_id, int input_type, _Out_ unsigned int *utilization_rate)', false),
    temperature: func('int dcmi_get_device_temperature(int card_id, int device_id, _Out_ int *temperature)', false),
  };
  const { init, cards, ids, power } = f;
  if (!init || !cards || !ids || !power) return { ok: false, reason: `${path} lacks ${missing.join(', ')}: not a DCMI library wattbench can use` };

  /** One call whose value comes back through a one-element out array. */
  const out = async (fn: KoffiFunction | null, args: unknown[]): Promise<DcmiValue<number>> => {
    if (!fn) return { ok: false, code: DCMI_ERR_CODE_NOT_SUPPORT };
    const slot: unknown[] = [0];
    const code = await callAsync(fn, ...args, slot);
    return code === DCMI_OK ? { ok: true, value: Number(slot[0]) } : { ok: false, code };
  };

  const api: DcmiApi = {
    init: () => callAsync(init),
    cardList: async () => {
      const count: unknown[] = [0];
      const list = Buffer.alloc(4 * MAX_CARDS);
      const code = await callAsync(cards, count, list, MAX_CARDS);
      if (code !== DCMI_OK) return { ok: false, code };
      const n = Math.max(0, Math.min(MAX_CARDS, Number(count[0])));
      // int card_list[]: host byte order, as the library wrote it.
      const ints = new Int32Array(list.buffer, list.byteOffset, MAX_CARDS);
      return { ok: true, value: Array.from(ints.subarray(0, n)) };
    },
    deviceIds: async (card) => {
      const max: unknown[] = [0];
      const mcu: unknown[] = [-1];
      const cpu: unknown[] = [-1];
      const code = await callAsync(ids, card, max, mcu, cpu);
      if (code !== DCMI_OK) return { ok: false, code };
      const value: DcmiDeviceIds = { deviceIdMax: Number(max[0]), mcuId: Number(mcu[0]), cpuId: Number(cpu[0]) };
      return { ok: true, value };
    },
    powerDeciW: (card, device) => out(power, [card, device]),
    utilizationPct: (card, device, type) => out(f.utilization, [card, device, type]),
    temperatureC: (card, device) => out(f.temperature, [card, device]),
  };
  return { ok: true, api };
}
