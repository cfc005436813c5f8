import type { Clock } from '../../clock.js';
import { parsePlist, plistDict, type PlistDict, type PlistValue } from './plist.js';
import { SharedToolStream } from '../io/stream.js';
import { firstLine, runTool, type ToolResult } from '../io/tool.js';
import type { GaugeSource, Probe, ReadResult, Scope, SourceContext, SourceInfo } from '../types.js';

/**
 * Apple macOS power through `powermetrics --samplers cpu_power,gpu_power` (power-interfaces.md §8): probed once, then
 * one long-running process streams NUL-separated plist samples (text output where plist carries no power figures).
 *
 * Totals: `apple:cpu` (cpu-package), `apple:gpu` (gpu) and `apple:ane` (npu) are disjoint and add up to the tool's own
 * "Combined Power (CPU + GPU + ANE)", so all three enter a total and Combined itself is never a source (it would count
 * everything twice). Monterey's `dram_energy` becomes `apple:dram` (dram). Intel Macs have one figure, the package
 * power (CPUs + GT + SA), as `apple:package` (cpu-package).
 */

/** One powermetrics sample in watts; a figure the sample does not carry is null. */
export interface PowermetricsSample {
  /** Seconds the sample covers (`elapsed_ns`, or the `(N ms elapsed)` header), or null when not printed. */
  elapsedS: number | null;
  /** CPU power (all clusters), Apple silicon. */
  cpuW: number | null;
  /** GPU power, Apple silicon. */
  gpuW: number | null;
  /** Apple Neural Engine power. */
  aneW: number | null;
  /** DRAM power (Monterey plists only). */
  dramW: number | null;
  /** CPU + GPU + ANE as printed by the tool, or their sum when it prints no Combined figure. */
  combinedW: number | null;
  /** Intel Macs: "Intel energy model derived package power (CPUs+GT+SA)". */
  packageW: number | null;
}

type Channel = 'cpu' | 'gpu' | 'ane' | 'dram' | 'package';

const CHANNELS: Array<{ channel: Channel; field: keyof PowermetricsSample; scope: Scope; label: string; plistKey: string; textLine: string }> = [
  { channel: 'cpu', field: 'cpuW', scope: 'cpu-package', label: 'CPU power (all clusters)', plistKey: 'processor.cpu_power', textLine: 'CPU Power: N mW' },
  { channel: 'gpu', field: 'gpuW', scope: 'gpu', label: 'GPU power', plistKey: 'processor.gpu_power', textLine: 'GPU Power: N mW' },
  { channel: 'ane', field: 'aneW', scope: 'npu', label: 'Apple Neural Engine power', plistKey: 'processor.ane_power', textLine: 'ANE Power: N mW' },
  { channel: 'dram', field: 'dramW', scope: 'dram', label: 'DRAM power', plistKey: 'processor.dram_energy / elapsed_ns', textLine: 'DRAM Power: N mW' },
  {
    channel: 'package',
    field: 'packageW',
    scope: 'cpu-package',
    label: 'Intel package power (CPUs + GT + SA)',
    plistKey: 'processor.package_watts',
    textLine: 'Intel energy model derived package power (CPUs+GT+SA): N W',
  },
];

/** The exact line a person adds (with `sudo visudo -f /etc/sudoers.d/powermetrics`) so that `sudo -n powermetrics` never prompts. */
export const POWERMETRICS_SUDOERS_LINE = '%admin ALL=(root) NOPASSWD: /usr/bin/powermetrics';

const SUDOERS_FIX = `allow passwordless powermetrics: run "sudo visudo -f /etc/sudoers.d/powermetrics" and add the line "${POWERMETRICS_SUDOERS_LINE}" (or run wattbench as root)`;

const SAMPLERS = 'cpu_power,gpu_power';
/** powermetrics is a heavy process; sampling faster than this would disturb what it measures. */
const MIN_INTERVAL_MS = 200;
/** No single Apple channel draws 10 kW: a bigger figure is garbage. */
const MAX_MW = 1e7;

function milliwatts(value: PlistValue | undefined | number): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_MW ? value : null;
}

function numberOf(text: string | undefined): number | null {
  if (text === undefined || !/^\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text)) return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

function withCombined(sample: PowermetricsSample): PowermetricsSample {
  // Some machines print no Combined line (M2 Air in joularjx #51): it is the sum of the parts it names.
  if (sample.combinedW === null && sample.cpuW !== null) sample.combinedW = sample.cpuW + (sample.gpuW ?? 0) + (sample.aneW ?? 0);
  return sample;
}

const NUM = '([-+]?[\\d.]+(?:[eE][-+]?\\d+)?)';
const HEADER = /^\*\*\* Sampled system activity\b.*\(([\d.]+)\s*ms elapsed\)/;
const TEXT_LINES: Array<{ re: RegExp; field: keyof PowermetricsSample; mwPerUnit: number }> = [
  { re: new RegExp(`^CPU Power:\\s*${NUM}\\s*mW\\b`), field: 'cpuW', mwPerUnit: 1 },
  { re: new RegExp(`^GPU Power:\\s*${NUM}\\s*mW\\b`), field: 'gpuW', mwPerUnit: 1 },
  { re: new RegExp(`^ANE Power:\\s*${NUM}\\s*mW\\b`), field: 'aneW', mwPerUnit: 1 },
  // Monterey-era text; unconfirmed, and harmless where the line does not exist.
  { re: new RegExp(`^DRAM Power:\\s*${NUM}\\s*mW\\b`), field: 'dramW', mwPerUnit: 1 },
  { re: new RegExp(`^Combined Power\\b[^:]*:\\s*${NUM}\\s*mW\\b`), field: 'combinedW', mwPerUnit: 1 },
  { re: new RegExp(`^Intel energy model derived package power\\b[^:]*:\\s*${NUM}\\s*W\\b`), field: 'packageW', mwPerUnit: 1000 },
];

const empty = (): PowermetricsSample => ({ elapsedS: null, cpuW: null, gpuW: null, aneW: null, dramW: null, combinedW: null, packageW: null });

type TextLine = { header: true; elapsedS: number | null } | { header: false; field: keyof PowermetricsSample; watts: number };

/** Reads one text line: a sample header, a power figure in W, or null for every other line (and garbage). */
function textLine(raw: string): TextLine | null {
  const line = raw.trim();
  if (line.length > 1000) return null;
  if (line.startsWith('*** Sampled system activity')) {
    const ms = numberOf(HEADER.exec(line)?.[1]);
    return { header: true, elapsedS: ms !== null && ms > 0 ? ms / 1000 : null };
  }
  for (const { re, field, mwPerUnit } of TEXT_LINES) {
    const m = re.exec(line);
    if (!m) continue;
    const mw = milliwatts((numberOf(m[1]) ?? NaN) * mwPerUnit);
    return mw === null ? null : { header: false, field, watts: mw / 1000 };
  }
  return null;
}

/**
 * Parses the first sample of powermetrics text output (Apple-silicon mW lines, with or without the Combined line, or
 * the Intel-Mac W line) into watts; null when it holds no power figure.
 */
export function parsePowermetricsText(text: string): PowermetricsSample | null {
  if (typeof text !== 'string') return null;
  const sample = empty();
  let headers = 0;
  let found = false;
  for (const raw of text.split('\n')) {
    const line = textLine(raw);
    if (!line) continue;
    if (line.header) {
      headers += 1;
      if (headers > 1) break;
      sample.elapsedS = line.elapsedS;
      continue;
    }
    // The GPU sampler section repeats "GPU Power:"; the processor summary comes first and is the one kept.
    if (sample[line.field] !== null) continue;
    sample[line.field] = line.watts;
    found = true;
  }
  return found ? withCombined(sample) : null;
}

/** Parses one powermetrics plist sample (Ventura+ `*_power` keys in mW, or Monterey `*_energy` keys in mJ over `elapsed_ns`) into watts; null when it holds no power figure. */
export function parsePowermetricsPlist(xml: string): PowermetricsSample | null {
  const root = plistDict(parsePlist(xml));
  if (!root) return null;
  const ns = root.elapsed_ns;
  const elapsedS = typeof ns === 'number' && Number.isFinite(ns) && ns > 0 ? ns / 1e9 : null;
  const processor = plistDict(root.processor);
  const gpu = plistDict(root.gpu);
  const mw = (powerKey: string, energyKey: string, ...dicts: Array<PlistDict | null>): number | null => {
    for (const d of dicts) {
      const v = milliwatts(d?.[powerKey]);
      if (v !== null) return v;
    }
    // Monterey has only energies: mJ over the sample divided by its seconds is mW.
    for (const d of dicts) {
      const e = milliwatts(d?.[energyKey]);
      if (e !== null && elapsedS !== null) return milliwatts(e / elapsedS);
    }
    return null;
  };
  const w = (v: number | null): number | null => (v === null ? null : v / 1000);
  // Unconfirmed key for Intel-Mac plists: when it is absent the probe falls back to the text line, which is confirmed.
  const packageW = processor?.package_watts;
  const sample: PowermetricsSample = {
    elapsedS,
    cpuW: w(mw('cpu_power', 'cpu_energy', processor)),
    gpuW: w(mw('gpu_power', 'gpu_energy', processor, gpu)),
    aneW: w(mw('ane_power', 'ane_energy', processor)),
    dramW: w(mw('dram_power', 'dram_energy', processor)),
    combinedW: w(milliwatts(processor?.combined_power)),
    packageW: typeof packageW === 'number' && milliwatts(packageW * 1000) !== null ? packageW : null,
  };
  if (sample.cpuW === null && sample.gpuW === null && sample.aneW === null && sample.dramW === null && sample.packageW === null) return null;
  return withCombined(sample);
}

/** The first NUL-separated record of `-f plist` output that parses as a sample, or null. */
function firstPlistSample(stdout: string): PowermetricsSample | null {
  for (const record of stdout.split('\0')) {
    if (record.trim() === '') continue;
    const sample = parsePowermetricsPlist(record);
    if (sample) return sample;
  }
  return null;
}

/** The probe state, one-line reason and fix when a run's output says powermetrics was refused or is missing, else null. */
function refusal(output: string): Pick<Probe, 'state' | 'reason' | 'fix'> | null {
  const line = firstLine(output);
  if (/superuser|must be run as root|a password is required|a terminal is required|not in the sudoers|may not run sudo|not allowed to execute/i.test(output)) {
    return { state: 'permission', reason: `powermetrics needs root: ${line}`, fix: SUDOERS_FIX };
  }
  if (/command not found/i.test(output)) return { state: 'absent', reason: line, fix: null };
  return null;
}

/** One streaming powermetrics shared by every Apple source: per channel the latest power in watts. */
class PowermetricsStream extends SharedToolStream<Channel> {
  private linesInSample = 0;
  private readonly published = new Set<Channel>();

  constructor(file: string, args: string[], private readonly format: 'plist' | 'text', env: NodeJS.ProcessEnv, firstRecordTimeoutMs: number, staleAfterS: number, clock?: Clock) {
    super(file, args, { label: 'powermetrics', recordName: 'record', env, separator: format === 'plist' ? '\0' : '\n', firstRecordTimeoutMs, staleAfterS, ...(clock ? { clock } : {}) });
  }

  read(channel: Channel): ReadResult<number> {
    return this.readLatest(
      channel,
      `no powermetrics sample with ${channel} power yet`,
      (age) => `stale: last powermetrics ${channel} sample ${age} s ago`,
    );
  }

  protected reset(): void {
    this.linesInSample = 0;
    this.published.clear();
  }

  protected take(record: string, atS: number): void {
    if (this.format === 'plist') this.takePlist(record, atS);
    else this.takeLine(record, atS);
  }

  private takePlist(record: string, atS: number): void {
    const sample = parsePowermetricsPlist(record);
    if (!sample) {
      this.garbage = JSON.stringify(firstLine(record).slice(0, 60));
      return;
    }
    this.garbage = null;
    for (const { channel, field } of CHANNELS) {
      const v = sample[field];
      if (v !== null) this.latest.set(channel, { value: v, atS });
    }
  }

  private takeLine(raw: string, atS: number): void {
    const line = textLine(raw);
    if (line?.header) {
      this.linesInSample = 0;
      this.published.clear();
      this.garbage = null;
      return;
    }
    this.linesInSample += 1;
    if (this.linesInSample === 5000) this.garbage = 'no "*** Sampled system activity" header in 5000 lines';
    if (!line) return;
    const channel = CHANNELS.find((c) => c.field === line.field)?.channel;
    // Each figure is taken once per sample, as its line arrives, so the GPU section's repeat cannot overwrite it.
    if (!channel || this.published.has(channel)) return;
    this.published.add(channel);
    this.latest.set(channel, { value: line.watts, atS });
  }
}

/** Options of the powermetrics probe. */
export interface PowermetricsOptions {
  /** The platform to behave as (default `process.platform`): powermetrics is tried on `darwin` only. */
  platform?: NodeJS.Platform;
  /** Longest wait for the probe run, and for the stream's first sample beyond one interval (default 5000 ms). */
  timeoutMs?: number;
  /** Whether this process runs as root (default: uid 0); otherwise powermetrics runs as `sudo -n powermetrics`, which never prompts. */
  root?: boolean;
  /** A streamed value older than this many seconds is refused as stale (default: three intervals, at least 3 s). */
  staleAfterS?: number;
  /** Time and timers of the stream (default the system clock). */
  clock?: Clock;
}

const APPLE_INFO: SourceInfo = { id: 'apple', kind: 'gauge', scope: 'cpu-package', quality: 'measured', description: 'Apple powermetrics CPU/GPU/ANE power' };

/** Probes Apple powermetrics: one gauge per power figure it prints (`apple:cpu`, `apple:gpu`, `apple:ane`, or `apple:package` on Intel Macs). */
export async function probePowermetrics(ctx: SourceContext, options: PowermetricsOptions = {}): Promise<Probe[]> {
  const platform = options.platform ?? process.platform;
  if (platform !== 'darwin') return [{ info: APPLE_INFO, state: 'absent', reason: `powermetrics exists on macOS only (this is ${platform})`, fix: null }];
  const timeoutMs = options.timeoutMs ?? 5000;
  const root = options.root ?? process.getuid?.() === 0;
  const command = (args: string[]): [string, string[]] => (root ? ['powermetrics', args] : ['sudo', ['-n', 'powermetrics', ...args]]);
  const run = (args: string[]): Promise<ToolResult> => {
    const [file, argv] = command(args);
    return runTool(file, argv, { timeoutMs, env: ctx.env });
  };
  const once = (format: 'plist' | 'text'): string[] => ['--samplers', SAMPLERS, ...(format === 'plist' ? ['-f', 'plist'] : []), '-i', '100', '-n', '1'];

  const plist = await run(once('plist'));
  if (!plist.ok) {
    const fix = plist.state === 'absent' && !root ? 'run wattbench as root, or install sudo' : null;
    return [{ info: APPLE_INFO, state: plist.state, reason: plist.reason, fix }];
  }
  const refused = refusal(`${plist.stderr}\n${plist.stdout}`);
  if (refused) return [{ info: APPLE_INFO, ...refused }];
  let format: 'plist' | 'text' = 'plist';
  let sample = firstPlistSample(plist.stdout);
  let failure = plist;
  if (!sample) {
    // Where the plist carries no power keys (Intel Macs, unknown versions), the text lines are the fallback.
    const text = await run(once('text'));
    if (text.ok) {
      sample = parsePowermetricsText(text.stdout);
      format = 'text';
      failure = text;
    }
  }
  if (!sample) {
    const what = failure.ok ? `${failure.stderr}\n${failure.stdout}` : '';
    const code = failure.ok && failure.code !== 0 ? ` (exit ${failure.code})` : '';
    return [{ info: APPLE_INFO, state: 'error', reason: `powermetrics printed no power figure${code}: ${firstLine(what) || 'empty output'}`, fix: null }];
  }

  const intervalMs = Math.max(MIN_INTERVAL_MS, Math.round(ctx.intervalMs));
  const [file, args] = command(['--samplers', SAMPLERS, ...(format === 'plist' ? ['-f', 'plist'] : []), '-i', String(intervalMs)]);
  const staleAfterS = options.staleAfterS ?? Math.max((3 * intervalMs) / 1000, 3);
  const stream = new PowermetricsStream(file, args, format, ctx.env, intervalMs + timeoutMs, staleAfterS, options.clock);
  const via = root ? '' : ' through sudo -n';

  const probes: Probe[] = [];
  for (const { channel, field, scope, label, plistKey, textLine } of CHANNELS) {
    const first = sample[field];
    if (first === null) continue;
    const info: SourceInfo = {
      id: `apple:${channel}`,
      kind: 'gauge',
      scope,
      quality: 'measured',
      description: `powermetrics ${label} (${format === 'plist' ? `plist ${plistKey}` : `text "${textLine}"`}) in W, averaged over each ${intervalMs} ms sample${via}`,
      updatePeriodS: intervalMs / 1000,
      // Each figure is the mean power over the sample before it (power-interfaces.md §8): a window's edges are known to one sample.
      fidelity: 'averaged',
      averagingS: intervalMs / 1000,
    };
    if (channel === 'cpu' && first === 0) {
      probes.push({ info, state: 'error', reason: 'powermetrics reports CPU power 0 mW, which no running CPU draws (seen on macOS betas): treated as unsupported', fix: null });
      continue;
    }
    const { start, close } = stream.holder();
    const source: GaugeSource = { info: { ...info, kind: 'gauge' }, read: async () => stream.read(channel), start, close };
    probes.push({ info, state: 'ok', reason: root ? null : 'streams sudo -n powermetrics', fix: null, source });
  }
  return probes;
}
