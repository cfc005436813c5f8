import { join } from 'node:path';
import { uwToW } from '../../units.js';
import { readNumber, reasonOfError, stateOfError, stateOfReason } from '../io/files.js';
import type { FileReader, Probe, ProbeState, ReadResult, Scope, Source, SourceContext, SourceInfo } from '../types.js';

/**
 * Generic hwmon power and energy sensors (`<sysfs>/class/hwmon/hwmonN`): `powerN_average`/`powerN_input` gauges,
 * `energyN_input` counters, and V×I gauges for INA2xx/INA3221 current monitors. Devices are matched by `name`
 * because hwmonN numbers change between boots. amdgpu is left to amd-gpu.ts.
 */

/** The scope of a rail or sensor whose coverage is unknown or lies inside another measured domain: shown and recorded, never added to a total. */
export const UNCOUNTED_SCOPE: Scope = 'rail';

/** One hwmon device: its folder and the driver's `name`. */
export interface HwmonDevice {
  /** Folder such as `/sys/class/hwmon/hwmon3` (its number is not stable across boots). */
  dir: string;
  /** Contents of the `name` file, trimmed (`amdgpu`, `ina3221`, `amd_energy`…). */
  name: string;
}

/** The attribute files of one hwmon channel family, found by `hwmonChannels`. */
export interface HwmonChannel {
  type: 'power' | 'energy' | 'in' | 'curr' | 'temp';
  index: number;
  /** Attribute file names present for this channel, e.g. `input`, `average`, `label`. */
  attrs: Set<string>;
}

const ATTR = /^(power|energy|in|curr|temp)(\d+)_([a-z_]+)$/;

/** Groups a hwmon folder's file names into channels (`power1_average` → power channel 1 with `average`); pure. */
export function hwmonChannels(fileNames: string[]): HwmonChannel[] {
  const byKey = new Map<string, HwmonChannel>();
  for (const f of fileNames) {
    const m = ATTR.exec(f);
    if (!m) continue;
    const index = Number(m[2]);
    if (!Number.isSafeInteger(index)) continue;
    const type = m[1] as HwmonChannel['type'];
    const key = `${type}${index}`;
    let ch = byKey.get(key);
    if (!ch) byKey.set(key, (ch = { type, index, attrs: new Set() }));
    ch.attrs.add(m[3] as string);
  }
  return [...byKey.values()].sort((a, b) => a.type.localeCompare(b.type) || a.index - b.index);
}

/** Parses a sysfs integer-like value (µW, µJ, mV, mA); null for empty text, garbage, NaN or a value beyond 2^63. */
export function parseSysfsNumber(text: string): number | null {
  const t = text.trim();
  if (!/^-?\d+(\.\d+)?$/.test(t)) return null;
  const v = Number(t);
  return Number.isFinite(v) && Math.abs(v) < 2 ** 63 ? v : null;
}

/** Lists `<sysfs>/class/hwmon/*` with their names, in hwmon-number order; a device without a readable `name` is skipped. */
export async function listHwmon(
  ctx: SourceContext,
): Promise<{ ok: true; root: string; devices: HwmonDevice[] } | { ok: false; root: string; state: Exclude<ProbeState, 'ok'>; reason: string }> {
  const root = join(ctx.sysfs, 'class', 'hwmon');
  let entries: string[];
  try {
    entries = await ctx.files.list(root);
  } catch (err) {
    return { ok: false, root, state: stateOfError(err) as Exclude<ProbeState, 'ok'>, reason: reasonOfError(err, root) };
  }
  const numbered = entries
    .map((e) => ({ e, n: /^hwmon(\d+)$/.exec(e) }))
    .filter((x): x is { e: string; n: RegExpExecArray } => x.n !== null)
    .sort((a, b) => Number(a.n[1]) - Number(b.n[1]));
  const devices: HwmonDevice[] = [];
  for (const { e } of numbered) {
    const dir = join(root, e);
    const name = await ctx.files.readText(join(dir, 'name')).then((t) => t.trim(), () => '');
    if (name) devices.push({ dir, name });
  }
  return { ok: true, root, devices };
}

/** Reads a trimmed text attribute, or null when it is missing or unreadable. */
export async function readAttr(files: FileReader, path: string): Promise<string | null> {
  return files.readText(path).then((t) => t.trim(), () => null);
}

/** What one sensor reads: a µW file, a µJ file, or a voltage and a current to multiply. */
type Reading =
  | { how: 'power'; path: string; averaged: boolean }
  | { how: 'energy'; path: string }
  | { how: 'vi'; voltagePath: string; currentPath: string };

interface Sensor {
  /** Label or attribute name, used in the id. */
  key: string;
  label: string | null;
  reading: Reading;
  scope: Scope;
  duplicateOf?: string;
  /** Why the scope keeps the sensor out of totals, or another note for the probe's reason. */
  note?: string;
}

const INA2XX = /^ina2(19|20|26|30|31)$/;
const AMD_ENERGY = new Set(['amd_energy', 'zenergy']);
const INTEL_DGPU = new Set(['i915', 'xe']);

/** The scope of a power or energy channel by driver and label; pure, and the one place the coverage rules live. */
export function hwmonScope(deviceName: string, type: 'power' | 'energy' | 'vi', label: string | null): { scope: Scope; note?: string } {
  const unknown = (why: string): { scope: Scope; note: string } => ({ scope: UNCOUNTED_SCOPE, note: `${why}; never added to a total` });
  if (AMD_ENERGY.has(deviceName)) {
    if (label && /^Esocket\d+$/.test(label)) return { scope: 'cpu-package' };
    if (label && /^Ecore\d+$/.test(label)) return { scope: 'cpu-core', note: 'one core, inside its socket; never added to a total' };
    return unknown('amd_energy channel of unknown coverage');
  }
  if (deviceName === 'zenpower') {
    if (label === 'SVI2_P_Core') return { scope: 'cpu-core', note: 'SVI2 core-rail estimate, board-dependent; never added to a total' };
    if (label === 'SVI2_P_SoC') return { scope: 'cpu-uncore', note: 'SVI2 SoC-rail estimate, board-dependent; never added to a total' };
    return unknown('zenpower channel of unknown coverage');
  }
  if (deviceName === 'nouveau' && type === 'power') return { scope: 'gpu' };
  // Jetson modules label the module's own input rail VDD_IN: it covers CPU, GPU, SoC and DRAM, as psys does on a PC.
  if (deviceName === 'ina3221' && label === 'VDD_IN') return { scope: 'psys', note: 'Jetson module input rail (VDD_IN), covers CPU, GPU, SoC and DRAM' };
  if (deviceName === 'power_meter') return unknown('ACPI power meter: likely the same wall reading as IPMI DCMI, so not added');
  return unknown(`${deviceName} rail of unknown coverage`);
}

function labelOf(text: string | null): string | null {
  const t = text?.trim();
  return t ? t.replace(/\s+/g, '_') : null;
}

/** Finds the power and energy sensors of one device (amdgpu excluded by the caller). */
async function sensorsOf(ctx: SourceContext, dev: HwmonDevice): Promise<Sensor[]> {
  let names: string[];
  try {
    names = await ctx.files.list(dev.dir);
  } catch {
    return [];
  }
  const channels = hwmonChannels(names);
  const label = async (ch: HwmonChannel): Promise<string | null> =>
    ch.attrs.has('label') ? labelOf(await readAttr(ctx.files, join(dev.dir, `${ch.type}${ch.index}_label`))) : null;
  const sensors: Sensor[] = [];
  for (const ch of channels) {
    if (ch.type === 'power' && (ch.attrs.has('average') || ch.attrs.has('input'))) {
      const averaged = ch.attrs.has('average');
      const l = await label(ch);
      sensors.push({
        key: l ?? `power${ch.index}`,
        label: l,
        reading: { how: 'power', path: join(dev.dir, `power${ch.index}_${averaged ? 'average' : 'input'}`), averaged },
        ...hwmonScope(dev.name, 'power', l),
      });
    } else if (ch.type === 'energy' && ch.attrs.has('input')) {
      const l = await label(ch);
      sensors.push({ key: l ?? `energy${ch.index}`, label: l, reading: { how: 'energy', path: join(dev.dir, `energy${ch.index}_input`) }, ...hwmonScope(dev.name, 'energy', l) });
    }
  }
  const has = (type: HwmonChannel['type'], index: number): boolean => channels.some((c) => c.type === type && c.index === index && c.attrs.has('input'));
  // INA3221 has no power attribute: bus voltage inN (mV) × current currN (mA) for channels 1-3 (in4-6 are shunt voltages).
  if (dev.name === 'ina3221') {
    for (const n of [1, 2, 3]) {
      if (!has('in', n) || !has('curr', n)) continue;
      const l = labelOf(await readAttr(ctx.files, join(dev.dir, `in${n}_label`)));
      if (l === 'NC') continue; // rails the board marks not connected
      sensors.push({
        key: l ?? `channel${n}`,
        label: l,
        reading: { how: 'vi', voltagePath: join(dev.dir, `in${n}_input`), currentPath: join(dev.dir, `curr${n}_input`) },
        ...hwmonScope(dev.name, 'vi', l),
      });
    }
  }
  // INA2xx without power1_input: bus voltage in1 (mV) × curr1 (mA); in0 is the shunt voltage and is not used.
  if (INA2XX.test(dev.name) && !sensors.some((s) => s.reading.how === 'power') && has('in', 1) && has('curr', 1)) {
    sensors.push({
      key: 'power1',
      label: null,
      reading: { how: 'vi', voltagePath: join(dev.dir, 'in1_input'), currentPath: join(dev.dir, 'curr1_input') },
      ...hwmonScope(dev.name, 'vi', null),
    });
  }
  if (INTEL_DGPU.has(dev.name)) chooseIntelGpuChannel(sensors);
  return sensors;
}

/** i915/xe: the `card` energy covers the whole board and `pkg` lies inside it, so only one channel counts as the GPU. */
function chooseIntelGpuChannel(sensors: Sensor[]): void {
  const energy = sensors.filter((s) => s.reading.how === 'energy');
  const chosen = energy.find((s) => s.label === 'card') ?? energy.find((s) => s.label === null) ?? energy.find((s) => s.label === 'pkg');
  for (const s of sensors) {
    if (s === chosen) {
      s.scope = 'gpu';
      delete s.note;
    } else {
      s.scope = UNCOUNTED_SCOPE;
      s.note = chosen ? `inside ${chosen.key}; never added to a total` : 'Intel GPU channel of unknown coverage; never added to a total';
    }
  }
}

/** RAPL package ids (`rapl:package-N`) whose `energy_uj` is readable: the same MSR that amd_energy's Esocket reads. */
async function readableRaplPackages(ctx: SourceContext): Promise<Map<number, string>> {
  const root = join(ctx.sysfs, 'class', 'powercap');
  const out = new Map<number, string>();
  const entries = await ctx.files.list(root).catch(() => [] as string[]);
  for (const e of entries) {
    if (!/^intel-rapl:[0-9a-f]+$/.test(e)) continue;
    const name = await readAttr(ctx.files, join(root, e, 'name'));
    const m = name ? /^package-(\d+)$/.exec(name) : null;
    if (!m || out.has(Number(m[1]))) continue;
    if ((await readNumber(ctx.files, join(root, e, 'energy_uj'))).ok) out.set(Number(m[1]), `rapl:${name}`);
  }
  return out;
}

/** Reads a power sensor in watts: never negative, never a made-up 0 for an unreadable file. */
async function readPowerW(files: FileReader, reading: Exclude<Reading, { how: 'energy' }>): Promise<ReadResult<number>> {
  if (reading.how === 'power') {
    const r = await readNumber(files, reading.path);
    if (!r.ok) return { ok: false, reason: r.reason };
    if (r.value < 0) return { ok: false, reason: `negative power ${r.value} µW in ${reading.path}` };
    return { ok: true, value: uwToW(r.value) };
  }
  const [v, i] = await Promise.all([readNumber(files, reading.voltagePath), readNumber(files, reading.currentPath)]);
  if (!v.ok) return { ok: false, reason: v.reason };
  if (!i.ok) return { ok: false, reason: i.reason };
  // Current is signed (shunt direction); the rail's power is its magnitude. mV × mA = µW.
  return { ok: true, value: uwToW(Math.abs(v.value * i.value)) };
}

function describe(dev: HwmonDevice, s: Sensor): string {
  const r = s.reading;
  const where = `hwmon ${dev.name}${s.label ? ` ${s.label}` : ''}`;
  if (r.how === 'power') return `${where}: ${r.path}, µW, ${r.averaged ? 'averaged by the driver' : 'instantaneous'}`;
  if (r.how === 'energy') return `${where}: ${r.path}, cumulative µJ`;
  return `${where}: ${r.voltagePath} (mV) × ${r.currentPath} (mA), instantaneous`;
}

/** A distinguishing suffix for a second device of the same name: its DT node or PCI slot, else its hwmon folder. */
async function deviceTag(ctx: SourceContext, dev: HwmonDevice): Promise<string> {
  const uevent = (await readAttr(ctx.files, join(dev.dir, 'device', 'uevent'))) ?? '';
  const of = /^OF_FULLNAME=.*\/([^/\s]+)$/m.exec(uevent)?.[1];
  const pci = /^PCI_SLOT_NAME=(\S+)$/m.exec(uevent)?.[1];
  return of ?? pci ?? (dev.dir.split('/').pop() as string);
}

function updatePeriodOf(ms: number | null): number | undefined {
  return ms !== null && ms > 0 && ms < 3_600_000 ? ms / 1000 : undefined;
}

/** The fix for root-only amd_energy files (restricted for CVE-2020-12912). */
function amdEnergyFix(): string {
  return (
    'make amd_energy group-readable at every boot: write /etc/udev/rules.d/60-wattbench-amd-energy.rules containing ' +
    'ACTION=="add", SUBSYSTEM=="hwmon", ATTR{name}=="amd_energy", RUN+="/bin/sh -c \'chgrp power /sys%p/energy*_input; chmod g+r /sys%p/energy*_input\'" ' +
    'then run: sudo groupadd -f power && sudo usermod -aG power $USER && sudo udevadm trigger --subsystem-match=hwmon --action=add and log in again'
  );
}

function makeSource(ctx: SourceContext, info: SourceInfo, reading: Reading): Source {
  if (reading.how === 'energy') {
    return {
      info: { ...info, kind: 'counter' },
      async read() {
        const r = await readNumber(ctx.files, reading.path);
        if (!r.ok) return { ok: false, reason: r.reason };
        return r.value < 0 ? { ok: false, reason: `negative energy ${r.value} µJ in ${reading.path}` } : { ok: true, value: r.value };
      },
    };
  }
  return { info: { ...info, kind: 'gauge' }, read: () => readPowerW(ctx.files, reading) };
}

/** Probes every non-amdgpu hwmon device with power, energy or INA current sensors; one probe per sensor, or one `absent` probe. */
export async function probeHwmon(ctx: SourceContext): Promise<Probe[]> {
  const baseInfo: SourceInfo = { id: 'hwmon', kind: 'gauge', scope: UNCOUNTED_SCOPE, quality: 'measured', description: 'hwmon power and energy sensors' };
  const listed = await listHwmon(ctx);
  if (!listed.ok) {
    return [{ info: baseInfo, state: listed.state, reason: listed.state === 'absent' ? `no ${listed.root} (not Linux, or /sys not mounted)` : listed.reason, fix: null }];
  }
  const probes: Probe[] = [];
  const rapl = await readableRaplPackages(ctx);
  const seenNames = new Map<string, number>();
  for (const dev of listed.devices) {
    if (dev.name === 'amdgpu') continue;
    const sensors = await sensorsOf(ctx, dev);
    if (sensors.length === 0) continue;
    const count = (seenNames.get(dev.name) ?? 0) + 1;
    seenNames.set(dev.name, count);
    const tag = count === 1 ? null : await deviceTag(ctx, dev);
    const prefix = tag === null ? `hwmon:${dev.name}` : tag.startsWith(`${dev.name}@`) ? `hwmon:${tag}` : `hwmon:${dev.name}@${tag}`;
    const intervalMs = parseSysfsNumber((await readAttr(ctx.files, join(dev.dir, 'update_interval'))) ?? '');
    for (const s of sensors) {
      const isEnergy = s.reading.how === 'energy';
      const info: SourceInfo = {
        id: `${prefix}:${s.key}`,
        kind: isEnergy ? 'counter' : 'gauge',
        scope: s.scope,
        quality: 'measured',
        description: describe(dev, s),
      };
      if (isEnergy) {
        info.joulesPerUnit = 1e-6;
        info.maxRange = null;
      } else {
        const averagingPath = s.reading.how === 'power' && s.reading.averaged ? s.reading.path.replace(/_average$/, '_average_interval') : null;
        const avgMs = averagingPath ? parseSysfsNumber((await readAttr(ctx.files, averagingPath)) ?? '') : null;
        const period = updatePeriodOf(avgMs ?? intervalMs);
        if (period !== undefined) info.updatePeriodS = period;
        // powerN_average is averaged by the chip over powerN_average_interval (hwmon sysfs ABI), when it says how long.
        if (averagingPath) {
          info.fidelity = 'averaged';
          if (avgMs !== null && avgMs > 0) info.averagingS = avgMs / 1000;
        }
      }
      const socket = AMD_ENERGY.has(dev.name) && s.label ? /^Esocket(\d+)$/.exec(s.label) : null;
      const mirrorOf = socket ? rapl.get(Number(socket[1])) : undefined;
      if (mirrorOf) info.duplicateOf = mirrorOf;
      const notes = [mirrorOf ? `reads the same socket counter as ${mirrorOf}; never added to a total` : s.note].filter((n): n is string => !!n);
      const source = makeSource(ctx, info, s.reading);
      const first = await source.read();
      if (!first.ok) {
        const state = stateOfReason(first.reason);
        probes.push({ info, state, reason: first.reason, fix: state === 'permission' && AMD_ENERGY.has(dev.name) ? amdEnergyFix() : null });
        continue;
      }
      probes.push({ info, state: 'ok', reason: notes.length ? notes.join('; ') : null, fix: null, source });
    }
  }
  if (probes.length === 0) {
    return [{ info: baseInfo, state: 'absent', reason: `no hwmon power, energy or INA current sensor under ${listed.root} (amdgpu is probed separately)`, fix: null }];
  }
  return probes;
}
