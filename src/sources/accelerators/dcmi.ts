import { systemClock, type Clock } from '../../clock.js';
import { FfiLane, type LaneResult } from '../io/ffi-lane.js';
import { SharedPoller } from '../io/poller.js';
import type { LibraryProbeResult } from './library-first.js';
import type { GaugeSource, Probe, ProbeState, ReadResult, SourceContext, SourceInfo, TemperatureSource, UtilizationSource } from '../types.js';
import { DCMI_UTILIZATION_AICORE, type DcmiApi, type DcmiValue } from './dcmi-api.js';
import { classifyDcmi, DCMI_OK } from './dcmi-codes.js';
import { loadDcmiLibrary } from './dcmi-koffi.js';
import { findDcmi } from './dcmi-locate.js';

/**
 * Huawei Ascend NPUs through DCMI (`libdcmi.so`), called directly: each NPU chip's power (units of 0.1 W, an
 * instantaneous gauge: DCMI has no energy counter), AI Core busy % and temperature, all polled together by one
 * background poller through one lane, so the sampler reads the last poll at once. Ids are npu-smi's (`npu:0`,
 * `npu:0:aicore`; `npu:0:1` for chip 1 of a multi-chip card), so runs compare across the two paths.
 *
 * Counting rule, as with npu-smi: an Atlas A3 / 910C card holds two NPU chips in one module (device ids 0 and 1, the
 * MCU is 2). Where only one chip answers the power call, its gauge is the module's and the other chip is `absent`,
 * counted there; where both answer with the same reading at probe time, the module's power is reported on both, so
 * the second is a `duplicateOf` the first and never enters a total.
 */

/** Options of the DCMI probe. */
export interface DcmiOptions {
  /** Path of the library (default: `WATTBENCH_DCMI_LIBRARY`, else `libdcmi.so` found as the loader finds it); `off` turns DCMI off. */
  library?: string;
  /** A DCMI to call instead of loading the library (the tests' JavaScript fake); `library` is then not looked at. */
  api?: DcmiApi;
  /** Longest wait for one call while probing (default 10000 ms: dcmi_init opens every device). */
  probeTimeoutMs?: number;
  /** Longest wait for one call while polling (default 1000 ms). */
  readTimeoutMs?: number;
  /** Time and timers of the deadlines and the poll (default the system clock). */
  clock?: Clock;
}

/** The DCMI probe's outcome: its probes, or why DCMI cannot be used at all (then npu-smi is tried). */
export type DcmiProbeResult = LibraryProbeResult;

export { DCMI_DIRS, DCMI_LIBRARY_ENV, DCMI_SONAME } from './dcmi-locate.js';

/** Shortest poll period: DCMI calls take milliseconds, but the chip's power is not refreshed faster than this. */
const MIN_PERIOD_MS = 100;

type Failure = Extract<LaneResult<unknown>, { ok: false }>;
type Unusable = { state: Exclude<ProbeState, 'ok'>; reason: string; fix: string | null };

function why(failure: Failure, what: string): Unusable {
  if (failure.code === null) return { state: 'error', reason: failure.reason, fix: null };
  const c = classifyDcmi(failure.code, what);
  return { state: c.state as Exclude<ProbeState, 'ok'>, reason: c.reason ?? what, fix: c.fix };
}

/** One value the poll reads: a chip's power (W), AI Core % or temperature. */
interface Target {
  id: string;
  what: string;
  call: () => Promise<DcmiValue<number>>;
}

/** One poll's values by source id, and why the missing ones are missing. */
interface Snapshot {
  values: Map<string, number>;
  reasons: Map<string, string>;
}

const watts = (r: DcmiValue<number>): DcmiValue<number> => (r.ok ? { ok: true, value: r.value / 10 } : r);

/** Probes DCMI: loads and initialises it, then per NPU chip a power gauge, AI Core utilization and temperature. */
export async function probeDcmi(ctx: SourceContext, options: DcmiOptions = {}): Promise<DcmiProbeResult> {
  let api = options.api;
  let from = 'DCMI';
  if (!api) {
    const where = await findDcmi(ctx.env, options.library);
    if (!where.found) return { usable: false, state: 'absent', reason: where.reason, fix: null };
    const loaded = await loadDcmiLibrary(where.path);
    if (!loaded.ok) return { usable: false, state: 'error', reason: loaded.reason, fix: null };
    api = loaded.api;
    from = `DCMI (${where.path})`;
  }
  const dcmi = api;
  const clock = options.clock ?? systemClock;
  const lane = new FfiLane('DCMI', clock);
  const probeTimeoutMs = options.probeTimeoutMs ?? 10_000;
  const readTimeoutMs = options.readTimeoutMs ?? 1000;
  const ask = <T>(what: string, call: () => Promise<DcmiValue<T>>): Promise<LaneResult<T>> => lane.call(what, call, probeTimeoutMs);

  const init = await ask('dcmi_init', async (): Promise<DcmiValue<number>> => {
    const code = await dcmi.init();
    return code === DCMI_OK ? { ok: true, value: 0 } : { ok: false, code };
  });
  if (!init.ok) return { usable: false, ...why(init, 'dcmi_init') };
  const cards = await ask('dcmi_get_card_num_list', () => dcmi.cardList());
  if (!cards.ok) return { usable: false, ...why(cards, 'dcmi_get_card_num_list') };
  if (cards.value.length === 0) return { usable: false, state: 'absent', reason: 'DCMI lists no NPU card', fix: null };

  const probes: Probe[] = [];
  const targets: Target[] = [];
  /** Usable probes and the target that feeds each, given their source once the poller exists. */
  const usable: Array<{ probe: Probe; target: Target }> = [];
  const add = (info: SourceInfo, target: Target, reason: string | null = null): void => {
    const probe: Probe = { info, state: 'ok', reason, fix: null };
    probes.push(probe);
    targets.push(target);
    usable.push({ probe, target });
  };

  for (const card of cards.value) {
    const ids = await ask(`dcmi_get_device_id_in_card(${card})`, () => dcmi.deviceIds(card));
    const cardInfo: SourceInfo = { id: `npu:${card}`, kind: 'gauge', scope: 'npu', quality: 'measured', description: `Ascend NPU ${card} power (W) from ${from}` };
    if (!ids.ok) {
      probes.push({ info: cardInfo, ...why(ids, `NPU ${card}`) });
      continue;
    }
    const chips = Math.max(0, ids.value.deviceIdMax);
    if (chips === 0) {
      probes.push({ info: cardInfo, state: 'absent', reason: `DCMI lists no NPU chip on card ${card} (only its MCU)`, fix: null });
      continue;
    }
    const multi = chips > 1;
    const idOf = (chip: number): string => (multi ? `npu:${card}:${chip}` : `npu:${card}`);
    const where = (chip: number): string => `Ascend NPU ${card}${multi ? ` chip ${chip}` : ''}`;

    // Power: every chip asked once now, to apply the counting rule.
    const powers: Array<LaneResult<number>> = [];
    for (let chip = 0; chip < chips; chip += 1) {
      powers.push(await ask(`the power of ${where(chip)}`, async () => watts(await dcmi.powerDeciW(card, chip))));
    }
    const covering = powers.findIndex((p) => p.ok);
    const coveringValue = covering >= 0 ? (powers[covering] as { value: number }).value : null;
    const silent = powers.map((p, chip) => (p.ok ? -1 : chip)).filter((c) => c >= 0);
    for (let chip = 0; chip < chips; chip += 1) {
      const p = powers[chip] as LaneResult<number>;
      const id = idOf(chip);
      const base: SourceInfo = { id, kind: 'gauge', scope: 'npu', quality: 'measured', description: `${where(chip)} power (W, instantaneous, 0.1 W steps) from ${from}` };
      const what = `the power of ${where(chip)}`;
      if (!p.ok) {
        if (covering >= 0) {
          const reason = `${why(p, what).reason}: DCMI reports one power per module, on chip ${covering}, so this chip is counted in ${idOf(covering)} (not added again)`;
          probes.push({ info: base, state: 'absent', reason, fix: null });
        } else probes.push({ info: base, ...why(p, what) });
        continue;
      }
      const target: Target = { id, what, call: async () => watts(await dcmi.powerDeciW(card, chip)) };
      if (chip !== covering && p.value === coveringValue) {
        const info: SourceInfo = { ...base, duplicateOf: idOf(covering), description: `${base.description}; the same reading as chip ${covering}: the module's power, counted once in ${idOf(covering)}` };
        add(info, target, `reads the module's power, as ${idOf(covering)} does: a mirror, never added to a total`);
        continue;
      }
      const module = chip === covering && silent.length > 0;
      const description = module ? `${where(chip)} power of the whole module (chips ${[chip, ...silent].join(' and ')}) (W, instantaneous, 0.1 W steps) from ${from}` : base.description;
      const reason = !module ? null : silent.length > 1 ? `chips ${silent.join(' and ')} show no power of their own and are counted here` : `chip ${silent[0]} shows no power of its own and is counted here`;
      add({ ...base, description }, target, reason);
    }

    for (let chip = 0; chip < chips; chip += 1) {
      const telemetry: Array<[string, 'utilization' | 'temperature', string, () => Promise<DcmiValue<number>>]> = [
        ['aicore', 'utilization', 'AI Core busy %', () => dcmi.utilizationPct(card, chip, DCMI_UTILIZATION_AICORE)],
        ['temp', 'temperature', 'temperature (°C)', () => dcmi.temperatureC(card, chip)],
      ];
      for (const [suffix, kind, label, call] of telemetry) {
        const info: SourceInfo = { id: `${idOf(chip)}:${suffix}`, kind, scope: 'npu', quality: 'measured', description: `${where(chip)} ${label} from ${from}` };
        const what = `the ${label.replace(/ \(.*$/, '')} of ${where(chip)}`;
        const first = await ask(what, call);
        if (!first.ok) probes.push({ info, ...why(first, what) });
        else add(info, { id: info.id, what, call });
      }
    }
  }
  if (!usable.some(({ probe }) => probe.info.kind === 'gauge')) {
    // Without one power reading DCMI is no use for energy: npu-smi is tried instead, and told why.
    const failed = probes.find((p) => p.info.kind === 'gauge' && p.state !== 'ok');
    if (failed && failed.state !== 'ok') return { usable: false, state: failed.state, reason: `no NPU power readable: ${failed.reason ?? failed.state}`, fix: failed.fix };
    return { usable: false, state: 'absent', reason: 'DCMI gave no NPU power', fix: null };
  }

  const periodMs = Math.max(MIN_PERIOD_MS, ctx.intervalMs);
  // Stale only once a whole poll of slow but answering calls, and the wait after it, has passed.
  const staleAfterS = Math.max(3 * periodMs, targets.length * readTimeoutMs + 2 * periodMs) / 1000;
  const shared = new SharedPoller<Snapshot>(
    async () => {
      const snapshot: Snapshot = { values: new Map(), reasons: new Map() };
      let answered = false;
      for (const t of targets) {
        const r = await lane.call(t.what, t.call, readTimeoutMs);
        if (r.ok) snapshot.values.set(t.id, r.value);
        else snapshot.reasons.set(t.id, why(r, t.what).reason);
        answered ||= r.ok || r.code !== null;
      }
      // An answer (even a failure code) replaces the values at once; a lane that answered nothing leaves the last
      // good values in place until the poller calls them stale.
      if (answered) return { ok: true, value: snapshot };
      return { ok: false, reason: snapshot.reasons.values().next().value ?? 'DCMI gave no values' };
    },
    { periodMs, staleAfterS, clock },
    'not started: DCMI is polled only while measuring',
  );
  const periodS = periodMs / 1000;
  for (const { probe, target } of usable) {
    probe.info.minIntervalS = periodS;
    probe.info.description += `, polled every ${periodS} s`;
    if (probe.info.kind === 'gauge') probe.info.updatePeriodS = periodS;
    probe.source = polledSource(probe.info, target, shared);
  }
  return { usable: true, probes };
}

function polledSource(info: SourceInfo, target: Target, shared: SharedPoller<Snapshot>): GaugeSource | UtilizationSource | TemperatureSource {
  const holder = shared.holder();
  const methods = {
    async read(): Promise<ReadResult<number>> {
      const latest = shared.latest();
      if (!latest.ok) return latest;
      const value = latest.value.values.get(target.id);
      if (value === undefined) return { ok: false, reason: latest.value.reasons.get(target.id) ?? `DCMI gave no value for ${target.id}` };
      return { ok: true, value, atS: latest.atS };
    },
    start: holder.start,
    close: holder.close,
  };
  if (info.kind === 'utilization') return { info: { ...info, kind: 'utilization' }, ...methods };
  if (info.kind === 'temperature') return { info: { ...info, kind: 'temperature' }, ...methods };
  return { info: { ...info, kind: 'gauge' }, ...methods };
}
