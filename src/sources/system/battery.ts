import { join } from 'node:path';
import { readNumber, reasonOfError, stateOfError } from '../io/files.js';
import type { FileReader, GaugeSource, Probe, ProbeState, ReadResult, SourceContext, SourceInfo } from '../types.js';

/**
 * Battery discharge power from `<sysfs>/class/power_supply/<name>` (entries whose `type` is `Battery`): `power_now`
 * (µW) on energy-based batteries, `voltage_now` (µV) × `current_now` (µA) on charge-based ones. Only a discharging
 * battery powers the machine, so the gauge is valid only while `status` is `Discharging`.
 */

/** How a battery's power is read. */
export type BatteryPowerFiles = { how: 'power_now' } | { how: 'voltage_current' };

/** What a battery's status means for its power gauge: usable, or why not (never a 0 or negative power). */
export function statusReason(status: string): string | null {
  switch (status) {
    case 'Discharging':
      return null;
    case 'Charging':
      return "battery is charging: its power is the charger's, not the machine's";
    case 'Full':
      return 'battery is full and idle: the machine runs from mains';
    case 'Not charging':
      return 'battery is not charging and not discharging: the machine runs from mains';
    default:
      return `battery status is ${JSON.stringify(status.slice(0, 20))}: the direction of power is not known`;
  }
}

/**
 * Turns raw battery readings into watts: `power_now` µW, or `voltage_now` µV × `current_now` µA. Magnitudes are used
 * because the sign of `current_now` changed across kernels (negative while discharging since Linux ~6.16) and
 * direction comes from `status`. Null for a zero (no reading yet) or a non-finite value.
 */
export function batteryPowerW(raw: { powerUw?: number; voltageUv?: number; currentUa?: number }): number | null {
  let w: number | null = null;
  if (raw.powerUw !== undefined) w = Math.abs(raw.powerUw) / 1e6;
  else if (raw.voltageUv !== undefined && raw.currentUa !== undefined) w = (Math.abs(raw.voltageUv) / 1e6) * (Math.abs(raw.currentUa) / 1e6);
  return w !== null && Number.isFinite(w) && w > 0 ? w : null;
}

async function readText(files: FileReader, path: string): Promise<string | null> {
  return files.readText(path).then((t) => t.trim(), () => null);
}

/** Reads one battery's discharge power in watts, or the reason there is none. */
async function readBattery(files: FileReader, dir: string, how: BatteryPowerFiles['how']): Promise<ReadResult<number> & { state?: ProbeState }> {
  const statusPath = join(dir, 'status');
  let status: string;
  try {
    status = (await files.readText(statusPath)).trim();
  } catch (err) {
    return { ok: false, reason: reasonOfError(err, statusPath), state: stateOfError(err) };
  }
  const why = statusReason(status);
  if (why) return { ok: false, reason: why };
  let w: number | null;
  if (how === 'power_now') {
    const p = await readNumber(files, join(dir, 'power_now'));
    if (!p.ok) return { ok: false, reason: p.reason, state: p.state };
    w = batteryPowerW({ powerUw: p.value });
  } else {
    const [v, i] = await Promise.all([readNumber(files, join(dir, 'voltage_now')), readNumber(files, join(dir, 'current_now'))]);
    if (!v.ok) return { ok: false, reason: v.reason, state: v.state };
    if (!i.ok) return { ok: false, reason: i.reason, state: i.state };
    w = batteryPowerW({ voltageUv: v.value, currentUa: i.value });
  }
  if (w === null) return { ok: false, reason: 'battery reports no discharge power yet (0): the firmware has not updated it' };
  return { ok: true, value: w };
}

/** Probes every system battery; one probe per battery, or one `absent` probe when the machine has none. */
export async function probeBattery(ctx: SourceContext): Promise<Probe[]> {
  const root = join(ctx.sysfs, 'class', 'power_supply');
  const none = (state: Exclude<ProbeState, 'ok'>, reason: string): Probe[] => [
    { info: { id: 'battery', kind: 'gauge', scope: 'battery', quality: 'measured', description: `battery discharge power under ${root}` }, state, reason, fix: null },
  ];
  let entries: string[];
  try {
    entries = (await ctx.files.list(root)).sort();
  } catch (err) {
    const state = stateOfError(err) as Exclude<ProbeState, 'ok'>;
    return none(state, state === 'absent' ? `no ${root} (not Linux, or /sys not mounted)` : reasonOfError(err, root));
  }
  const probes: Probe[] = [];
  for (const name of entries) {
    const dir = join(root, name);
    if ((await readText(ctx.files, join(dir, 'type'))) !== 'Battery') continue;
    // A mouse or headset battery (scope Device) does not power the machine.
    if ((await readText(ctx.files, join(dir, 'scope'))) === 'Device') continue;
    if ((await readText(ctx.files, join(dir, 'present'))) === '0') continue;
    const files = await ctx.files.list(dir).catch(() => [] as string[]);
    const how: BatteryPowerFiles['how'] | null = files.includes('power_now')
      ? 'power_now'
      : files.includes('voltage_now') && files.includes('current_now')
        ? 'voltage_current'
        : null;
    const info: SourceInfo = {
      id: `battery:${name}`,
      kind: 'gauge',
      scope: 'battery',
      quality: 'measured',
      minIntervalS: 1,
      description:
        how === 'voltage_current'
          ? `battery ${name}: ${join(dir, 'voltage_now')} (µV) × ${join(dir, 'current_now')} (µA) while discharging, instantaneous, updated by the firmware every few seconds`
          : `battery ${name}: ${join(dir, 'power_now')} (µW) while discharging, instantaneous, updated by the firmware every few seconds`,
    };
    if (!how) {
      probes.push({ info, state: 'absent', reason: `${dir} has neither power_now nor voltage_now and current_now`, fix: null });
      continue;
    }
    const source: GaugeSource = {
      info: { ...info, kind: 'gauge' },
      async read() {
        const r = await readBattery(ctx.files, dir, how);
        return r.ok ? { ok: true, value: r.value } : { ok: false, reason: r.reason };
      },
    };
    const first = await readBattery(ctx.files, dir, how);
    if (!first.ok && first.state && first.state !== 'ok') {
      probes.push({ info, state: first.state, reason: first.reason, fix: null });
      continue;
    }
    if (!first.ok && !first.reason.startsWith('battery reports no discharge power')) {
      // On mains the battery is not a measure of the machine: listing it as usable would make it the total.
      probes.push({ info, state: 'absent', reason: `${first.reason}; battery power is measured only while running on battery`, fix: null });
      continue;
    }
    probes.push({ info, state: 'ok', reason: first.ok ? null : first.reason, fix: null, source });
  }
  return probes.length > 0 ? probes : none('absent', `no system battery under ${root}`);
}
