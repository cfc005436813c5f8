import { basename } from 'node:path';
import { UsageError } from '../../errors.js';
import type { RedfishOptions } from '../bmc/redfish.js';
import { parsePlugUrl } from './plug-url.js';
import { splitCommand } from './split-command.js';
import { meterTimings, type MeterDescriptor, type MeterFamily, type MeterOptions } from './types.js';
import type { Probe, SourceContext } from '../types.js';

/**
 * External meters given with `--meter TYPE=TARGET` (DESIGN.md §6): one descriptor per type, which says how it is
 * written, parses and names its spec, and probes it. A descriptor is a few lines of plain parsing; its probe loads the
 * meter's code (HTTP, pollers, streams) only when a meter of that type is given, so the CLI's start-up and `--help`
 * pay for none of it. Adding a meter type is its probe in its family's folder and one descriptor here.
 */

/** A smart plug as given with `--meter shelly=http://HOST`: its base URL, without credentials. */
export interface ShellySpec {
  type: 'shelly';
  url: string;
}

/** A smart plug as given with `--meter tasmota=http://HOST`: its base URL, without credentials. */
export interface TasmotaSpec {
  type: 'tasmota';
  url: string;
}

/** A BMC as given with `--meter redfish=https://BMC` (or `redfish-insecure=` to accept a self-signed certificate). */
export interface RedfishSpec extends RedfishOptions {
  type: 'redfish';
}

/** A meter command as given with `--meter command='CMD ARGS'`, split into argv. */
export interface CommandMeterSpec {
  type: 'command';
  argv: string[];
}

function originOf(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

const shelly: MeterDescriptor<ShellySpec> = {
  type: 'shelly',
  family: 'meters',
  usage: 'shelly=http://HOST',
  parse(target) {
    const url = parsePlugUrl('shelly', target, 'WATTBENCH_SHELLY');
    return 'error' in url ? url : { type: 'shelly', url: url.url };
  },
  baseId: (spec) => `shelly:${new URL(spec.url).host}`,
  sameMeterKey: (spec) => `shelly\0${spec.url.toLowerCase()}`,
  probe: async (ctx, spec, run) => (await import('./shelly.js')).probeShelly(ctx, spec.url, run.timings, run.id),
};

const tasmota: MeterDescriptor<TasmotaSpec> = {
  type: 'tasmota',
  family: 'meters',
  usage: 'tasmota=http://HOST',
  parse(target) {
    const url = parsePlugUrl('tasmota', target, 'WATTBENCH_TASMOTA');
    return 'error' in url ? url : { type: 'tasmota', url: url.url };
  },
  baseId: (spec) => `tasmota:${new URL(spec.url).host}`,
  sameMeterKey: (spec) => `tasmota\0${spec.url.toLowerCase()}`,
  probe: async (ctx, spec, run) => (await import('./tasmota.js')).probeTasmota(ctx, spec.url, run.timings, run.id),
};

/** A person names a BMC like a meter, but its sources are the bmc family's. */
const redfish: MeterDescriptor<RedfishSpec> = {
  type: 'redfish',
  aliases: ['redfish-insecure'],
  family: 'bmc',
  usage: 'redfish=https://BMC (redfish-insecure= for a self-signed certificate)',
  // The URL is checked by the probe, which reports a bad one as an error source with its fix.
  parse: (target, word) => (target === '' ? { error: `no address given (e.g. ${word}=https://10.0.0.9)` } : { type: 'redfish', url: target, insecure: word === 'redfish-insecure' }),
  baseId: (spec) => `redfish:${originOf(spec.url)?.host ?? 'invalid'}`,
  sameMeterKey: (spec) => `redfish\0${originOf(spec.url)?.origin ?? spec.url.toLowerCase()}`,
  probe: async (ctx, spec) => (await import('../bmc/redfish.js')).probeRedfish(ctx, spec),
};

/** Any command that prints watts. */
const command: MeterDescriptor<CommandMeterSpec> = {
  type: 'command',
  family: 'meters',
  usage: "command='CMD ARGS'",
  parse(target) {
    const argv = splitCommand(target);
    return 'error' in argv ? argv : { type: 'command', argv };
  },
  baseId: (spec) => `meter:${basename(spec.argv[0] ?? 'command')}`,
  sameMeterKey: (spec) => `command\0${spec.argv.join('\0')}`,
  probe: async (ctx, spec, run) => [await (await import('./command-meter.js')).probeCommandMeter(ctx, spec.argv, run.timings, run.id)],
};

/** Every meter type, in the order the usage text names them. */
export const METERS = [shelly, tasmota, redfish, command] as const;

type SpecOf<D> = D extends MeterDescriptor<infer S> ? S : never;

/** One external meter as the user named it: a smart plug's base URL, a BMC, or a command split into argv. */
export type MeterSpec = SpecOf<(typeof METERS)[number]>;

/** Every type's way of writing it, for the `--meter` usage text: `shelly=http://HOST, …, command='CMD ARGS'`. */
export function meterUsage(): string {
  return METERS.map((m) => m.usage).join(', ');
}

function descriptorOf(spec: MeterSpec): MeterDescriptor<MeterSpec> {
  return METERS.find((m) => m.type === spec.type) as MeterDescriptor<MeterSpec>;
}

/** Parses one `--meter` value; a bad spec gives a one-line error that never echoes a URL's credentials. */
export function parseMeterSpec(text: string): MeterSpec | { error: string } {
  const usage = `expected TYPE=TARGET: ${meterUsage()}`;
  const at = text.indexOf('=');
  // The text is not echoed: it may be a URL with a password in it.
  if (at === -1) return { error: `--meter: no "=" in the value; ${usage}` };
  const word = text.slice(0, at).trim().toLowerCase();
  const meter = METERS.find((m) => m.type === word || m.aliases?.includes(word)) as MeterDescriptor<MeterSpec> | undefined;
  if (!meter) {
    // A "type" that is not a plain word may be the start of a URL with credentials (`http://user:pw@host/?a=b`): not echoed.
    const shown = /^[a-z0-9_-]{1,20}$/.test(word) ? ` ${JSON.stringify(word)}` : '';
    return { error: `--meter: unknown meter type${shown}; ${usage}` };
  }
  const spec = meter.parse(text.slice(at + 1).trim(), word);
  return 'error' in spec ? { error: `--meter ${word}: ${spec.error}` } : spec;
}

/** Parses every `--meter` value, in order; the first bad one throws a `UsageError` with its one-line message. */
export function parseMeters(texts: readonly string[]): MeterSpec[] {
  return texts.map((text) => {
    const spec = parseMeterSpec(text);
    if ('error' in spec) throw new UsageError(spec.error);
    return spec;
  });
}

/** The id a meter gets before de-duplication: `shelly:<host>`, `tasmota:<host>`, `redfish:<host>` or `meter:<basename of the command>`. */
export function meterBaseId(spec: MeterSpec): string {
  return descriptorOf(spec).baseId(spec);
}

/** The meters among `specs` whose type lives in `family`, in the order given. */
export function metersOfFamily(specs: readonly MeterSpec[], family: MeterFamily): MeterSpec[] {
  return specs.filter((spec) => descriptorOf(spec).family === family);
}

/**
 * Probes every meter given with `--meter` once and concurrently, each id made unique (`#2`, `#3`…), and a meter given
 * twice reported as an error instead of being counted twice in the wall total.
 */
export async function probeMeters(ctx: SourceContext, specs: readonly MeterSpec[], options: MeterOptions = {}): Promise<Probe[]> {
  const timings = meterTimings(options);
  const idOfKey = new Map<string, string>();
  const used = new Set<string>();
  const unique = (base: string): string => {
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}#${n}`;
    used.add(id);
    return id;
  };
  const tasks = specs.map((spec): Promise<Probe[]> => {
    const meter = descriptorOf(spec);
    const id = unique(meter.baseId(spec));
    const key = meter.sameMeterKey(spec);
    const first = idOfKey.get(key);
    if (first !== undefined) return Promise.resolve([duplicateProbe(spec, id, first)]);
    idOfKey.set(key, id);
    return meter.probe(ctx, spec, { id, timings });
  });
  return (await Promise.all(tasks)).flat();
}

function duplicateProbe(spec: MeterSpec, id: string, first: string): Probe {
  return {
    info: { id, kind: 'gauge', scope: 'system-wall', quality: 'measured', description: `${spec.type} meter given twice`, duplicateOf: first },
    state: 'error',
    reason: `the same meter was given twice with --meter (already probed as ${first}); it is read once`,
    fix: 'give each --meter once',
  };
}
