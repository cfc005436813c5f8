import type { Clock } from '../../clock.js';
import { SharedPoller } from '../io/poller.js';
import { firstLine, runTool, type ToolResult } from '../io/tool.js';
import type { GaugeSource, Probe, ProbeState, SourceContext, SourceInfo } from '../types.js';

/**
 * Server wall power from the BMC through `ipmitool dcmi power reading` (power-interfaces.md §10.1): the local BMC
 * through /dev/ipmi0 (root, or a group given the device), or a remote one over `-I lanplus`. ipmitool cannot stream and
 * a BMC refreshes its reading every second or two, so one background poller runs it at most once a second.
 */

/** Options for probing IPMI DCMI. */
export interface IpmiOptions {
  /** Kill an ipmitool call after this many ms (default 3000 local, 5000 remote; at most 5000). */
  timeoutMs?: number;
  /**
   * A remote BMC to ask over `-I lanplus` instead of the local one; the user comes from `WATTBENCH_IPMI_USER` and the
   * password from `WATTBENCH_IPMI_PASSWORD`, handed to ipmitool in its environment (`-E`), never on the command line.
   */
  host?: string;
  /** Time and timers of the background poll (default the system clock). */
  clock?: Clock;
}

/** One `dcmi power reading` answer. */
export interface DcmiPowerReading {
  /** Instantaneous power (W), or null when unreadable. */
  powerW: number | null;
  minW: number | null;
  maxW: number | null;
  averageW: number | null;
  /** The BMC's timestamp as printed (a 1970 date means it never measured). */
  timestamp: string | null;
  samplingPeriodS: number | null;
  /** `Power reading state is:` as printed, lower case, or null when absent. */
  state: string | null;
  /** True when the BMC does not measure: state `deactivated`, or every reading 0 W with a 1970 timestamp. */
  deactivated: boolean;
}

const TOOL = 'ipmitool';
const MIN_PERIOD_MS = 1000;
/** A single server's BMC never reports more than this; a larger number is garbage. */
const MAX_PLAUSIBLE_W = 100_000;

/** The persistent fix when /dev/ipmi0 is root-only. */
export const IPMI_PERMISSION_FIX =
  'run wattbench as root, or let a group use the IPMI device at every boot: write /etc/udev/rules.d/60-wattbench-ipmi.rules containing ' +
  'KERNEL=="ipmi*", GROUP="ipmi", MODE="0660" then run: sudo groupadd -f ipmi && sudo usermod -aG ipmi $USER && ' +
  'sudo udevadm trigger --subsystem-match=ipmi --action=add and log in again';

/** The fix when the IPMI device node is missing on a server that has a BMC. */
export const IPMI_DRIVER_FIX =
  'load the IPMI drivers: sudo modprobe -a ipmi_si ipmi_devintf (at every boot: write /etc/modules-load.d/ipmi.conf containing the lines ipmi_si and ipmi_devintf)';

function watts(text: string, label: RegExp): number | null {
  const m = new RegExp(`${label.source}\\s*:?\\s*(\\S+)\\s*Watts`, 'i').exec(text);
  const token = m?.[1];
  if (token === undefined || !/^\d+(?:\.\d+)?$/.test(token)) return null;
  const w = Number(token);
  return w <= MAX_PLAUSIBLE_W ? w : null;
}

/**
 * Parses `ipmitool dcmi power reading`: padded `Label: N Watts` lines, the Supermicro variant with the sampling period
 * on the timestamp's line, and the deactivated answer (zeros, 1970). Returns null when there is no instantaneous line.
 */
export function parseDcmiPowerReading(text: string): DcmiPowerReading | null {
  if (typeof text !== 'string' || !/Instantaneous power reading/i.test(text)) return null;
  const powerW = watts(text, /Instantaneous power reading/);
  const minW = watts(text, /Minimum during sampling period/);
  const maxW = watts(text, /Maximum during sampling period/);
  const averageW = watts(text, /Average power reading over sample period/);
  const stampLine = text.split(/\r?\n/).find((l) => /IPMI timestamp\s*:/i.test(l));
  const timestamp = stampLine
    ? (stampLine
        .replace(/^.*?IPMI timestamp\s*:/i, '')
        .replace(/Sampling period.*$/i, '')
        .trim() || null)
    : null;
  const period = /Sampling period\s*:\s*(\d{1,12})\s*Seconds/i.exec(text)?.[1];
  const state = /Power reading state is\s*:\s*(\w+)/i.exec(text)?.[1]?.toLowerCase() ?? null;
  const allZero = [powerW, minW, maxW, averageW].every((w) => w === 0 || w === null) && powerW === 0;
  const deactivated = state === 'deactivated' || (allZero && timestamp !== null && /\b1970\b/.test(timestamp));
  return { powerW, minW, maxW, averageW, timestamp, samplingPeriodS: period === undefined ? null : Number(period), state, deactivated };
}

/** Why a parsed reading cannot be used, or null when it can. */
function unusableReading(r: DcmiPowerReading): string | null {
  if (r.deactivated) {
    return `DCMI power reading is deactivated (the BMC reports ${r.powerW ?? '?'} W, timestamp ${JSON.stringify(r.timestamp ?? '')}, state ${r.state ?? 'not given'})`;
  }
  if (r.powerW === null) return 'the instantaneous power reading is not a number';
  // A running server cannot draw 0 W at the wall: a BMC that answers 0 is not measuring.
  if (r.powerW === 0) return 'the BMC reports 0 W: it is not measuring power';
  return null;
}

function oneLine(text: string, pattern?: RegExp): string {
  const line = (pattern && text.split('\n').find((l) => pattern.test(l))) || text;
  // eslint-disable-next-line no-control-regex
  return firstLine(line).replace(/[\u0000-\u001f\u007f-\u009f\ufffd]/g, '?');
}

/** Maps a failed or unparseable ipmitool answer to a state, a reason and a fix. */
function classify(r: ToolResult, remote: boolean): { state: Exclude<ProbeState, 'ok'>; reason: string; fix: string | null } {
  if (!r.ok) return { state: r.state, reason: r.state === 'absent' ? `${r.reason} (install ipmitool)` : r.reason, fix: null };
  const all = `${r.stderr}\n${r.stdout}`;
  if (/Could not open device/i.test(all) && /Permission denied/i.test(all)) {
    return { state: 'permission', reason: `${TOOL} cannot open the IPMI device: ${oneLine(all, /Could not open device/i)}`, fix: IPMI_PERMISSION_FIX };
  }
  if (/Could not open device/i.test(all)) {
    return { state: 'absent', reason: `no IPMI device (no BMC, a VM, or the IPMI drivers are not loaded): ${oneLine(all, /Could not open device/i)}`, fix: IPMI_DRIVER_FIX };
  }
  if (/DCMI request failed|Invalid command/i.test(all)) {
    return { state: 'error', reason: `the BMC does not answer DCMI power reading: ${oneLine(all, /DCMI request failed|Invalid command/i)}`, fix: null };
  }
  if (remote && /Unable to establish|session|password|Unauthorized/i.test(all)) {
    return {
      state: 'error',
      reason: `no IPMI session with the BMC: ${oneLine(all, /Unable to establish|session|password|Unauthorized/i)} (check the host, WATTBENCH_IPMI_USER and WATTBENCH_IPMI_PASSWORD)`,
      fix: null,
    };
  }
  const what = oneLine(r.stderr) || oneLine(r.stdout) || 'no output';
  const outcome = r.code === 0 ? 'printed no power reading' : `failed (${r.signal ?? `exit ${r.code}`})`;
  return { state: 'error', reason: `${TOOL} dcmi power reading ${outcome}: ${what}`, fix: null };
}

/** Probes IPMI DCMI wall power: one `system-wall` gauge, or why it cannot be read and the fix. */
export async function probeIpmi(ctx: SourceContext, options: IpmiOptions = {}): Promise<Probe[]> {
  const remote = options.host !== undefined && options.host !== '';
  const timeoutMs = Math.min(Math.max(1, options.timeoutMs ?? (remote ? 5000 : 3000)), 5000);
  const args = remote
    ? ['-I', 'lanplus', '-H', options.host as string, '-U', ctx.env.WATTBENCH_IPMI_USER ?? '', '-E', 'dcmi', 'power', 'reading']
    : ['dcmi', 'power', 'reading'];
  // ipmitool -E reads the password from IPMI_PASSWORD, so it never shows in the process list.
  const env = remote ? { ...ctx.env, IPMI_PASSWORD: ctx.env.WATTBENCH_IPMI_PASSWORD ?? '' } : ctx.env;
  const id = remote ? `ipmi:dcmi:${options.host}` : 'ipmi:dcmi';
  const where = remote ? `the BMC at ${options.host} (lanplus)` : 'the local BMC (/dev/ipmi0)';
  const periodMs = Math.max(MIN_PERIOD_MS, ctx.intervalMs);
  const periodS = periodMs / 1000;
  const info: SourceInfo & { kind: 'gauge' } = {
    id,
    kind: 'gauge',
    scope: 'system-wall',
    quality: 'measured',
    description:
      `wall power of the whole server (W, integer, the BMC's instantaneous reading) from \`${TOOL} dcmi power reading\` via ${where}, ` +
      `polled every ${periodS} s`,
    updatePeriodS: periodS,
    minIntervalS: periodS,
    // The `Instantaneous power reading` line is read, not the sampling-period average beside it (power-interfaces.md §10.1).
    fidelity: 'instant',
  };
  if (remote && !ctx.env.WATTBENCH_IPMI_USER) {
    const fix = 'set WATTBENCH_IPMI_USER and WATTBENCH_IPMI_PASSWORD for a BMC account (a read-only user is enough)';
    return [{ info, state: 'permission', reason: `no BMC user for ${options.host}`, fix }];
  }

  type Fetched = { ok: true; value: number } | { ok: false; reason: string; state: Exclude<ProbeState, 'ok'>; fix: string | null };
  const fetch = async (): Promise<Fetched> => {
    const r = await runTool(TOOL, args, { timeoutMs, env });
    const parsed = r.ok ? parseDcmiPowerReading(r.stdout) : null;
    if (!parsed) return { ok: false, ...classify(r, remote) };
    const bad = unusableReading(parsed);
    if (bad) return { ok: false, reason: bad, state: 'error', fix: null };
    return { ok: true, value: parsed.powerW as number };
  };

  const first = await fetch();
  if (!first.ok) return [{ info, state: first.state, reason: first.reason, fix: first.fix }];

  // A slow BMC that still answers (up to the timeout) must not make its last value stale between two polls.
  const staleAfterS = Math.max(3 * periodMs, timeoutMs + 2 * periodMs) / 1000;
  const notStarted = `${id} is not started (its ipmitool poller runs only while measuring)`;
  const shared = new SharedPoller<number>(
    async () => {
      const r = await fetch();
      return r.ok ? r : { ok: false, reason: r.reason };
    },
    { periodMs, staleAfterS, ...(options.clock ? { clock: options.clock } : {}) },
    notStarted,
  );
  const { start, close } = shared.holder();
  const source: GaugeSource = { info, read: async () => shared.latest(), start, close };
  return [{ info, state: 'ok', reason: null, fix: null, source }];
}
