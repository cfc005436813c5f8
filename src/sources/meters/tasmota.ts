import { monotonicS } from '../../units.js';
import { httpGet, safeUrl } from '../io/http.js';
import type { MeterTimings } from './types.js';
import { PlugPoller } from '../io/plug-poller.js';
import { firstLine } from '../io/tool.js';
import type { CounterSource, GaugeSource, Probe, ReadResult, SourceContext, SourceInfo } from '../types.js';

/**
 * Tasmota smart plugs over HTTP (power-interfaces.md §11.2): `GET /cm?cmnd=Status%208`, one poller per plug feeding
 * two sources. Energy comes from the power gauge `ENERGY.Power` (W) under the bare id `tasmota:<host>`: `ENERGY.Total`
 * (kWh) moves in 1 Wh steps at the default `EnergyRes`, 3600 J, which a 100 W machine needs 36 s to move by one, so
 * the counter only mirrors it as `tasmota:<host>:energy` (kept for long runs and cross-checks, never added to a total).
 */

/** What one Status 8 answer says; null where a field was absent or unusable. */
export interface TasmotaReading {
  /** Active power in watts, summed over channels (phases), or null. */
  powerW: number | null;
  /** Cumulative energy in kWh, summed over channels when the device gives one per channel, or null. */
  energyKWh: number | null;
  /** Number of power channels (1 for the plain number form). */
  channels: number;
}

/** No plug carries a megawatt: a bigger power value is garbage, not a reading. */
const MAX_POWER_W = 1e6;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function jsonObject(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return isObject(v) ? v : null;
  } catch {
    return null;
  }
}

/** Sums a number or an array of numbers (multi-channel devices), each within [0, max]; null if any is unusable. */
function sumOf(v: unknown, max: number): { sum: number; n: number } | null {
  const list = Array.isArray(v) ? (v as unknown[]) : [v];
  if (list.length === 0) return null;
  let sum = 0;
  for (const x of list) {
    if (typeof x !== 'number' || !Number.isFinite(x) || x < 0 || x > max) return null;
    sum += x;
  }
  return { sum, n: list.length };
}

/**
 * Parses a `Status 8` answer (`StatusSNS.ENERGY`; a bare `ENERGY` as in telemetry is accepted too): `Power` W and
 * `Total` kWh, a single value or one per channel; null when the text is not a JSON object.
 */
export function parseTasmotaStatus8(text: string): TasmotaReading | null {
  const o = jsonObject(text);
  if (!o) return null;
  const sns = isObject(o.StatusSNS) ? o.StatusSNS : o;
  const energy = sns.ENERGY;
  if (!isObject(energy)) return { powerW: null, energyKWh: null, channels: 0 };
  const power = sumOf(energy.Power, MAX_POWER_W);
  const total = sumOf(energy.Total, Number.MAX_SAFE_INTEGER);
  return { powerW: power?.sum ?? null, energyKWh: total?.sum ?? null, channels: power?.n ?? 0 };
}

/** Returns the `WARNING` a Tasmota answers instead of data (a web password is set and none or a wrong one was given), or null. */
export function tasmotaWarning(text: string): string | null {
  const o = jsonObject(text);
  return o && typeof o.WARNING === 'string' ? firstLine(o.WARNING).slice(0, 120) : null;
}

/** The Status 8 URL; credentials from the environment go in `user`/`password` query parameters, as Tasmota's API wants. */
function statusUrl(baseUrl: string, env: NodeJS.ProcessEnv): { url: string; hasCredentials: boolean } {
  const password = env.WATTBENCH_TASMOTA_PASSWORD;
  const base = `${baseUrl}/cm?cmnd=Status%208`;
  if (password === undefined || password === '') return { url: base, hasCredentials: false };
  const user = env.WATTBENCH_TASMOTA_USER || 'admin';
  return { url: `${base}&user=${encodeURIComponent(user)}&password=${encodeURIComponent(password)}`, hasCredentials: true };
}

type Answer = { ok: true; reading: TasmotaReading } | { ok: false; reason: string; state: 'permission' | 'error' };

async function ask(url: string, hasCredentials: boolean, timeoutMs: number): Promise<Answer> {
  const where = safeUrl(url);
  const r = await httpGet(url, { timeoutMs });
  if (!r.ok) return { ok: false, reason: r.reason, state: 'error' };
  const warning = tasmotaWarning(r.body);
  if (r.status === 401 || r.status === 403 || warning !== null) {
    const said = warning ? `: ${JSON.stringify(warning)}` : ` (HTTP ${r.status})`;
    return {
      ok: false,
      state: 'permission',
      reason: hasCredentials
        ? `${where} refused the credentials from WATTBENCH_TASMOTA_USER/WATTBENCH_TASMOTA_PASSWORD${said}`
        : `${where} has a web password${said}`,
    };
  }
  if (r.status !== 200) return { ok: false, reason: `${where} answered HTTP ${r.status}`, state: 'error' };
  const reading = parseTasmotaStatus8(r.body);
  if (!reading) return { ok: false, reason: `${where} answered something that is not a JSON object: ${JSON.stringify(firstLine(r.body).slice(0, 60))}`, state: 'error' };
  if (reading.powerW === null) {
    return {
      ok: false,
      state: 'error',
      reason:
        reading.channels === 0 && reading.energyKWh === null
          ? `${where} reports no StatusSNS.ENERGY: this Tasmota has no power monitoring configured`
          : `${where} gave no usable ENERGY.Power`,
    };
  }
  return { ok: true, reading };
}

/**
 * Probes a Tasmota plug at `baseUrl` (`http://HOST`) with one Status 8 request; returns the power gauge that counts
 * and the `Total` counter that mirrors it (state `ok`), or one probe saying why the plug cannot be used.
 */
export async function probeTasmota(ctx: SourceContext, baseUrl: string, timings: MeterTimings, id = `tasmota:${hostOf(baseUrl) ?? 'invalid'}`): Promise<Probe[]> {
  const info: SourceInfo = { id, kind: 'gauge', scope: 'system-wall', quality: 'measured', description: `Tasmota plug at ${safeUrl(baseUrl)}` };
  // httpGet quotes an invalid URL whole, and this one would carry the password.
  if (hostOf(baseUrl) === null) return [{ info, state: 'error', reason: 'not a valid plug URL', fix: null }];
  const { url, hasCredentials } = statusUrl(baseUrl, ctx.env);
  const first = await ask(url, hasCredentials, timings.timeoutMs);
  if (!first.ok) {
    return [
      {
        info,
        state: first.state,
        reason: first.reason,
        fix:
          first.state === 'permission'
            ? hasCredentials
              ? "check the web password set on the plug (Configuration > Other > Web Admin Password)"
              : "export WATTBENCH_TASMOTA_USER=admin WATTBENCH_TASMOTA_PASSWORD='<the plug's web password>'"
            : null,
      },
    ];
  }
  return plugProbes(url, hasCredentials, id, timings, first.reading);
}

function hostOf(baseUrl: string): string | null {
  try {
    return new URL(baseUrl).host;
  } catch {
    return null;
  }
}

function plugProbes(url: string, hasCredentials: boolean, id: string, timings: MeterTimings, first: TasmotaReading): Probe[] {
  const pollOnce = async (): Promise<ReadResult<TasmotaReading>> => {
    const t0 = monotonicS();
    const a = await ask(url, hasCredentials, timings.timeoutMs);
    // The plug read its meter somewhere inside the request; the midpoint halves the worst timing error.
    return a.ok ? { ok: true, value: a.reading, atS: (t0 + monotonicS()) / 2 } : { ok: false, reason: a.reason };
  };
  const plug = new PlugPoller(pollOnce, { periodMs: timings.periodMs, staleAfterS: timings.staleAfterS });
  const where = safeUrl(url);
  const field = (pick: (r: TasmotaReading) => number | null, what: string) => plug.reader(pick, `the last answer of ${where} had no usable ${what}`);

  const periodS = timings.periodMs / 1000;
  const channels = first.channels > 1 ? ` (sum of ${first.channels} channels)` : '';
  const common = {
    scope: 'system-wall' as const,
    quality: 'measured' as const,
    // Tasmota refreshes its energy readings about once per second and is polled once per period.
    updatePeriodS: Math.max(1, periodS),
    minIntervalS: periodS / 2,
  };
  const gaugeInfo: SourceInfo & { kind: 'gauge' } = {
    ...common,
    id,
    kind: 'gauge',
    description: `StatusSNS.ENERGY.Power${channels} from ${where} (Tasmota Status 8), W, instantaneous as the plug reports it (often whole watts), polled every ${periodS} s`,
  };
  const gaugeHolder = plug.holder();
  const gauge: GaugeSource = { info: gaugeInfo, read: field((r) => r.powerW, 'ENERGY.Power'), start: gaugeHolder.start, close: gaugeHolder.close };
  const gaugeProbe: Probe = { info: gaugeInfo, state: 'ok', reason: `${first.powerW} W now; energy integrated from power`, fix: null, source: gauge };
  if (first.energyKWh === null) return [gaugeProbe];
  const counterInfo: SourceInfo & { kind: 'counter' } = {
    ...common,
    id: `${id}:energy`,
    kind: 'counter',
    description: `StatusSNS.ENERGY.Total from ${where} (Tasmota Status 8), cumulative kWh, polled every ${periodS} s`,
    joulesPerUnit: 3.6e6,
    // EnergyReset or a new TotalStartTime sets the total back: a decrease is a reset, never a wrap.
    maxRange: null,
    duplicateOf: id,
  };
  const counterHolder = plug.holder();
  const counter: CounterSource = { info: counterInfo, read: field((r) => r.energyKWh, 'ENERGY.Total'), start: counterHolder.start, close: counterHolder.close };
  gaugeProbe.reason += `; ${counterInfo.id} mirrors it`;
  return [
    gaugeProbe,
    { info: counterInfo, state: 'ok', reason: `mirrors ${id}: ENERGY.Total moves in 1 Wh steps by default, too coarse for short windows`, fix: null, source: counter },
  ];
}
