import type { DcmiApi, DcmiDeviceIds, DcmiValue } from '../../../src/sources/accelerators/dcmi-api.js';

/** One NPU chip of the fake: power in W (answered in 0.1 W as DCMI does) or a return code, AI Core %, °C. */
export interface FakeChip {
  powerW?: number;
  powerCode?: number;
  aicorePct?: number;
  aicoreCode?: number;
  temperatureC?: number;
}

const ok = <T>(value: T): DcmiValue<T> => ({ ok: true, value });
const fail = (code: number): DcmiValue<never> => ({ ok: false, code });

/**
 * A JavaScript DCMI with the seam's interface, for the logic behind the koffi binding: cards of chips set by the
 * test, return codes per call, and power calls that can be made to hang.
 */
export class FakeDcmi implements DcmiApi {
  initCode = 0;
  cardListCode = 0;
  /** Card id → its NPU chips (the MCU follows them). */
  cards: Map<number, FakeChip[]>;
  /** Card id → return code of dcmi_get_device_id_in_card. */
  idsCodes = new Map<number, number>();
  /** While set, power calls never return (a hung driver). */
  hangPower = false;
  /** Every call made, in order. */
  readonly calls: string[] = [];

  constructor(cards: Array<[number, FakeChip[]]> = [[0, [{ powerW: 95.5, aicorePct: 42, temperatureC: 48 }]], [1, [{ powerW: 71.2, aicorePct: 3, temperatureC: 41 }]]]) {
    this.cards = new Map(cards);
  }

  private chip(card: number, device: number): FakeChip | null {
    return this.cards.get(card)?.[device] ?? null;
  }

  async init(): Promise<number> {
    this.calls.push('dcmi_init');
    return this.initCode;
  }

  async cardList(): Promise<DcmiValue<number[]>> {
    this.calls.push('dcmi_get_card_num_list');
    return this.cardListCode === 0 ? ok([...this.cards.keys()]) : fail(this.cardListCode);
  }

  async deviceIds(card: number): Promise<DcmiValue<DcmiDeviceIds>> {
    this.calls.push(`dcmi_get_device_id_in_card(${card})`);
    const code = this.idsCodes.get(card) ?? 0;
    const chips = this.cards.get(card);
    if (code !== 0) return fail(code);
    if (!chips) return fail(-8007);
    return ok({ deviceIdMax: chips.length, mcuId: chips.length, cpuId: -1 });
  }

  async powerDeciW(card: number, device: number): Promise<DcmiValue<number>> {
    this.calls.push(`dcmi_get_device_power_info(${card},${device})`);
    if (this.hangPower) return new Promise(() => {});
    const chip = this.chip(card, device);
    if (!chip) return fail(-8001);
    if (chip.powerCode) return fail(chip.powerCode);
    return chip.powerW === undefined ? fail(-8255) : ok(Math.round(chip.powerW * 10));
  }

  async utilizationPct(card: number, device: number, inputType: number): Promise<DcmiValue<number>> {
    this.calls.push(`dcmi_get_device_utilization_rate(${card},${device},${inputType})`);
    const chip = this.chip(card, device);
    if (!chip || inputType !== 2) return fail(-8001);
    if (chip.aicoreCode) return fail(chip.aicoreCode);
    return chip.aicorePct === undefined ? fail(-8255) : ok(chip.aicorePct);
  }

  async temperatureC(card: number, device: number): Promise<DcmiValue<number>> {
    this.calls.push(`dcmi_get_device_temperature(${card},${device})`);
    const chip = this.chip(card, device);
    if (!chip) return fail(-8001);
    return chip.temperatureC === undefined ? fail(-8255) : ok(chip.temperatureC);
  }
}
