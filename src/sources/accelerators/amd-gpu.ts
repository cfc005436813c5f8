import { join } from 'node:path';
import { milliCToC, uwToW } from '../../units.js';
import { readNumber, stateOfReason } from '../io/files.js';
import { hwmonChannels, listHwmon, readAttr, UNCOUNTED_SCOPE, type HwmonDevice } from '../system/hwmon.js';
import { Poller } from '../io/poller.js';
import { firstLine, runTool } from '../io/tool.js';
import type { GaugeSource, Probe, ProbeState, ReadResult, Scope, SourceContext, SourceInfo, TemperatureSource, UtilizationSource } from '../types.js';

/**
 * AMD GPUs: the amdgpu hwmon device (`power1_average`/`power1_input`, µW, a file read) and the ROCm tools
 * (`amd-smi metric --power --json`, else `rocm-smi --showpower --json`, polled in the background because they
 * cannot stream). When both see a GPU, hwmon is preferred and the tool's source is marked `duplicateOf` it.
 *
 * Ids: `amdgpu:N` is the N-th amdgpu hwmon device in PCI-address order (stable across boots, unlike hwmonN).
 * Without any amdgpu hwmon device (a container without /sys), the tool's GPU k is `amdgpu:k`. With one, the tool's
 * GPU matched to hwmon position N is `amdgpu:N:amd-smi` (or `:rocm-smi`), and an unmatched one `amdgpu:amd-smi:k`.
 * Matching: by PCI bus id (the tool's `list`/`--showbus` output against the hwmon device's PCI_SLOT_NAME) when
 * both are known, because tool indices need not follow PCI order; else by position when both see as many GPUs;
 * else not at all.
 */

/** One GPU's power as a tool reports it. */
export interface AmdGpuPower {
  /** The tool's GPU index (`gpu` in amd-smi, `cardN` in rocm-smi). */
  index: number;
  /** Socket/package power in watts, or null with `reason`. */
  powerW: number | null;
  reason: string | null;
  /** True for the secondary die of a two-die package (MI250/MI250X), whose power is reported on the primary. */
  secondaryDie: boolean;
}

/** A power value: watts, a secondary die, or why it is not a number. */
export type PowerValue = { ok: true; powerW: number } | { ok: false; secondaryDie: boolean; reason: string };

/** Above this a "power" is garbage, not a GPU (the largest accelerators draw about 1.5 kW). */
const MAX_PLAUSIBLE_W = 100_000;

const UNIT_TO_W: Record<string, number> = { w: 1, mw: 1e-3, uw: 1e-6, 'µw': 1e-6, 'μw': 1e-6 };

/**
 * Parses one power value as amd-smi/rocm-smi print it: a bare number, a numeric string (`"19.0"`, `"19 W"`), a
 * `{ value, unit }` object (ROCm 6.1+), `"N/A"` or `"N/A (Secondary die)"`; `defaultUnit` applies to bare numbers.
 */
export function parsePowerValue(raw: unknown, defaultUnit = 'W'): PowerValue {
  let value: unknown = raw;
  let unit = defaultUnit;
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && 'value' in raw) {
    value = (raw as { value: unknown }).value;
    const u = (raw as { unit?: unknown }).unit;
    if (typeof u === 'string' && u.trim()) unit = u.trim();
  }
  let n: number;
  if (typeof value === 'number') {
    n = value;
  } else if (typeof value === 'string') {
    const t = value.trim();
    if (/^N\/A/i.test(t)) {
      const secondaryDie = /secondary die/i.test(t);
      return { ok: false, secondaryDie, reason: secondaryDie ? 'secondary die: its package power is reported on the primary die' : 'power not supported (N/A)' };
    }
    const m = /^(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*([a-zµμ]*)$/i.exec(t);
    if (!m) return { ok: false, secondaryDie: false, reason: `not a power value: ${JSON.stringify(t.slice(0, 40))}` };
    n = Number(m[1]);
    if (m[2]) unit = m[2];
  } else {
    return { ok: false, secondaryDie: false, reason: `not a power value: ${JSON.stringify(value)?.slice(0, 40) ?? String(value)}` };
  }
  const scale = UNIT_TO_W[unit.toLowerCase()];
  if (scale === undefined) return { ok: false, secondaryDie: false, reason: `unknown power unit ${JSON.stringify(unit.slice(0, 10))}` };
  const w = n * scale;
  if (!Number.isFinite(w) || w < 0 || w > MAX_PLAUSIBLE_W) return { ok: false, secondaryDie: false, reason: `implausible power ${n} ${unit}` };
  return { ok: true, powerW: w };
}

/**
 * Finds the JSON document in a tool's output: amd-smi and rocm-smi may print warning lines (`WARNING: …`, Python
 * `SyntaxWarning` lines with the offending source line) before it, so each line that opens with `[` or `{` is tried.
 */
export function extractJson(text: string): unknown {
  const lines = text.split('\n');
  let tries = 0;
  for (let i = 0; i < lines.length && tries < 16; i++) {
    // A document opens a line with a bracket followed by a quote, a bracket or nothing; "[WARNING] …" does not.
    if (!/^\s*[[{]\s*(["[{\]}]|$)/.test(lines[i] as string)) continue;
    tries += 1;
    const rest = lines.slice(i).join('\n').trim();
    for (const candidate of [rest, rest.slice(0, Math.max(rest.lastIndexOf(']'), rest.lastIndexOf('}')) + 1)]) {
      try {
        return JSON.parse(candidate) as unknown;
      } catch {
        // not this line: a warning's source excerpt can start with a bracket too
      }
    }
  }
  return undefined;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The list of per-GPU entries from amd-smi's bare list, its 26.x `{ gpu_data: [...] }` wrapper, or a single entry. */
function gpuEntries(json: unknown): Record<string, unknown>[] | null {
  let list: unknown = json;
  if (isRecord(json) && Array.isArray(json.gpu_data)) list = json.gpu_data;
  else if (isRecord(json) && 'gpu' in json) list = [json];
  if (!Array.isArray(list)) return null;
  // A GPU listed twice (`0` and `"0"`) is one GPU: the first entry is kept, or it would become two sources.
  const seen = new Set<number>();
  const entries = list.filter(isRecord).filter((e) => {
    const index = gpuIndex(e.gpu);
    if (index === null || seen.has(index)) return false;
    seen.add(index);
    return true;
  });
  return entries.length > 0 || list.length === 0 ? entries : null;
}

function gpuIndex(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/** The N of a rocm-smi `cardN` key, or null (also for digits too many to be an index). */
function cardIndex(key: string): number | null {
  const m = /^card(\d+)$/.exec(key);
  return m ? gpuIndex(m[1]) : null;
}

/** amd-smi power keys by preference: the CLI's own (6.1+), then the library names of MI300 and MI200. */
const AMD_SMI_POWER_KEYS = ['socket_power', 'current_socket_power', 'average_socket_power'];

function amdSmiGpus(entries: Record<string, unknown>[]): AmdGpuPower[] {
  return entries.map((e) => {
    const index = gpuIndex(e.gpu) as number;
    const power = e.power;
    if (!isRecord(power)) return { index, powerW: null, reason: `no power section for GPU ${index}`, secondaryDie: false };
    const key = AMD_SMI_POWER_KEYS.find((k) => k in power);
    if (!key) return { index, powerW: null, reason: `no socket power field for GPU ${index}`, secondaryDie: false };
    const v = parsePowerValue(power[key]);
    return v.ok ? { index, powerW: v.powerW, reason: null, secondaryDie: false } : { index, powerW: null, reason: v.reason, secondaryDie: v.secondaryDie };
  });
}

/** Parses `amd-smi metric --power --json` (bare list or `gpu_data` wrapper, warnings before it); null for garbage. */
export function parseAmdSmiPower(text: string): AmdGpuPower[] | null {
  const entries = gpuEntries(extractJson(text));
  return entries ? amdSmiGpus(entries) : null;
}

/**
 * Parses `rocm-smi --showpower --json`: the legacy card map (`{"card0": {"Average Graphics Package Power (W)": "19.0"}}`,
 * or `Current Socket Graphics Package Power (W)` on APUs and MI300), with values as strings, numbers or value/unit
 * objects; an amd-smi-style list is accepted too. Null for garbage.
 */
export function parseRocmSmiPower(text: string): AmdGpuPower[] | null {
  const json = extractJson(text);
  const entries = gpuEntries(json);
  if (entries && entries.length > 0) return amdSmiGpus(entries);
  if (!isRecord(json)) return null;
  const gpus: AmdGpuPower[] = [];
  for (const [card, fields] of Object.entries(json)) {
    const index = cardIndex(card);
    // `card0` and `card00` name one GPU: the first is kept.
    if (index === null || !isRecord(fields) || gpus.some((g) => g.index === index)) continue;
    const keys = Object.keys(fields).filter((k) => /power/i.test(k) && /package|socket/i.test(k));
    const key = keys.find((k) => /^average/i.test(k)) ?? keys.find((k) => /^current socket/i.test(k)) ?? keys[0];
    if (!key) {
      gpus.push({ index, powerW: null, reason: `no package power field for card${index}`, secondaryDie: false });
      continue;
    }
    const unit = /\((W|mW|uW|µW)\)/i.exec(key)?.[1] ?? 'W';
    const v = parsePowerValue(fields[key], unit);
    gpus.push(v.ok ? { index, powerW: v.powerW, reason: null, secondaryDie: false } : { index, powerW: null, reason: v.reason, secondaryDie: v.secondaryDie });
  }
  return gpus.length > 0 ? gpus.sort((a, b) => a.index - b.index) : null;
}

/** Normalises a PCI address to `dddd:bb:dd.f` in lower case, or null. */
export function normaliseBdf(text: string): string | null {
  const t = text.trim().toLowerCase();
  const m = /^(?:([0-9a-f]{4,8}):)?([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])$/.exec(t);
  if (!m) return null;
  return `${(m[1] ?? '0000').slice(-4).padStart(4, '0')}:${m[2]}:${m[3]}.${m[4]}`;
}

/** Parses `amd-smi list --json` into GPU index → PCI address (bare list or `gpu_data` wrapper); null for garbage. */
export function parseAmdSmiList(text: string): Map<number, string> | null {
  const entries = gpuEntries(extractJson(text));
  if (!entries) return null;
  const out = new Map<number, string>();
  for (const e of entries) {
    const bdf = typeof e.bdf === 'string' ? normaliseBdf(e.bdf) : null;
    if (bdf) out.set(gpuIndex(e.gpu) as number, bdf);
  }
  return out.size > 0 ? out : null;
}

/** Parses `rocm-smi --showbus --json` (`{"card0": {"PCI Bus": "0000:03:00.0"}}`) into card index → PCI address; null for garbage. */
export function parseRocmSmiBus(text: string): Map<number, string> | null {
  const json = extractJson(text);
  if (!isRecord(json)) return null;
  const out = new Map<number, string>();
  for (const [card, fields] of Object.entries(json)) {
    const index = cardIndex(card);
    if (index === null || !isRecord(fields) || out.has(index)) continue;
    const value = Object.entries(fields).find(([k]) => /pci bus/i.test(k))?.[1];
    const bdf = typeof value === 'string' ? normaliseBdf(value) : null;
    if (bdf) out.set(index, bdf);
  }
  return out.size > 0 ? out : null;
}

/** A ROCm tool: how to ask it for power and for bus ids, and how to read its answers. */
interface AmdTool {
  file: 'amd-smi' | 'rocm-smi';
  powerArgs: string[];
  busArgs: string[];
  parsePower(text: string): AmdGpuPower[] | null;
  parseBus(text: string): Map<number, string> | null;
}

const TOOLS: AmdTool[] = [
  { file: 'amd-smi', powerArgs: ['metric', '--power', '--json'], busArgs: ['list', '--json'], parsePower: parseAmdSmiPower, parseBus: parseAmdSmiList },
  { file: 'rocm-smi', powerArgs: ['--showpower', '--json'], busArgs: ['--showbus', '--json'], parsePower: parseRocmSmiPower, parseBus: parseRocmSmiBus },
];

type ToolAnswer = { ok: true; gpus: AmdGpuPower[] } | { ok: false; state: Exclude<ProbeState, 'ok'>; reason: string; fix: string | null };

/** Power JSON for a full 8-GPU node is a few kB; more is garbage and is not worth parsing every second. */
const MAX_OUTPUT_BYTES = 1 << 18;

const GROUP_FIX = 'give this user the GPU device groups: sudo usermod -aG render,video $USER, then log in again';
const DRIVER_FIX = 'load the driver: sudo modprobe amdgpu (and check dmesg for amdgpu errors)';

/** Runs a tool once for power; never throws, and says why when it has no answer. */
async function askPower(tool: AmdTool, ctx: SourceContext, timeoutMs: number): Promise<ToolAnswer> {
  const r = await runTool(tool.file, tool.powerArgs, { timeoutMs, env: ctx.env, maxBytes: MAX_OUTPUT_BYTES });
  if (!r.ok) return { ok: false, state: r.state, reason: r.reason, fix: null };
  const gpus = tool.parsePower(r.stdout);
  if (r.code !== 0 || !gpus) {
    const said = firstLine(r.stderr) || firstLine(r.stdout) || '(no output)';
    const why = r.code !== 0 ? `${tool.file} exited with ${r.code ?? r.signal}: ${said}` : `${tool.file} printed no power JSON: ${said}`;
    if (/permission|not permitted|EACCES/i.test(said)) return { ok: false, state: 'permission', reason: why, fix: GROUP_FIX };
    return { ok: false, state: 'error', reason: why, fix: /driver|modprobe|not loaded|init/i.test(said) ? DRIVER_FIX : null };
  }
  return { ok: true, gpus };
}

/** One amdgpu hwmon device with what it offers. */
interface HwGpu {
  dev: HwmonDevice;
  bdf: string | null;
  /** Position in PCI-address order: the N of `amdgpu:N`. */
  position: number;
  power: { path: string; averaged: boolean } | null;
  /** `power1_cap` reads 0: rocm-smi's own test for the secondary die of a two-die package. */
  secondaryDie: boolean;
  /** `in1_label` (vddnb) exists only on APUs, whose power1 includes the CPU. */
  apu: boolean;
  busyPath: string;
  temp: { path: string; label: string } | null;
}

async function amdgpuDevices(ctx: SourceContext): Promise<HwGpu[]> {
  const listed = await listHwmon(ctx);
  if (!listed.ok) return [];
  const found: Omit<HwGpu, 'position'>[] = [];
  for (const dev of listed.devices.filter((d) => d.name === 'amdgpu')) {
    const names = await ctx.files.list(dev.dir).catch(() => [] as string[]);
    const channels = hwmonChannels(names);
    const power1 = channels.find((c) => c.type === 'power' && c.index === 1);
    const averaged = power1?.attrs.has('average') ?? false;
    const power = averaged || power1?.attrs.has('input') ? { path: join(dev.dir, `power1_${averaged ? 'average' : 'input'}`), averaged } : null;
    const cap = power1?.attrs.has('cap') ? await readNumber(ctx.files, join(dev.dir, 'power1_cap')) : null;
    const uevent = (await readAttr(ctx.files, join(dev.dir, 'device', 'uevent'))) ?? '';
    const slot = /^PCI_SLOT_NAME=(\S+)$/m.exec(uevent)?.[1];
    const temps: { path: string; label: string }[] = [];
    for (const c of channels.filter((ch) => ch.type === 'temp' && ch.attrs.has('input'))) {
      const label = c.attrs.has('label') ? ((await readAttr(ctx.files, join(dev.dir, `temp${c.index}_label`))) ?? `temp${c.index}`) : `temp${c.index}`;
      temps.push({ path: join(dev.dir, `temp${c.index}_input`), label });
    }
    found.push({
      dev,
      bdf: slot ? normaliseBdf(slot) : null,
      power,
      secondaryDie: cap?.ok === true && cap.value === 0,
      apu: channels.some((c) => c.type === 'in' && c.index === 1 && c.attrs.has('label')) && (await readAttr(ctx.files, join(dev.dir, 'in1_label'))) === 'vddnb',
      busyPath: join(dev.dir, 'device', 'gpu_busy_percent'),
      // The junction (hotspot) is what throttles; edge is the fallback on older GPUs.
      temp: temps.find((t) => t.label === 'junction') ?? temps.find((t) => t.label === 'edge') ?? temps[0] ?? null,
    });
  }
  found.sort((a, b) => (a.bdf && b.bdf ? a.bdf.localeCompare(b.bdf) : a.bdf ? -1 : b.bdf ? 1 : 0));
  return found.map((g, position) => ({ ...g, position }));
}

const SUSPENDED = 'the GPU is runtime-suspended (amdgpu does not wake it to read power); probe again while it is in use';

function notOk(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}

/** The hwmon power gauge of one GPU. */
function hwmonPowerSource(ctx: SourceContext, info: SourceInfo, gpu: HwGpu, primaryId: string | null): GaugeSource {
  const power = gpu.power as NonNullable<HwGpu['power']>;
  return {
    info: { ...info, kind: 'gauge' },
    async read() {
      if (gpu.secondaryDie) return notOk(`secondary die: its package power is reported on ${primaryId ?? 'the primary die'}`);
      const r = await readNumber(ctx.files, power.path);
      if (!r.ok) return notOk(r.reason.startsWith('EPERM') ? `${r.reason}: ${SUSPENDED}` : r.reason);
      if (r.value < 0) return notOk(`negative power ${r.value} µW in ${power.path}`);
      return { ok: true, value: uwToW(r.value) };
    },
  };
}

async function hwmonProbes(ctx: SourceContext, gpus: HwGpu[]): Promise<{ probes: Probe[]; usable: Set<number> }> {
  const probes: Probe[] = [];
  const usable = new Set<number>();
  let lastPrimary: string | null = null;
  for (const gpu of gpus) {
    const id = `amdgpu:${gpu.position}`;
    const where = `${gpu.dev.dir}${gpu.bdf ? ` (PCI ${gpu.bdf})` : ''}`;
    if (gpu.power) {
      // A secondary die never reads power; with no primary to point at, only its scope keeps it out of the total.
      const scope: Scope = gpu.apu || (gpu.secondaryDie && lastPrimary === null) ? UNCOUNTED_SCOPE : 'gpu';
      const info: SourceInfo = {
        id,
        kind: 'gauge',
        scope,
        quality: 'measured',
        description: `amdgpu hwmon ${gpu.power.path}, µW, ${gpu.power.averaged ? 'averaged by the SMU' : 'instantaneous'}${gpu.apu ? ' (APU: includes the CPU)' : ''}`,
      };
      const primary = gpu.secondaryDie ? lastPrimary : null;
      if (gpu.secondaryDie && primary) info.duplicateOf = primary;
      const source = hwmonPowerSource(ctx, info, gpu, primary);
      const first = gpu.secondaryDie ? null : await source.read();
      if (first && !first.ok) {
        // amdgpu answers EPERM for a runtime-suspended GPU rather than wake it: that is not a permission problem.
        const state = first.reason.startsWith('EPERM') ? 'absent' : stateOfReason(first.reason);
        probes.push({ info, state, reason: first.reason, fix: null });
      } else {
        const notes: string[] = [];
        if (gpu.secondaryDie) notes.push(`secondary die (power1_cap is 0): power is reported on ${primary ?? 'the primary die'}; never added to a total`);
        if (gpu.apu) notes.push('APU: power1 includes the CPU cores, which the CPU package already counts; never added to a total');
        probes.push({ info, state: 'ok', reason: notes.length ? notes.join('; ') : null, fix: null, source });
        if (!gpu.secondaryDie) {
          usable.add(gpu.position);
          lastPrimary = id;
        }
      }
    } else {
      probes.push({
        info: { id, kind: 'gauge', scope: 'gpu', quality: 'measured', description: `amdgpu hwmon ${where}` },
        state: 'absent',
        reason: `no power1_average or power1_input in ${gpu.dev.dir} (older kernel or GPU)`,
        fix: null,
      });
    }
    const busy = await readNumber(ctx.files, gpu.busyPath);
    if (busy.ok) {
      const info: SourceInfo = { id: `${id}:util`, kind: 'utilization', scope: 'gpu', quality: 'measured', description: `GPU busy % from ${gpu.busyPath}, instantaneous` };
      const source: UtilizationSource = {
        info: { ...info, kind: 'utilization' },
        async read() {
          const r = await readNumber(ctx.files, gpu.busyPath);
          if (!r.ok) return notOk(r.reason);
          return r.value >= 0 && r.value <= 100 ? { ok: true, value: r.value } : notOk(`busy ${r.value}% out of range in ${gpu.busyPath}`);
        },
      };
      probes.push({ info, state: 'ok', reason: null, fix: null, source });
    }
    if (gpu.temp) {
      const temp = gpu.temp;
      const info: SourceInfo = {
        id: `${id}:temp`,
        kind: 'temperature',
        scope: 'gpu',
        quality: 'measured',
        minIntervalS: 1,
        description: `GPU ${temp.label} temperature from ${temp.path}, °C`,
      };
      const source: TemperatureSource = {
        info: { ...info, kind: 'temperature' },
        async read() {
          const r = await readNumber(ctx.files, temp.path);
          return r.ok ? { ok: true, value: milliCToC(r.value) } : notOk(r.reason);
        },
      };
      if ((await source.read()).ok) probes.push({ info, state: 'ok', reason: null, fix: null, source });
    }
  }
  return { probes, usable };
}

/** Polls one tool for every GPU it sees; only sources that are not duplicates start it, so a covered GPU costs no spawns. */
class SharedPoll {
  private poller: Poller<AmdGpuPower[]> | null = null;
  private users = 0;

  constructor(
    private readonly tool: AmdTool,
    private readonly ctx: SourceContext,
    private readonly timeoutMs: number,
    readonly periodMs: number,
  ) {}

  async acquire(): Promise<void> {
    this.users += 1;
    if (this.poller) return;
    this.poller = new Poller(async (): Promise<ReadResult<AmdGpuPower[]>> => {
      const a = await askPower(this.tool, this.ctx, this.timeoutMs);
      return a.ok ? { ok: true, value: a.gpus } : notOk(a.reason);
    }, this.periodMs);
    await this.poller.start();
  }

  release(): void {
    if (this.users === 0) return;
    this.users -= 1;
    if (this.users === 0 && this.poller) {
      this.poller.stop();
      this.poller = null;
    }
  }

  /** The latest reading of GPU `index`, or why there is none. */
  read(index: number, notPolled: string): ReadResult<number> {
    if (!this.poller) return notOk(notPolled);
    const latest = this.poller.latest();
    if (!latest.ok) return latest;
    const gpu = latest.value.find((g) => g.index === index);
    if (!gpu) return notOk(`${this.tool.file} no longer lists GPU ${index}`);
    if (gpu.powerW === null) return notOk(gpu.reason ?? 'no power value');
    return { ok: true, value: gpu.powerW, ...(latest.atS !== undefined ? { atS: latest.atS } : {}) };
  }
}

/** Matches the tool's GPU indices to hwmon positions: by PCI address when both sides know it, else by order when the counts agree. */
function matchGpus(toolGpus: AmdGpuPower[], hw: HwGpu[], bus: Map<number, string> | null): Map<number, number> {
  const match = new Map<number, number>();
  if (bus && hw.every((g) => g.bdf)) {
    for (const t of toolGpus) {
      const bdf = bus.get(t.index);
      const g = bdf ? hw.find((h) => h.bdf === bdf) : undefined;
      if (g) match.set(t.index, g.position);
    }
    return match;
  }
  if (toolGpus.length === hw.length) {
    [...toolGpus].sort((a, b) => a.index - b.index).forEach((t, i) => match.set(t.index, i));
  }
  return match;
}

function toolProbes(tool: AmdTool, ctx: SourceContext, timeoutMs: number, gpus: AmdGpuPower[], hw: HwGpu[], usable: Set<number>, match: Map<number, number>): Probe[] {
  const periodMs = Math.max(1000, ctx.intervalMs);
  const poll = new SharedPoll(tool, ctx, timeoutMs, periodMs);
  const sorted = [...gpus].sort((a, b) => a.index - b.index);
  const ownId = (index: number): string => {
    if (hw.length === 0) return `amdgpu:${index}`;
    const p = match.get(index);
    return p === undefined ? `amdgpu:${tool.file}:${index}` : `amdgpu:${p}:${tool.file}`;
  };
  // The id that counts for a tool GPU: the hwmon source when hwmon reads it, else the tool's own.
  const canonical = (index: number): string => {
    const p = match.get(index);
    return p !== undefined && usable.has(p) ? `amdgpu:${p}` : ownId(index);
  };
  const probes: Probe[] = [];
  let primary: number | null = null;
  for (const gpu of sorted) {
    const id = ownId(gpu.index);
    const p = match.get(gpu.index);
    const coveredBy = p !== undefined && usable.has(p) ? `amdgpu:${p}` : null;
    const info: SourceInfo = {
      id,
      kind: 'gauge',
      scope: 'gpu',
      quality: 'measured',
      description: `${tool.file} ${tool.powerArgs.join(' ')}: socket power of GPU ${gpu.index}, W as the tool reports it, polled every ${periodMs / 1000} s`,
      updatePeriodS: periodMs / 1000,
    };
    const notes: string[] = [];
    if (coveredBy) {
      info.duplicateOf = coveredBy;
      notes.push(`same GPU as ${coveredBy} (hwmon, preferred); never added to a total and not polled for it`);
    } else if (gpu.secondaryDie && primary !== null) {
      info.duplicateOf = canonical(primary);
      notes.push(`secondary die: package power is reported on ${info.duplicateOf}; never added to a total`);
    } else if (gpu.secondaryDie) {
      info.scope = UNCOUNTED_SCOPE;
      notes.push('secondary die without a primary listed before it; never added to a total');
    }
    if (!gpu.secondaryDie) primary = gpu.index;
    if (gpu.powerW === null && !gpu.secondaryDie) {
      probes.push({ info, state: 'absent', reason: `${tool.file} gives no power for GPU ${gpu.index}: ${gpu.reason ?? 'no value'}`, fix: null });
      continue;
    }
    const drives = !info.duplicateOf && !gpu.secondaryDie;
    const notPolled = gpu.secondaryDie
      ? `secondary die: package power is reported on ${info.duplicateOf ?? 'the primary die'}`
      : `not polled: ${info.duplicateOf ?? 'another source'} reads this GPU`;
    let started = false;
    const source: GaugeSource = {
      info: { ...info, kind: 'gauge' },
      read: async () => (drives && !started ? notOk(`${tool.file} is polled only while measuring (start() not called)`) : poll.read(gpu.index, notPolled)),
      async start() {
        if (!drives || started) return;
        started = true;
        await poll.acquire();
      },
      async close() {
        if (!started) return;
        started = false;
        poll.release();
      },
    };
    probes.push({ info, state: 'ok', reason: notes.length ? notes.join('; ') : null, fix: null, source });
  }
  return probes;
}

/** Options for probing AMD GPUs. */
export interface AmdGpuOptions {
  /** Milliseconds each amd-smi/rocm-smi call may take before it is killed (default 2000). */
  timeoutMs?: number;
}

/** Probes AMD GPUs through hwmon and amd-smi (else rocm-smi); returns one probe per source, or one explaining why there is none. */
export async function probeAmdGpu(ctx: SourceContext, options: AmdGpuOptions = {}): Promise<Probe[]> {
  const timeoutMs = Math.min(options.timeoutMs ?? 2000, 5000);
  const hw = await amdgpuDevices(ctx);
  const { probes, usable } = await hwmonProbes(ctx, hw);

  const failures: { tool: AmdTool; answer: Extract<ToolAnswer, { ok: false }> }[] = [];
  for (const tool of TOOLS) {
    const answer = await askPower(tool, ctx, timeoutMs);
    if (!answer.ok) {
      failures.push({ tool, answer });
      continue;
    }
    if (answer.gpus.length === 0) break;
    let bus: Map<number, string> | null = null;
    if (hw.length > 0) {
      const r = await runTool(tool.file, tool.busArgs, { timeoutMs, env: ctx.env, maxBytes: MAX_OUTPUT_BYTES });
      bus = r.ok && r.code === 0 ? tool.parseBus(r.stdout) : null;
    }
    probes.push(...toolProbes(tool, ctx, timeoutMs, answer.gpus, hw, usable, matchGpus(answer.gpus, hw, bus)));
    return probes;
  }
  if (usable.size > 0) return probes;

  const info: SourceInfo = { id: 'amdgpu', kind: 'gauge', scope: 'gpu', quality: 'measured', description: 'AMD GPU power (amdgpu hwmon, amd-smi, rocm-smi)' };
  const present = failures.filter((f) => f.answer.state !== 'absent');
  const noHwmon = hw.length > 0 ? 'no readable amdgpu hwmon power' : `no amdgpu hwmon device under ${join(ctx.sysfs, 'class', 'hwmon')}`;
  if (present.length === 0) {
    if (probes.length > 0) return probes;
    const reason = failures.length === TOOLS.length ? `${noHwmon}, and neither amd-smi nor rocm-smi is on PATH` : `${noHwmon}, and the ROCm tools list no GPU`;
    return [{ info, state: 'absent', reason, fix: null }];
  }
  const first = present[0] as (typeof present)[number];
  const others = present.slice(1).map((f) => `; ${f.answer.reason}`).join('');
  return [...probes, { info, state: first.answer.state, reason: `${noHwmon}; ${first.answer.reason}${others}`, fix: first.answer.fix }];
}
