import type { Clock } from '../../clock.js';
import { join } from 'node:path';
import { readNumber, reasonOfError, stateOfError } from '../io/files.js';
import { SharedToolStream } from '../io/stream.js';
import { firstLine, runTool } from '../io/tool.js';
import type { CounterSource, Probe, ReadResult, Scope, SourceContext, SourceInfo } from '../types.js';

/**
 * RAPL through the perf `power` PMU (power-interfaces.md §2): events found in `<sysfs>/bus/event_source/devices/power`,
 * one long-running `perf stat -a --per-socket -x, -I <ms>` for all of them.
 *
 * perf prints the joules of each interval. Each source is a counter (J, `joulesPerUnit` 1, no wrap: the kernel keeps
 * 64-bit counts) that adds those intervals up, stamped with the arrival time of the line: the sampler's bracketing then
 * works on exact energies instead of integrating a power curve. An interval perf could not count (`<not counted>`)
 * would leave the running total short without a trace, so from then on that source answers why instead of a value.
 *
 * These events read the same MSRs as powercap RAPL: pass the usable powercap ids as `powercapIds` and each perf source
 * that mirrors one is marked `duplicateOf` it, so a total never counts the same domain twice.
 */

/** One line of `perf stat -x,` output, with or without the interval time and the `--per-socket` columns. */
export interface PerfStatLine {
  /** Seconds since perf started (the `-I` column), or null without interval mode. */
  timeS: number | null;
  /** Socket of a `--per-socket` line (`S0`), or null for a line aggregated over every socket. */
  socket: number | null;
  /** PMU of the event, e.g. `power`. */
  pmu: string;
  /** Event inside its PMU, e.g. `energy-pkg`. */
  event: string;
  /** What perf counted in `unit` over the interval, or null when it could not count. */
  value: number | null;
  /** Unit perf printed, e.g. `Joules`. */
  unit: string;
  /** `counted`, or the token perf printed instead of a value. */
  status: 'counted' | 'not-counted' | 'not-supported';
}

const EVENT = /^([A-Za-z_][\w.-]*)\/([\w.-]+)\/$/;

/** Parses one line of `perf stat -x, [-I ms] [--per-socket]` output; null for headers, blank lines and garbage. */
export function parsePerfStatLine(line: string): PerfStatLine | null {
  if (typeof line !== 'string' || line.length > 1000) return null;
  const fields = line.trim().split(',').map((f) => f.trim());
  const at = fields.findIndex((f, i) => i >= 2 && EVENT.test(f));
  if (at === -1) return null;
  const [, pmu, event] = EVENT.exec(fields[at] as string) as RegExpExecArray;
  const valueText = fields[at - 2] as string;
  const unit = fields[at - 1] as string;
  const prefix = fields.slice(0, at - 2);
  let timeS: number | null = null;
  let socket: number | null = null;
  if (prefix.length === 1 || prefix.length === 3) {
    const t = prefix.shift() as string;
    if (!/^\d+(\.\d+)?$/.test(t)) return null;
    timeS = Number(t);
    // Digits alone can still overflow to Infinity (hundreds of them).
    if (!Number.isFinite(timeS)) return null;
  }
  if (prefix.length === 2) {
    const s = /^S(\d+)$/.exec(prefix[0] as string);
    if (!s || !/^\d+$/.test(prefix[1] as string)) return null;
    socket = Number(s[1]);
    if (!Number.isSafeInteger(socket)) return null;
  } else if (prefix.length !== 0) return null;
  if (valueText === '<not counted>') return { timeS, socket, pmu: pmu as string, event: event as string, value: null, unit, status: 'not-counted' };
  if (valueText === '<not supported>') return { timeS, socket, pmu: pmu as string, event: event as string, value: null, unit, status: 'not-supported' };
  if (!/^\d+(\.\d+)?([eE][-+]?\d+)?$/.test(valueText)) return null;
  const value = Number(valueText);
  if (!Number.isFinite(value)) return null;
  return { timeS, socket, pmu: pmu as string, event: event as string, value, unit, status: 'counted' };
}

/** The RAPL events of the `power` PMU, what each covers, and the powercap domain it mirrors. */
const EVENTS: Array<{ event: string; scope: Scope; domain: (socket: number) => string }> = [
  { event: 'energy-pkg', scope: 'cpu-package', domain: (s) => `package-${s}` },
  { event: 'energy-ram', scope: 'dram', domain: (s) => `package-${s}:dram` },
  { event: 'energy-cores', scope: 'cpu-core', domain: (s) => `package-${s}:core` },
  // PP1, the client "GPU" plane, is the integrated graphics inside the package: powercap names it uncore.
  { event: 'energy-gpu', scope: 'cpu-uncore', domain: (s) => `package-${s}:uncore` },
  { event: 'energy-psys', scope: 'psys', domain: (s) => (s === 0 ? 'psys' : `package-${s}:psys`) },
];

/** Powercap control types in the order their ids are preferred as the original of a mirror. */
const POWERCAP_PREFIXES = ['rapl', 'rapl-tpmi', 'rapl-mmio'];

/** The persistent fix for `perf_event_paranoid` > 0 without CAP_PERFMON. */
export const PERF_FIX =
  `allow CPU-wide perf events for every user at each boot: echo 'kernel.perf_event_paranoid = 0' | sudo tee /etc/sysctl.d/60-wattbench-perf.conf && sudo sysctl -p /etc/sysctl.d/60-wattbench-perf.conf ` +
  `(or give the perf binary the capability instead, Linux 5.8+: sudo setcap cap_perfmon+ep "$(readlink -f "$(command -v perf)")")`;

const INSTALL_FIX = 'install perf: sudo apt install linux-tools-common "linux-tools-$(uname -r)" (Debian/Ubuntu) or sudo dnf install perf (Fedora/RHEL)';

/** CAP_PERFMON (38) and CAP_SYS_ADMIN (21) both allow CPU-wide events whatever perf_event_paranoid says. */
const CAP_PERFMON = 38n;
const CAP_SYS_ADMIN = 21n;

/** Whether `<procfs>/self/status` shows CAP_PERFMON or CAP_SYS_ADMIN in the effective set. */
async function hasPerfCapability(ctx: SourceContext): Promise<boolean> {
  try {
    const hex = /^CapEff:\s*([0-9a-f]+)\s*$/im.exec(await ctx.files.readText(join(ctx.procfs, 'self', 'status')))?.[1];
    if (!hex) return false;
    const caps = BigInt(`0x${hex}`);
    return ((caps >> CAP_PERFMON) & 1n) === 1n || ((caps >> CAP_SYS_ADMIN) & 1n) === 1n;
  } catch {
    return false;
  }
}

/** One streaming `perf stat` shared by every perf source: per key (`socket:event`) the running total in joules. */
class PerfStream extends SharedToolStream<string> {
  private readonly lost = new Map<string, string>();

  constructor(args: string[], env: NodeJS.ProcessEnv, firstRecordTimeoutMs: number, staleAfterS: number, clock?: Clock) {
    super('perf', args, { label: 'perf', recordName: 'line', env, firstRecordTimeoutMs, staleAfterS, ...(clock ? { clock } : {}) });
  }

  read(key: string): ReadResult<number> {
    return this.readLatest(key, 'no perf interval yet', (age) => `stale: last perf interval ${age} s ago`);
  }

  protected override unusable(key: string): string | null {
    return this.lost.get(key) ?? null;
  }

  protected reset(): void {
    this.lost.clear();
  }

  protected take(line: string, atS: number): void {
    const parsed = parsePerfStatLine(line);
    if (!parsed || parsed.socket === null) {
      if (!line.trim().startsWith('#')) this.garbage = JSON.stringify(line.trim().slice(0, 60));
      return;
    }
    this.garbage = null;
    const key = `${parsed.socket}:${parsed.event}`;
    if (parsed.status === 'counted' && parsed.value !== null && parsed.unit === 'Joules') {
      const total = this.latest.get(key) ?? { value: 0, atS };
      total.value += parsed.value;
      total.atS = atS;
      this.latest.set(key, total);
    } else if (!this.lost.has(key)) {
      const when = parsed.timeS === null ? '' : ` in the interval ending at ${parsed.timeS.toFixed(3)} s`;
      this.lost.set(key, `perf printed <${parsed.status.replace('-', ' ')}> for ${parsed.pmu}/${parsed.event}/ on socket ${parsed.socket}${when}: the running total would be short from then on`);
    }
  }
}

/** Options of the perf probe. */
export interface PerfOptions {
  /** The platform to behave as (default `process.platform`): perf's power PMU exists on `linux` only. */
  platform?: NodeJS.Platform;
  /** Longest wait for the probe run, and for the stream's first interval beyond one interval (default 5000 ms). */
  timeoutMs?: number;
  /** Ids of usable powercap sources (`rapl:package-0`, `rapl:package-0:dram`…): perf sources reading the same domain are marked `duplicateOf` them. */
  powercapIds?: string[];
  /** A streamed total older than this many seconds is refused as stale (default: three intervals, at least 3 s). */
  staleAfterS?: number;
  /** Time and timers of the stream (default the system clock). */
  clock?: Clock;
}

const PERF_INFO: SourceInfo = { id: 'perf', kind: 'counter', scope: 'cpu-package', quality: 'measured', description: 'RAPL energy through the perf power PMU' };

/** Reads the Joule events of the power PMU with their scale, or the probe that says why there are none. */
async function pmuEvents(ctx: SourceContext): Promise<{ events: Array<{ event: string; scale: number }>; skipped: string[] } | Probe> {
  const dir = join(ctx.sysfs, 'bus', 'event_source', 'devices', 'power', 'events');
  let names: string[];
  try {
    names = await ctx.files.list(dir);
  } catch (err) {
    const state = stateOfError(err);
    const reason = state === 'absent' ? `no perf power PMU (${dir} missing: a VM, a CPU without RAPL, or not Linux)` : reasonOfError(err, dir);
    return { info: PERF_INFO, state, reason, fix: null };
  }
  const events: Array<{ event: string; scale: number }> = [];
  const skipped: string[] = [];
  for (const { event } of EVENTS) {
    if (!names.includes(event)) continue;
    let unit = '';
    try {
      unit = (await ctx.files.readText(join(dir, `${event}.unit`))).trim();
    } catch (err) {
      skipped.push(`${event}: ${reasonOfError(err, join(dir, `${event}.unit`))}`);
      continue;
    }
    const scale = await readNumber(ctx.files, join(dir, `${event}.scale`));
    // perf prints count × scale in the event's unit: only a Joule event with a sane scale is an energy.
    if (unit !== 'Joules' || !scale.ok || scale.value <= 0) {
      skipped.push(`${event}: unit ${JSON.stringify(unit)}${scale.ok ? '' : `, ${scale.reason}`}`);
      continue;
    }
    events.push({ event, scale: scale.value });
  }
  if (events.length === 0) {
    return { info: PERF_INFO, state: 'absent', reason: `the perf power PMU lists no Joule event in ${dir}${skipped.length ? ` (${skipped.join('; ')})` : ''}`, fix: null };
  }
  return { events, skipped };
}

/** Probes perf's power PMU: one counter per (socket, RAPL event) that perf can count, e.g. `perf:package-0`, `perf:package-0:dram`. */
export async function probePerf(ctx: SourceContext, options: PerfOptions = {}): Promise<Probe[]> {
  const platform = options.platform ?? process.platform;
  if (platform !== 'linux') return [{ info: PERF_INFO, state: 'absent', reason: `perf power events exist on Linux only (this is ${platform})`, fix: null }];
  const timeoutMs = options.timeoutMs ?? 5000;
  const found = await pmuEvents(ctx);
  if ('state' in found) return [found];
  const { events } = found;

  const eventList = events.map((e) => `power/${e.event}/`).join(',');
  const common = ['stat', '-a', '--per-socket', '-x,', '--log-fd', '1'];
  const once = await runTool('perf', [...common, '-I', '100', '--interval-count', '1', '-e', eventList], { timeoutMs, env: ctx.env });
  if (!once.ok) return [{ info: PERF_INFO, state: once.state, reason: once.reason, fix: once.state === 'absent' ? INSTALL_FIX : null }];
  const output = `${once.stdout}\n${once.stderr}`;
  const lines = output
    .split('\n')
    .map(parsePerfStatLine)
    .filter((l): l is PerfStatLine => l !== null && l.socket !== null && l.pmu === 'power');
  if (lines.length === 0 || lines.every((l) => l.status !== 'counted')) {
    if (/perf not found for kernel/i.test(output)) return [{ info: PERF_INFO, state: 'absent', reason: firstLine(output), fix: INSTALL_FIX }];
    const paranoid = await readNumber(ctx.files, join(ctx.procfs, 'sys', 'kernel', 'perf_event_paranoid'));
    const capable = await hasPerfCapability(ctx);
    const restricted = paranoid.ok && paranoid.value > 0 && !capable;
    if (/perf_event_paranoid|Permission denied|Operation not permitted|Access to performance monitoring/i.test(output) || (restricted && lines.length === 0)) {
      const why = paranoid.ok ? `perf_event_paranoid is ${paranoid.value}` : 'perf_event_paranoid is unreadable';
      const reason = capable
        ? `perf refused CPU-wide RAPL events although this process has CAP_PERFMON (${why}): ${firstLine(once.stderr || once.stdout)}`
        : `perf may not open CPU-wide RAPL events: ${why} and this process has no CAP_PERFMON`;
      return [{ info: PERF_INFO, state: 'permission', reason, fix: PERF_FIX }];
    }
    if (lines.length === 0) {
      const code = once.code !== 0 ? ` (exit ${once.code})` : '';
      return [{ info: PERF_INFO, state: 'error', reason: `perf printed no power event line${code}: ${firstLine(once.stderr || once.stdout) || 'empty output'}`, fix: null }];
    }
  }

  const intervalMs = Math.max(100, Math.round(ctx.intervalMs));
  const staleAfterS = options.staleAfterS ?? Math.max((3 * intervalMs) / 1000, 3);
  const counted = [...new Set(lines.filter((l) => l.status === 'counted').map((l) => l.event))];
  const stream = new PerfStream(
    [...common, '-I', String(intervalMs), '-e', counted.map((e) => `power/${e}/`).join(',')],
    ctx.env,
    intervalMs + timeoutMs,
    staleAfterS,
    options.clock,
  );
  const powercapIds = new Set(options.powercapIds ?? []);
  const seen = new Set<string>();
  const probes: Probe[] = [];
  const ordered = [...lines].sort((a, b) => (a.socket ?? 0) - (b.socket ?? 0) || EVENTS.findIndex((e) => e.event === a.event) - EVENTS.findIndex((e) => e.event === b.event));
  for (const line of ordered) {
    const spec = EVENTS.find((e) => e.event === line.event);
    const socket = line.socket as number;
    const key = `${socket}:${line.event}`;
    if (!spec || seen.has(key)) continue;
    seen.add(key);
    const domain = spec.domain(socket);
    const scale = events.find((e) => e.event === line.event)?.scale;
    const info: SourceInfo = {
      id: `perf:${domain}`,
      kind: 'counter',
      scope: spec.scope,
      quality: 'measured',
      description:
        `perf stat power/${line.event}/ on socket ${socket} (RAPL through perf_event_open, scale ${scale} J per count), ` +
        `printed in J per ${intervalMs} ms interval and summed into a running total in J`,
      joulesPerUnit: 1,
      maxRange: null,
      updatePeriodS: intervalMs / 1000,
    };
    const original = POWERCAP_PREFIXES.map((p) => `${p}:${domain}`).find((id) => powercapIds.has(id));
    if (original) info.duplicateOf = original;
    else if (line.event === 'energy-psys' && socket > 0) info.duplicateOf = 'perf:psys';
    if (line.status !== 'counted') {
      probes.push({ info, state: 'error', reason: `perf prints <${line.status.replace('-', ' ')}> for power/${line.event}/ on socket ${socket}`, fix: null });
      continue;
    }
    const { start, close } = stream.holder();
    const source: CounterSource = { info: { ...info, kind: 'counter' }, read: async () => stream.read(key), start, close };
    probes.push({ info, state: 'ok', reason: info.duplicateOf ? `mirrors ${info.duplicateOf}; never added to a total` : null, fix: null, source });
  }
  return probes;
}
