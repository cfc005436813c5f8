import { join } from 'node:path';
import { readNumber, reasonOfError, stateOfError } from '../io/files.js';
import type { CounterSource, Probe, Scope, SourceContext, SourceInfo } from '../types.js';

/** Linux powercap (RAPL) zones: every control type under `<sysfs>/class/powercap`, with mirrors marked. */

const ZONE = /^([a-z][a-z0-9-]*):([0-9a-f]+)(?::([0-9a-f]+))?$/;

/** Control types in order of preference when two of them expose the same domain (mmio mirrors the MSR counter). */
const PREFERENCE = ['intel-rapl', 'intel-rapl-tpmi', 'intel-rapl-mmio'];

const ID_PREFIX: Record<string, string> = {
  'intel-rapl': 'rapl',
  'intel-rapl-mmio': 'rapl-mmio',
  'intel-rapl-tpmi': 'rapl-tpmi',
};

interface Zone {
  dir: string;
  controlType: string;
  /** Numeric top-level zone index (parsed from hex). */
  top: number;
  /** Numeric subzone index, or null for a top-level zone. */
  sub: number | null;
  name: string;
  parentName: string | null;
}

/** The persistent fix for root-only `energy_uj` files (CVE-2020-8694 made them 0400). */
export function powercapFix(sysfs: string): string {
  return (
    `make energy_uj group-readable at every boot: write /etc/udev/rules.d/60-wattbench-powercap.rules containing ` +
    `ACTION=="add", SUBSYSTEM=="powercap", RUN+="/bin/chgrp power /sys%p/energy_uj", RUN+="/bin/chmod g+r /sys%p/energy_uj" ` +
    `then run: sudo groupadd -f power && sudo usermod -aG power $USER && sudo udevadm trigger --subsystem-match=powercap --action=add ` +
    `and log in again (until reboot only: sudo chmod a+r ${join(sysfs, 'class/powercap')}/*/energy_uj)`
  );
}

function scopeOfName(name: string, isSub: boolean): Scope {
  if (name === 'psys') return 'psys';
  if (name === 'dram') return 'dram';
  if (name === 'core') return 'cpu-core';
  if (name === 'uncore') return 'cpu-uncore';
  if (name.startsWith('package')) return 'cpu-package';
  // An unknown subzone lies inside its package and must never be added to it.
  return isSub ? 'cpu-core' : 'cpu-package';
}

function idOf(zone: Zone): string {
  const prefix = ID_PREFIX[zone.controlType] ?? zone.controlType;
  return zone.parentName ? `${prefix}:${zone.parentName}:${zone.name}` : `${prefix}:${zone.name}`;
}

async function listZones(ctx: SourceContext, root: string): Promise<Zone[]> {
  const entries = await ctx.files.list(root);
  const parsed = entries
    .map((entry) => ({ entry, m: ZONE.exec(entry) }))
    .filter((e): e is { entry: string; m: RegExpExecArray } => e.m !== null)
    .map(({ entry, m }) => ({
      dir: join(root, entry),
      controlType: m[1] as string,
      top: parseInt(m[2] as string, 16),
      sub: m[3] === undefined ? null : parseInt(m[3], 16),
    }));
  parsed.sort((a, b) => a.controlType.localeCompare(b.controlType) || a.top - b.top || (a.sub ?? -1) - (b.sub ?? -1));
  const zones: Zone[] = [];
  const topNames = new Map<string, string>();
  for (const z of parsed) {
    let name: string;
    try {
      name = (await ctx.files.readText(join(z.dir, 'name'))).trim();
    } catch {
      name = z.sub === null ? `zone-${z.top}` : `zone-${z.top}-${z.sub}`;
    }
    if (z.sub === null) topNames.set(`${z.controlType}:${z.top}`, name);
    zones.push({ ...z, name, parentName: z.sub === null ? null : (topNames.get(`${z.controlType}:${z.top}`) ?? `zone-${z.top}`) });
  }
  return zones;
}

function counterSource(ctx: SourceContext, info: SourceInfo, path: string): CounterSource {
  return {
    info: { ...info, kind: 'counter' },
    async read() {
      const r = await readNumber(ctx.files, path);
      return r.ok ? { ok: true, value: r.value } : { ok: false, reason: r.reason };
    },
  };
}

/** Probes every powercap zone; returns one probe per zone, or a single `absent` probe when there is no powercap. */
export async function probePowercap(ctx: SourceContext): Promise<Probe[]> {
  const root = join(ctx.sysfs, 'class', 'powercap');
  let zones: Zone[];
  try {
    zones = await listZones(ctx, root);
  } catch (err) {
    const state = stateOfError(err);
    return [
      {
        info: { id: 'rapl', kind: 'counter', scope: 'cpu-package', quality: 'measured', description: 'Linux powercap RAPL energy counters' },
        state,
        reason: state === 'absent' ? `no ${root} (a VM, a container without /sys mounted, or not Linux)` : reasonOfError(err, root),
        fix: null,
      },
    ];
  }
  if (zones.length === 0) {
    return [
      {
        info: { id: 'rapl', kind: 'counter', scope: 'cpu-package', quality: 'measured', description: 'Linux powercap RAPL energy counters' },
        state: 'absent',
        reason: `${root} has no zones (RAPL driver not loaded: modprobe intel_rapl_msr)`,
        fix: null,
      },
    ];
  }

  const probes: Probe[] = [];
  const firstIdByDomain = new Map<string, string>();
  const byPreference = [...zones].sort(
    (a, b) => rank(a.controlType) - rank(b.controlType) || a.top - b.top || (a.sub ?? -1) - (b.sub ?? -1),
  );
  const dieValues = new Map<string, { id: string; raw: number }>();
  for (const zone of byPreference) {
    const id = idOf(zone);
    const domain = zone.parentName ? `${zone.parentName}:${zone.name}` : zone.name;
    const energyPath = join(zone.dir, 'energy_uj');
    const range = await readNumber(ctx.files, join(zone.dir, 'max_energy_range_uj'));
    const info: SourceInfo = {
      id,
      kind: 'counter',
      scope: scopeOfName(zone.name, zone.sub !== null),
      quality: 'measured',
      description: `powercap ${zone.controlType} zone ${zone.name} (${energyPath}), µJ`,
      joulesPerUnit: 1e-6,
      maxRange: range.ok ? range.value : null,
      updatePeriodS: 0.001,
    };
    const mirrorOf = firstIdByDomain.get(domain);
    if (mirrorOf) info.duplicateOf = mirrorOf;
    else firstIdByDomain.set(domain, id);

    const first = await readNumber(ctx.files, energyPath);
    if (!first.ok) {
      probes.push({
        info,
        state: first.state,
        reason: first.reason,
        fix: first.state === 'permission' ? powercapFix(ctx.sysfs) : null,
      });
      continue;
    }
    // Multi-die AMD parts can expose package-N-die-M zones that mirror one counter: equal values at probe time mean a mirror.
    const die = /^package-(\d+)-die-\d+$/.exec(zone.name);
    if (die && !info.duplicateOf) {
      const key = `${zone.controlType}:${die[1]}`;
      const seen = dieValues.get(key);
      if (seen && seen.raw === first.value) info.duplicateOf = seen.id;
      else if (!seen) dieValues.set(key, { id, raw: first.value });
    }
    const notes: string[] = [];
    if (!range.ok) notes.push(`max_energy_range_uj unreadable (${range.reason}): wraps cannot be corrected`);
    if (info.duplicateOf) notes.push(`mirrors ${info.duplicateOf}; never added to a total`);
    probes.push({ info, state: 'ok', reason: notes.length ? notes.join('; ') : null, fix: null, source: counterSource(ctx, info, energyPath) });
  }
  return probes;
}

function rank(controlType: string): number {
  const i = PREFERENCE.indexOf(controlType);
  return i === -1 ? PREFERENCE.length : i;
}
