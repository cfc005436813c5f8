import { systemClock, type Clock } from '../../clock.js';
import type { EstimateOptions } from './estimate-model.js';
import { chooseModel } from './estimate-model.js';
import type { CounterSource, CpuTimes, Probe, ReadResult, SourceInfo } from '../types.js';

/** The estimate source: system utilization through a power model, accumulated as a counter of modelled joules. */

/** Probes the estimate: usable whenever system CPU times can be read. */
export async function probeEstimate(
  readTimes: () => Promise<ReadResult<CpuTimes>>,
  options: EstimateOptions,
  fallbackCpus: number,
  /** Clock the modelled joules accumulate on (tests drive a manual one). */
  clock: Clock = systemClock,
): Promise<Probe> {
  const first = await readTimes();
  const cpus = first.ok ? (first.value.cpus ?? fallbackCpus) : fallbackCpus;
  const model = chooseModel(options, cpus);
  const info: SourceInfo = {
    id: 'estimate:cpu',
    kind: 'counter',
    scope: 'cpu-package',
    quality: 'estimated',
    description: `ESTIMATE, not a measurement: system CPU utilization x model ${model.id} (${describe(model.params)})`,
    joulesPerUnit: 1,
    maxRange: null,
    model: { id: model.id, params: model.params },
  };
  if (!first.ok) return { info, state: 'error', reason: `cannot read CPU utilization: ${first.reason}`, fix: null };

  // Σ dt·P(u) over the reads (as Eco-CI does), kept as a cumulative counter so windows difference it like RAPL.
  let energyJ = 0;
  let prev: { times: CpuTimes; atS: number } | null = { times: first.value, atS: clock.nowS() };
  let lastUtil = 0;
  const source: CounterSource = {
    info: { ...info, kind: 'counter' },
    async read() {
      const r = await readTimes();
      const atS = clock.nowS();
      if (!r.ok) return { ok: false, reason: r.reason };
      if (prev) {
        const dTotal = (r.value.totalS ?? 0) - (prev.times.totalS ?? 0);
        const dBusy = r.value.busyS - prev.times.busyS;
        // Ticks are 10 ms: two reads within one tick carry no new information, so the last utilization holds.
        if (dTotal > 0) lastUtil = Math.min(1, Math.max(0, dBusy / dTotal));
        energyJ += model.powerW(lastUtil) * Math.max(0, atS - prev.atS);
      }
      prev = { times: r.value, atS };
      return { ok: true, value: energyJ, atS };
    },
  };
  return { info, state: 'ok', reason: 'no readable power sensor in use: energy is modelled from CPU utilization', fix: null, source };
}

function describe(params: Record<string, string | number>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}
