import type { Clock } from '../../clock.js';
import { httpGet, safeUrl, type HttpOptions, type HttpResult } from '../io/http.js';
import { SharedPoller } from '../io/poller.js';
import type { CounterSource, GaugeSource, Probe, ProbeState, ReadResult, SourceContext, SourceInfo } from '../types.js';

/**
 * Server power from a BMC's Redfish service (power-interfaces.md §10.2): every chassis in `/redfish/v1/Chassis`, read
 * from `EnvironmentMetrics` (`PowerWatts`, `EnergykWh`) or the legacy `Power` resource
 * (`PowerControl[0].PowerConsumedWatts`). One background poller per BMC asks one URL at a time, at most once a second.
 *
 * Only one chassis is the wall: the first top-level chassis (not `ContainedBy` another) with a reading. Other
 * chassis with readings (an HGX GPU baseboard, a module) lie inside it, so they are marked `duplicateOf` it and never
 * enter a total.
 *
 * Counter or gauge: the `EnergykWh` counter is preferred when its reading shows Wh resolution (three decimals or
 * more); a whole-kWh counter steps every 3.6 MJ, which a benchmark window cannot resolve, so then `PowerWatts` is the
 * source and the counter is kept as its mirror.
 */

/** Options for probing a Redfish BMC. */
export interface RedfishOptions {
  /** The BMC's address, such as `https://10.0.0.9`; only its scheme, host and port are used. */
  url: string;
  /** Accept a self-signed certificate (only for a BMC you trust). */
  insecure?: boolean;
  /** Give up on one request after this many ms (default 3000, at most 10000). */
  timeoutMs?: number;
  /** Time and timers of the background poll (default the system clock). */
  clock?: Clock;
}

/** The fix for a BMC that wants (other) credentials. */
export const REDFISH_CREDENTIALS_FIX =
  'set WATTBENCH_REDFISH_USER and WATTBENCH_REDFISH_PASSWORD to a BMC account (the ReadOnly role is enough)';

/** The fix for a BMC whose certificate Node does not trust. */
export const REDFISH_CERTIFICATE_FIX =
  "trust the BMC's certificate with NODE_EXTRA_CA_CERTS=/path/to/bmc-ca.pem, or allow a self-signed certificate with the insecure option (only for a BMC you trust)";

const MIN_PERIOD_MS = 1000;
/** No chassis a BMC manages draws a megawatt; a larger number is garbage. */
const MAX_PLAUSIBLE_W = 1_000_000;
const KWH_J = 3.6e6;

function parseJson(text: string): Record<string, unknown> | null {
  if (typeof text !== 'string') return null;
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function field(o: unknown, key: string): unknown {
  return o !== null && typeof o === 'object' && !Array.isArray(o) ? (o as Record<string, unknown>)[key] : undefined;
}

function odataId(o: unknown): string | null {
  const v = field(o, '@odata.id');
  return typeof v === 'string' && v.startsWith('/') ? v : null;
}

function reading(v: unknown, max: number): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= max ? v : null;
}

/** Parses a Chassis collection into the member paths (`/redfish/v1/Chassis/1U`); null when it is not one. */
export function parseRedfishMembers(text: string): string[] | null {
  const members = field(parseJson(text), 'Members');
  if (!Array.isArray(members)) return null;
  return members.map(odataId).filter((p): p is string => p !== null);
}

/** What a Chassis resource says about where its power lives. */
export interface RedfishChassis {
  id: string | null;
  chassisType: string | null;
  /** The chassis this one is inside, or null for a top-level chassis. */
  containedBy: string | null;
  powerPath: string | null;
  environmentPath: string | null;
}

/** Parses a Chassis resource; null when the text is not a JSON object. */
export function parseRedfishChassis(text: string): RedfishChassis | null {
  const o = parseJson(text);
  if (!o) return null;
  const id = field(o, 'Id');
  const type = field(o, 'ChassisType');
  return {
    id: typeof id === 'string' ? id : null,
    chassisType: typeof type === 'string' ? type : null,
    containedBy: odataId(field(field(o, 'Links'), 'ContainedBy')),
    powerPath: odataId(field(o, 'Power')),
    environmentPath: odataId(field(o, 'EnvironmentMetrics')),
  };
}

/** A power or energy reading from one Redfish resource. */
export interface RedfishReading {
  /** Watts, or null when absent, `null` or not a plausible number. */
  powerW: number | null;
  /** Cumulative kWh (`EnergykWh.Reading`), or null. */
  energyKwh: number | null;
  /** Why a value is missing, for reasons (e.g. `PowerControl[0].PowerConsumedWatts is null`). */
  note: string | null;
}

/** Parses a legacy Power resource: `PowerControl[0].PowerConsumedWatts`; null when the text is not a JSON object. */
export function parseRedfishPower(text: string): RedfishReading | null {
  const o = parseJson(text);
  if (!o) return null;
  const control = field(o, 'PowerControl');
  if (!Array.isArray(control) || control.length === 0) return { powerW: null, energyKwh: null, note: 'the Power resource has no PowerControl entry' };
  const raw = field(control[0], 'PowerConsumedWatts');
  const powerW = reading(raw, MAX_PLAUSIBLE_W);
  const oem = field(control[0], 'Oem') !== undefined ? ' (the BMC may report power only in Oem fields)' : '';
  const note = powerW !== null ? null : `PowerControl[0].PowerConsumedWatts is ${raw === undefined ? 'missing' : JSON.stringify(raw)}${oem}`;
  return { powerW, energyKwh: null, note };
}

/** Parses an EnvironmentMetrics resource: `PowerWatts.Reading` (W) and `EnergykWh.Reading` (kWh); null when not a JSON object. */
export function parseRedfishEnvironment(text: string): RedfishReading | null {
  const o = parseJson(text);
  if (!o) return null;
  const rawW = field(field(o, 'PowerWatts'), 'Reading');
  const rawKwh = field(field(o, 'EnergykWh'), 'Reading');
  const powerW = reading(rawW, MAX_PLAUSIBLE_W);
  const energyKwh = reading(rawKwh, 1e12);
  const note =
    powerW === null && energyKwh === null
      ? `EnvironmentMetrics has no PowerWatts.Reading (${JSON.stringify(rawW ?? 'missing')}) and no EnergykWh.Reading (${JSON.stringify(rawKwh ?? 'missing')})`
      : null;
  return { powerW, energyKwh, note };
}

/** Digits after the decimal point of a JSON number, as printed. */
function decimals(x: number): number {
  return /\.(\d+)$/.exec(String(x))?.[1]?.length ?? 0;
}

interface Target {
  id: string;
  field: 'powerW' | 'energyKwh';
}

/** One resource polled per cycle and the sources it feeds. */
interface Job {
  path: string;
  kind: 'power' | 'environment';
  targets: Target[];
}

interface Snapshot {
  values: Map<string, number>;
  reasons: Map<string, string>;
}

function polledSource(info: SourceInfo, shared: SharedPoller<Snapshot>): GaugeSource | CounterSource {
  const holder = shared.holder();
  const methods = {
    async read(): Promise<ReadResult<number>> {
      if (!holder.held) return { ok: false, reason: `${info.id} is not started (its Redfish poller runs only while measuring)` };
      const latest = shared.latest();
      if (!latest.ok) return latest;
      const value = latest.value.values.get(info.id);
      if (value === undefined) return { ok: false, reason: latest.value.reasons.get(info.id) ?? `the BMC gave no value for ${info.id}` };
      return { ok: true, value, atS: latest.atS };
    },
    start: holder.start,
    close: holder.close,
  };
  return info.kind === 'counter' ? { info: { ...info, kind: 'counter' }, ...methods } : { info: { ...info, kind: 'gauge' }, ...methods };
}

/** Maps a failed request or a bad status to a probe state, reason and fix. */
function failure(url: string, r: HttpResult, hasUser: boolean): { state: Exclude<ProbeState, 'ok'>; reason: string; fix: string | null } {
  if (!r.ok) {
    if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/i.test(r.reason)) {
      return { state: 'error', reason: `${r.reason} (the BMC's certificate is not trusted)`, fix: REDFISH_CERTIFICATE_FIX };
    }
    return { state: 'error', reason: r.reason, fix: null };
  }
  if (r.status === 401 || r.status === 403) {
    const reason = hasUser
      ? `${safeUrl(url)} refused the credentials in WATTBENCH_REDFISH_USER / WATTBENCH_REDFISH_PASSWORD (HTTP ${r.status})`
      : `${safeUrl(url)} wants credentials (HTTP ${r.status}) and WATTBENCH_REDFISH_USER is not set`;
    return { state: 'permission', reason, fix: REDFISH_CREDENTIALS_FIX };
  }
  if (r.status === 404) return { state: 'absent', reason: `${safeUrl(url)} not found (HTTP 404): no Redfish service there`, fix: null };
  return { state: 'error', reason: `${safeUrl(url)} answered HTTP ${r.status}`, fix: null };
}

/** Runs `fn` over `items` with at most `limit` at once, keeping order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** The chassis id from its path, decoded when the BMC percent-encoded it. */
function lastSegment(path: string): string {
  const segment = path.replace(/\/+$/, '').split('/').pop() || path;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** What probing found for one chassis. */
interface Found {
  chassisId: string;
  topLevel: boolean;
  job: Job | null;
  reading: RedfishReading | null;
  /** Why this chassis has no usable reading, when it has a power resource at all. */
  problem: { state: Exclude<ProbeState, 'ok'>; reason: string; fix: string | null } | null;
}

/** Probes a Redfish BMC: a `system-wall` source for the top-level chassis, mirrors for the chassis inside it. */
export async function probeRedfish(ctx: SourceContext, options: RedfishOptions): Promise<Probe[]> {
  const timeoutMs = Math.min(Math.max(1, options.timeoutMs ?? 3000), 10_000);
  let base: URL;
  try {
    base = new URL(options.url);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error('scheme');
  } catch {
    const info: SourceInfo = { id: 'redfish', kind: 'gauge', scope: 'system-wall', quality: 'measured', description: 'Redfish BMC power' };
    return [{ info, state: 'error', reason: `not an http(s) URL: ${JSON.stringify(safeUrl(options.url))}`, fix: 'give the BMC address as https://HOST' }];
  }
  // Credentials come only from the environment; any in the URL are dropped so they cannot leak into ids or reasons.
  const origin = `${base.protocol}//${base.host}`;
  const host = base.host;
  const user = ctx.env.WATTBENCH_REDFISH_USER;
  const http: HttpOptions = {
    timeoutMs,
    insecure: options.insecure === true,
    ...(user ? { auth: { user, password: ctx.env.WATTBENCH_REDFISH_PASSWORD ?? '' } } : {}),
  };
  const get = (path: string): Promise<HttpResult> => httpGet(`${origin}${path}`, http);
  const whole = (state: Exclude<ProbeState, 'ok'>, reason: string, fix: string | null): Probe[] => [
    {
      info: { id: `redfish:${host}`, kind: 'gauge', scope: 'system-wall', quality: 'measured', description: `Redfish power from ${origin}` },
      state,
      reason,
      fix,
    },
  ];

  const collectionPath = '/redfish/v1/Chassis';
  const collection = await get(collectionPath);
  if (!collection.ok || collection.status !== 200) {
    const f = failure(`${origin}${collectionPath}`, collection, Boolean(user));
    return whole(f.state, f.reason, f.fix);
  }
  const members = parseRedfishMembers(collection.body);
  if (!members) return whole('error', `${origin}${collectionPath} is not a Redfish chassis collection`, null);
  if (members.length === 0) return whole('absent', `${origin}${collectionPath} lists no chassis`, null);

  const found = await mapLimit(members, 4, async (member): Promise<Found | null> => {
    const chassisId = lastSegment(member);
    const c = await get(member);
    const chassis = c.ok && c.status === 200 ? parseRedfishChassis(c.body) : null;
    // A chassis that names neither resource has no power to read (a drive enclosure, a fan tray).
    if (chassis && !chassis.environmentPath && !chassis.powerPath) return null;
    const topLevel = !chassis?.containedBy;
    const tries: Array<{ path: string; kind: Job['kind'] }> = [
      { path: chassis?.environmentPath ?? `${member}/EnvironmentMetrics`, kind: 'environment' },
      { path: chassis?.powerPath ?? `${member}/Power`, kind: 'power' },
    ];
    if (chassis && !chassis.environmentPath) tries.shift();
    let problem: Found['problem'] = null;
    for (const t of tries) {
      const r = await get(t.path);
      if (!r.ok || r.status !== 200) {
        // A missing EnvironmentMetrics is normal on older BMCs: fall through to Power.
        if (!(r.ok && r.status === 404)) problem ??= failure(`${origin}${t.path}`, r, Boolean(user));
        continue;
      }
      const parsed = t.kind === 'environment' ? parseRedfishEnvironment(r.body) : parseRedfishPower(r.body);
      if (!parsed) {
        problem ??= { state: 'error', reason: `${origin}${t.path} is not JSON`, fix: null };
        continue;
      }
      if (parsed.powerW === null && parsed.energyKwh === null) {
        problem = { state: 'error', reason: `${origin}${t.path}: ${parsed.note}`, fix: null };
        continue;
      }
      return { chassisId, topLevel, job: { path: t.path, kind: t.kind, targets: [] }, reading: parsed, problem: null };
    }
    if (!problem) return null;
    return { chassisId, topLevel, job: null, reading: null, problem };
  });

  const chassisList = found.filter((f): f is Found => f !== null);
  const usable = chassisList.filter((f) => f.job !== null);
  if (chassisList.length === 0) return whole('absent', `no chassis at ${origin} has a Power or EnvironmentMetrics resource`, null);

  const wall = usable.find((f) => f.topLevel) ?? usable[0];
  const periodMs = Math.max(MIN_PERIOD_MS, ctx.intervalMs);
  const periodS = periodMs / 1000;
  const jobs: Job[] = [];
  const entries: Array<{ probe: Probe; info?: SourceInfo }> = [];
  let wallId: string | null = null;
  for (const f of [...(wall ? [wall] : []), ...chassisList.filter((x) => x !== wall)]) {
    const mainId = `redfish:${host}/${f.chassisId}`;
    if (!f.job || !f.reading) {
      const p = f.problem as NonNullable<Found['problem']>;
      const description = `power of chassis ${f.chassisId} from Redfish at ${origin}`;
      const info: SourceInfo = { id: mainId, kind: 'gauge', scope: 'system-wall', quality: 'measured', description };
      entries.push({ probe: { info, state: p.state, reason: p.reason, fix: p.fix } });
      continue;
    }
    const url = `${origin}${f.job.path}`;
    const { powerW, energyKwh } = f.reading;
    const counterFirst = energyKwh !== null && (powerW === null || decimals(energyKwh) >= 3);
    const gaugeInfo = (id: string): SourceInfo => ({
      id,
      kind: 'gauge',
      scope: 'system-wall',
      quality: 'measured',
      description:
        `power of chassis ${f.chassisId} (W, ${f.job?.kind === 'power' ? 'PowerControl[0].PowerConsumedWatts' : 'PowerWatts.Reading'}, ` +
        `the BMC's current reading, which it may cache for seconds) from ${url}, polled every ${periodS} s`,
      updatePeriodS: periodS,
      minIntervalS: periodS,
      // PowerConsumedWatts / PowerWatts.Reading is the current reading (cached, not averaged over a stated period, unlike
      // PowerMetrics.AverageConsumedWatts over IntervalInMin, which is not read: power-interfaces.md §10.2).
      fidelity: 'instant',
    });
    const counterInfo = (id: string): SourceInfo => ({
      id,
      kind: 'counter',
      scope: 'system-wall',
      quality: 'measured',
      description: `cumulative energy of chassis ${f.chassisId} (kWh, EnergykWh.Reading) from ${url}, polled every ${periodS} s`,
      joulesPerUnit: KWH_J,
      maxRange: null,
      minIntervalS: periodS,
    });
    const main = counterFirst ? counterInfo(mainId) : gaugeInfo(mainId);
    let mirror: SourceInfo | null = null;
    if (counterFirst && powerW !== null) mirror = gaugeInfo(`${mainId}:power`);
    if (!counterFirst && energyKwh !== null) mirror = counterInfo(`${mainId}:energy`);
    const notes: string[] = [];
    if (f !== wall && wallId) {
      main.duplicateOf = wallId;
      notes.push(`chassis ${f.chassisId} ${f.topLevel ? 'is another chassis of the same BMC' : 'is inside another chassis'}: never added to the total, which uses ${wallId}`);
    } else wallId = mainId;
    if (energyKwh !== null && !counterFirst) {
      notes.push(`EnergykWh reads ${energyKwh}, without Wh resolution: steps of 0.01-1 kWh (36 kJ-3.6 MJ) cannot resolve benchmark windows, so PowerWatts is used`);
    }
    if (counterFirst && powerW === null && decimals(energyKwh) < 3) {
      notes.push(`EnergykWh reads ${energyKwh}, without Wh resolution: steps may be as coarse as 1 kWh (3.6 MJ), too coarse for short windows`);
    }
    f.job.targets.push({ id: mainId, field: counterFirst ? 'energyKwh' : 'powerW' });
    entries.push({ probe: { info: main, state: 'ok', reason: notes.length ? notes.join('; ') : null, fix: null }, info: main });
    if (mirror) {
      mirror.duplicateOf = mainId;
      f.job.targets.push({ id: mirror.id, field: counterFirst ? 'powerW' : 'energyKwh' });
      entries.push({ probe: { info: mirror, state: 'ok', reason: `mirrors ${mainId}; never added to a total`, fix: null }, info: mirror });
    }
    jobs.push(f.job);
  }

  // A value is stale only once a whole cycle of slow but answering requests, and the wait after it, has passed.
  const staleAfterS = Math.max(3 * periodMs, jobs.length * timeoutMs + 2 * periodMs) / 1000;
  // Shared by every source of the probe: the first start() starts polling, the last close() stops it.
  const shared = new SharedPoller<Snapshot>(async () => {
    const snapshot: Snapshot = { values: new Map(), reasons: new Map() };
    let answered = false;
    for (const job of jobs) {
      const r = await get(job.path);
      const parsed = r.ok && r.status === 200 ? (job.kind === 'environment' ? parseRedfishEnvironment(r.body) : parseRedfishPower(r.body)) : null;
      for (const t of job.targets) {
        const value = parsed?.[t.field] ?? null;
        if (value !== null) snapshot.values.set(t.id, value);
        else if (parsed) snapshot.reasons.set(t.id, `${origin}${job.path}: ${parsed.note ?? `no ${t.field === 'powerW' ? 'power' : 'energy'} reading`}`);
        else snapshot.reasons.set(t.id, failure(`${origin}${job.path}`, r, Boolean(user)).reason);
      }
      answered ||= parsed !== null;
    }
    if (answered) return { ok: true, value: snapshot };
    return { ok: false, reason: snapshot.reasons.values().next().value ?? `${origin} gave no readings` };
  }, { periodMs, staleAfterS, ...(options.clock ? { clock: options.clock } : {}) }, 'not started: the BMC is polled only while measuring');
  return entries.map(({ probe, info }) => (info ? { ...probe, source: polledSource(info, shared) } : probe));
}
