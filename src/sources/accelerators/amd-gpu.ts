import { join } from 'node:path';
import type { Clock } from '../../clock.js';
import { milliCToC, uwToW } from '../../units.js';
import { readNumber, stateOfReason } from '../io/files.js';
import { hwmonChannels, listHwmon, readAttr, UNCOUNTED_SCOPE, type HwmonDevice } from '../system/hwmon.js';
import { SharedPoller } from '../io/poller.js';
import { normaliseBdf, parseAmdSmiList, parseAmdSmiPower, parseRocmSmiBus, parseRocmSmiPower, type AmdGpuPower } from './amd-gpu-parse.js';
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
        // power1_average is the SMU's average power (power-interfaces.md §3), over a period amdgpu does not expose.
        ...(gpu.power.averaged ? { fidelity: 'averaged' as const } : {}),
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

/** The latest power of GPU `index` in one poll of `tool`, or why there is none. */
function gpuPower(tool: AmdTool, latest: ReadResult<AmdGpuPower[]>, index: number): ReadResult<number> {
  if (!latest.ok) return latest;
  const gpu = latest.value.find((g) => g.index === index);
  if (!gpu) return notOk(`${tool.file} no longer lists GPU ${index}`);
  if (gpu.powerW === null) return notOk(gpu.reason ?? 'no power value');
  return { ok: true, value: gpu.powerW, ...(latest.atS !== undefined ? { atS: latest.atS } : {}) };
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

function toolProbes(
  tool: AmdTool,
  ctx: SourceContext,
  timeoutMs: number,
  clock: Clock | undefined,
  gpus: AmdGpuPower[],
  hw: HwGpu[],
  usable: Set<number>,
  match: Map<number, number>,
): Probe[] {
  const periodMs = Math.max(1000, ctx.intervalMs);
  // One poller for every GPU of the tool; only sources that are not duplicates start it, so a covered GPU costs no spawns.
  const poll = new SharedPoller<AmdGpuPower[]>(
    async () => {
      const a = await askPower(tool, ctx, timeoutMs);
      return a.ok ? { ok: true, value: a.gpus } : notOk(a.reason);
    },
    { periodMs, ...(clock ? { clock } : {}) },
    `${tool.file} is not polled: no source of it is started`,
  );
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
    // Only a driving source holds the poller; the others read it while a driver runs, and say why not otherwise.
    const holder = poll.holder();
    const source: GaugeSource = {
      info: { ...info, kind: 'gauge' },
      read: async () =>
        drives && !holder.held ? notOk(`${tool.file} is polled only while measuring (start() not called)`) : gpuPower(tool, poll.latest(notPolled), gpu.index),
      ...(drives ? { start: holder.start, close: holder.close } : { start: async () => undefined, close: async () => undefined }),
    };
    probes.push({ info, state: 'ok', reason: notes.length ? notes.join('; ') : null, fix: null, source });
  }
  return probes;
}

/** Options for probing AMD GPUs. */
export interface AmdGpuOptions {
  /** Milliseconds each amd-smi/rocm-smi call may take before it is killed (default 2000). */
  timeoutMs?: number;
  /** Time and timers of the background poll (default the system clock). */
  clock?: Clock;
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
    probes.push(...toolProbes(tool, ctx, timeoutMs, options.clock, answer.gpus, hw, usable, matchGpus(answer.gpus, hw, bus)));
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
