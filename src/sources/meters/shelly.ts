import { monotonicS } from '../../units.js';
import { httpGet, safeUrl, type HttpOptions } from '../io/http.js';
import type { MeterTimings } from './types.js';
import { PlugPoller } from '../io/plug-poller.js';
import { firstLine } from '../io/tool.js';
import type { CounterSource, GaugeSource, Probe, ReadResult, SourceContext, SourceInfo } from '../types.js';

/**
 * Shelly smart plugs over their local HTTP API (power-interfaces.md §11.1): Gen2+ RPC `Switch.GetStatus`, and Gen1
 * `/status` when the RPC path is missing. One poller per plug feeds two sources: the energy counter (Gen2+: `aenergy.total`
 * in Wh, 1 mWh steps) is the one that counts, under the bare id `shelly:<host>`, and the power gauge mirrors it as
 * `shelly:<host>:power`. Gen1 counts whole watt-minutes (60 J steps, too coarse for short windows), so there the gauge
 * counts under the bare id and the counter mirrors it as `shelly:<host>:energy`.
 */

/** What one answer of a Shelly says; null where a field was absent or unusable. */
export interface ShellyReading {
  /** Active power in watts, or null on a device that does not meter (or sent garbage). */
  powerW: number | null;
  /** Cumulative energy in the generation's raw unit (Gen2+: Wh; Gen1: watt-minutes), or null. */
  energy: number | null;
}

/** No plug carries a megawatt: a bigger power value is garbage, not a reading. */
const MAX_POWER_W = 1e6;

function jsonObject(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const powerOf = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= MAX_POWER_W ? v : null);
const energyOf = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= Number.MAX_SAFE_INTEGER ? v : null;

/** Parses a Gen2+ `Switch.GetStatus` answer (`apower` W, `aenergy.total` Wh); null when the text is not a JSON object. */
export function parseShellyGen2(text: string): ShellyReading | null {
  const o = jsonObject(text);
  if (!o) return null;
  return { powerW: powerOf(o.apower), energy: isObject(o.aenergy) ? energyOf(o.aenergy.total) : null };
}

/** Parses a Gen1 `/status` answer (`meters[0].power` W, `meters[0].total` watt-minutes); null when not a JSON object. */
export function parseShellyGen1(text: string): ShellyReading | null {
  const o = jsonObject(text);
  if (!o) return null;
  const meter = Array.isArray(o.meters) ? (o.meters[0] as unknown) : undefined;
  // is_valid false means the plug's own self-check distrusts its meter.
  if (!isObject(meter) || meter.is_valid === false) return { powerW: null, energy: null };
  return { powerW: powerOf(meter.power), energy: energyOf(meter.total) };
}

interface Generation {
  name: 'Gen2+' | 'Gen1';
  path: string;
  parse(text: string): ShellyReading | null;
  powerField: string;
  energyField: string;
  energyUnit: string;
  joulesPerUnit: number;
  /** Whether the energy counter is fine enough to be the source that counts. */
  counterCounts: boolean;
}

const GEN2: Generation = {
  name: 'Gen2+',
  path: '/rpc/Switch.GetStatus?id=0',
  parse: parseShellyGen2,
  powerField: 'apower',
  energyField: 'aenergy.total',
  energyUnit: 'Wh',
  joulesPerUnit: 3600,
  counterCounts: true,
};

const GEN1: Generation = {
  name: 'Gen1',
  path: '/status',
  parse: parseShellyGen1,
  powerField: 'meters[0].power',
  energyField: 'meters[0].total',
  energyUnit: 'watt-minutes',
  joulesPerUnit: 60,
  counterCounts: false,
};

/** The error a Gen2+ RPC answers with (`{"code":-105,"message":"..."}`), or null. */
function rpcError(text: string): string | null {
  const o = jsonObject(text);
  return o && typeof o.message === 'string' && (typeof o.code === 'number' || typeof o.code === 'string')
    ? `RPC error ${String(o.code)}: ${firstLine(o.message).slice(0, 100)}`
    : null;
}

/** Why an answer that is a JSON object gave no power. */
function whyNoPower(gen: Generation, url: string, text: string): string {
  const o = jsonObject(text) ?? {};
  const where = safeUrl(url);
  const rpc = rpcError(text);
  if (rpc) return `${where} answered ${rpc}`;
  if (gen === GEN1) {
    const meter = Array.isArray(o.meters) ? (o.meters[0] as unknown) : undefined;
    if (!isObject(meter)) return `${where} lists no meters: this Shelly does not meter power`;
    if (meter.is_valid === false) return `${where} says meters[0].is_valid is false: the plug's power meter failed its self-check`;
    return `${where} gave no usable meters[0].power (${JSON.stringify(meter.power ?? null).slice(0, 40)})`;
  }
  if (o.apower === undefined) return `${where} reports no apower: this Shelly does not meter power (a model without PM)`;
  return `${where} gave no usable apower (${JSON.stringify(o.apower).slice(0, 40)})`;
}

type Answer = { ok: true; url: string; text: string; reading: ShellyReading } | { ok: false; reason: string; status: number | null };

async function ask(baseUrl: string, gen: Generation, http: HttpOptions): Promise<Answer> {
  const url = baseUrl + gen.path;
  const r = await httpGet(url, http);
  if (!r.ok) return { ok: false, reason: r.reason, status: null };
  if (r.status !== 200) {
    const rpc = rpcError(r.body);
    return { ok: false, reason: `${safeUrl(url)} answered HTTP ${r.status}${rpc ? ` (${rpc})` : ''}`, status: r.status };
  }
  const reading = gen.parse(r.body);
  if (!reading) {
    return { ok: false, reason: `${safeUrl(url)} answered something that is not a JSON object: ${JSON.stringify(firstLine(r.body).slice(0, 60))}`, status: 200 };
  }
  return { ok: true, url, text: r.body, reading };
}

/** Basic-auth credentials from the environment; Shelly's user is `admin` unless set. */
function credentials(env: NodeJS.ProcessEnv): { user: string; password: string } | undefined {
  const password = env.WATTBENCH_SHELLY_PASSWORD;
  if (password === undefined || password === '') return undefined;
  return { user: env.WATTBENCH_SHELLY_USER || 'admin', password };
}

function unusableInfo(id: string, baseUrl: string): SourceInfo {
  return { id, kind: 'counter', scope: 'system-wall', quality: 'measured', description: `Shelly plug at ${safeUrl(baseUrl)}` };
}

function failure(id: string, baseUrl: string, answer: { reason: string; status: number | null }, hasCredentials: boolean): Probe {
  const info = unusableInfo(id, baseUrl);
  if (answer.status === 401 || answer.status === 403) {
    return {
      info,
      state: 'permission',
      reason: hasCredentials
        ? `${answer.reason}: the plug refused the credentials from WATTBENCH_SHELLY_USER/WATTBENCH_SHELLY_PASSWORD (Gen2+ plugs with authentication need digest auth, which wattbench does not support yet)`
        : `${answer.reason}: the plug asks for a password`,
      fix: hasCredentials
        ? 'check the password, or turn authentication off on the plug (Gen2+: Settings > Authentication)'
        : "export WATTBENCH_SHELLY_USER=admin WATTBENCH_SHELLY_PASSWORD='<the plug's password>' (Gen1 Basic auth; Gen2+ plugs need authentication turned off)",
    };
  }
  if (answer.status === 404) {
    return {
      info,
      state: 'error',
      reason: `${answer.reason}, and ${safeUrl(baseUrl + GEN1.path)} has no meter either: not a Shelly, or one without a Switch (EM meters are not supported)`,
      fix: null,
    };
  }
  return { info, state: 'error', reason: answer.reason, fix: null };
}

/**
 * Probes a Shelly plug at `baseUrl` (`http://HOST`): one request to the Gen2+ RPC, one to Gen1 `/status` if that is
 * missing; returns the counting source and its mirror (state `ok`), or one probe saying why the plug cannot be used.
 */
export async function probeShelly(ctx: SourceContext, baseUrl: string, timings: MeterTimings, id = `shelly:${hostOf(baseUrl) ?? 'invalid'}`): Promise<Probe[]> {
  const auth = credentials(ctx.env);
  const http: HttpOptions = { timeoutMs: timings.timeoutMs, ...(auth ? { auth } : {}) };
  let gen = GEN2;
  let answer = await ask(baseUrl, GEN2, http);
  if (!answer.ok && (answer.status === 404 || answer.status === 401)) {
    const gen1 = await ask(baseUrl, GEN1, http);
    if (gen1.ok) {
      gen = GEN1;
      answer = gen1;
    }
  }
  if (!answer.ok) return [failure(id, baseUrl, answer, auth !== undefined)];
  if (answer.reading.powerW === null) {
    return [
      {
        info: unusableInfo(id, baseUrl),
        state: 'error',
        reason: whyNoPower(gen, answer.url, answer.text),
        fix: 'use a Shelly that meters power (a PM model, Plug S, Plus Plug S)',
      },
    ];
  }
  return plugProbes(baseUrl, gen, http, id, timings, answer.reading);
}

function hostOf(baseUrl: string): string | null {
  try {
    return new URL(baseUrl).host;
  } catch {
    return null;
  }
}

function plugProbes(baseUrl: string, gen: Generation, http: HttpOptions, id: string, timings: MeterTimings, first: ShellyReading): Probe[] {
  const url = baseUrl + gen.path;
  const pollOnce = async (): Promise<ReadResult<ShellyReading>> => {
    const t0 = monotonicS();
    const a = await ask(baseUrl, gen, http);
    if (!a.ok) return a;
    if (a.reading.powerW === null) return { ok: false, reason: whyNoPower(gen, url, a.text) };
    // The plug read its meter somewhere inside the request; the midpoint halves the worst timing error.
    return { ok: true, value: a.reading, atS: (t0 + monotonicS()) / 2 };
  };
  const plug = new PlugPoller(pollOnce, { periodMs: timings.periodMs, staleAfterS: timings.staleAfterS });
  const field = (pick: (r: ShellyReading) => number | null, what: string) => plug.reader(pick, `the last answer of ${safeUrl(url)} had no ${what}`);

  const periodS = timings.periodMs / 1000;
  const where = `${safeUrl(url)} (Shelly ${gen.name})`;
  const common = {
    scope: 'system-wall' as const,
    quality: 'measured' as const,
    // Plugs refresh about once per second and are polled once per period: reading faster only repeats values.
    updatePeriodS: Math.max(1, periodS),
    minIntervalS: periodS / 2,
  };
  const hasCounter = first.energy !== null;
  const counterId = gen.counterCounts ? id : `${id}:energy`;
  const gaugeId = gen.counterCounts && hasCounter ? `${id}:power` : id;
  const counterInfo: SourceInfo & { kind: 'counter' } = {
    ...common,
    id: counterId,
    kind: 'counter',
    description: `${gen.energyField} from ${where}, cumulative ${gen.energyUnit} since the plug's last reboot, polled every ${periodS} s`,
    joulesPerUnit: gen.joulesPerUnit,
    // The total restarts at 0 on reboot: a decrease is a reset, never a wrap.
    maxRange: null,
    ...(gen.counterCounts ? {} : { duplicateOf: id }),
  };
  const gaugeInfo: SourceInfo & { kind: 'gauge' } = {
    ...common,
    id: gaugeId,
    kind: 'gauge',
    description: `${gen.powerField} from ${where}, W, instantaneous, polled every ${periodS} s`,
    ...(gaugeId !== id ? { duplicateOf: id } : {}),
  };
  const counterHolder = plug.holder();
  const gaugeHolder = plug.holder();
  const counter: CounterSource = { info: counterInfo, read: field((r) => r.energy, gen.energyField), start: counterHolder.start, close: counterHolder.close };
  const gauge: GaugeSource = { info: gaugeInfo, read: field((r) => r.powerW, gen.powerField), start: gaugeHolder.start, close: gaugeHolder.close };
  const now = `${first.powerW} W now`;
  const gaugeProbe: Probe = {
    info: gaugeInfo,
    state: 'ok',
    reason: gaugeId === id ? `${now}; energy integrated from power${hasCounter ? `; ${counterId} mirrors it` : ` (no ${gen.energyField} in the answer)`}` : `mirrors ${id}`,
    fix: null,
    source: gauge,
  };
  if (!hasCounter) return [gaugeProbe];
  const counterProbe: Probe = {
    info: counterInfo,
    state: 'ok',
    reason: gen.counterCounts
      ? `${now}; energy from ${gen.energyField} (${gen.energyUnit}), which restarts when the plug reboots; ${gaugeId} mirrors it`
      : `mirrors ${id}: ${gen.energyField} counts whole ${gen.energyUnit}, too coarse for short windows`,
    fix: null,
    source: counter,
  };
  const probes = [counterProbe, gaugeProbe];
  // The source that counts comes first, so a reader of `wattbench sources` meets it before its mirror.
  probes.sort((a, b) => Number(a.info.id !== id) - Number(b.info.id !== id));
  return probes;
}
