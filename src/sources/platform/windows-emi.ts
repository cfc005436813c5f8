import type { Clock } from '../../clock.js';
import { SharedToolStream } from '../io/stream.js';
import { firstLine, runTool } from '../io/tool.js';
import type { GaugeSource, Probe, ReadResult, Scope, SourceContext, SourceInfo } from '../types.js';

/**
 * Windows Energy Meter Interface (RAPL through intelppm.sys, power-interfaces.md §9) read with the in-box `typeperf`:
 * probed once, then one `typeperf "\Energy Meter(*)\Power" -si 1` streams a CSV row per second.
 *
 * The `Power` counter (mW) is used rather than `Energy`: typeperf prints values as PDH cooks them, and the cooked form of
 * the cumulative Energy counter depends on a counter type the reference could not confirm, while Power is a plain power
 * figure; both update once a second. Only package-level channels become sources: `*_pkg` (cpu-package), `*_dram`
 * (dram), `*_psys` (psys), and `*_pp0`/`*_pp1` (cpu-core/cpu-uncore, inside the package, never totalled). `_total` and
 * AMD's per-core channels are skipped: they add up what the package channel already holds (systeminformer #2001).
 */

/** The counter path streamed: every Energy Meter instance's power. */
export const EMI_POWER_COUNTER = '\\Energy Meter(*)\\Power';

/** One column of typeperf's header: an Energy Meter instance (channel) and counter (lower case). */
export interface TypeperfColumn {
  channel: string;
  counter: string;
}

/** Splits one typeperf CSV line into its cells (quoted with `"`, `""` inside a quote); null for an unbalanced quote. */
export function splitTypeperfCsv(line: string): string[] | null {
  if (typeof line !== 'string' || line.length > 1 << 20) return null;
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  const text = line.replace(/\r$/, '');
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  if (quoted) return null;
  cells.push(cell);
  return cells;
}

/** Parses typeperf's `"(PDH-CSV 4.0)",…` header into one entry per value column (null for a column that is not an Energy Meter counter); null when the line is no header. */
export function parseTypeperfHeader(line: string): Array<TypeperfColumn | null> | null {
  const cells = splitTypeperfCsv(line);
  if (!cells || !/^\(PDH-CSV [\d.]+\)$/.test((cells[0] ?? '').trim())) return null;
  return cells.slice(1).map((cell) => {
    const m = /\\Energy Meter\((.+)\)\\([^\\]+)$/i.exec(cell.trim());
    return m ? { channel: (m[1] as string).toLowerCase(), counter: (m[2] as string).toLowerCase() } : null;
  });
}

/**
 * Parses one non-negative typeperf value in any locale: `702.709363`, `702,709363` (decimal comma) and grouped forms such
 * as `1.234,5` or `1,234.5`; null for a blank cell (no data yet), garbage, negative or non-finite values.
 */
export function parseTypeperfValue(cell: string | undefined): number | null {
  const text = (cell ?? '').trim().replace(/[\u00a0\u202f' ]/g, '');
  let normal: string;
  if (/^\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text)) normal = text;
  else if (/^\d+,\d+$/.test(text)) normal = text.replace(',', '.');
  else if (/^\d{1,3}(\.\d{3})+(,\d+)?$/.test(text)) normal = text.replace(/\./g, '').replace(',', '.');
  else if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(text)) normal = text.replace(/,/g, '');
  else return null;
  const n = Number(normal);
  return Number.isFinite(n) ? n : null;
}

/** Parses one typeperf data row against its header: the values aligned with `columns`, or null for a line that is no data row. */
export function parseTypeperfRow(line: string, columns: Array<TypeperfColumn | null>): Array<number | null> | null {
  const cells = splitTypeperfCsv(line);
  if (!cells || cells.length !== columns.length + 1 || !/\d/.test(cells[0] ?? '')) return null;
  return cells.slice(1).map((c) => parseTypeperfValue(c));
}

/** Parses a whole typeperf capture: the header's columns and every data row; null when there is no header. */
export function parseTypeperf(text: string): { columns: Array<TypeperfColumn | null>; rows: Array<Array<number | null>> } | null {
  if (typeof text !== 'string') return null;
  let columns: Array<TypeperfColumn | null> | null = null;
  const rows: Array<Array<number | null>> = [];
  for (const line of text.split('\n')) {
    if (!columns) {
      columns = parseTypeperfHeader(line);
      continue;
    }
    const row = parseTypeperfRow(line, columns);
    if (row) rows.push(row);
  }
  return columns ? { columns, rows } : null;
}

/** The scope of an Energy Meter channel, or null for channels that must never become sources (`_total`, per-core sums, unknown names). */
export function emiChannelScope(channel: string): Scope | null {
  const c = channel.toLowerCase();
  if (c.includes('total')) return null;
  if (/_core\d+(_core)?$/.test(c)) return null;
  if (/_pkg$/.test(c)) return 'cpu-package';
  if (/_dram$/.test(c)) return 'dram';
  if (/_psys$/.test(c)) return 'psys';
  if (/_pp0$/.test(c)) return 'cpu-core';
  if (/_pp1$/.test(c)) return 'cpu-uncore';
  return null;
}

const PERMISSION_FIX = 'add the user to the "Performance Monitor Users" group (net localgroup "Performance Monitor Users" %USERNAME% /add) and log in again';
/** No single RAPL channel draws 10 kW: a bigger figure is garbage. */
const MAX_MW = 1e7;

/** One streaming typeperf shared by every Energy Meter source; it stops when the last of them closes. */
class TypeperfStream extends SharedToolStream<string> {
  private columns: Array<TypeperfColumn | null> | null = null;

  constructor(env: NodeJS.ProcessEnv, firstRecordTimeoutMs: number, staleAfterS: number, clock?: Clock) {
    super('typeperf', [EMI_POWER_COUNTER, '-si', '1'], { label: 'typeperf', recordName: 'line', env, firstRecordTimeoutMs, staleAfterS, ...(clock ? { clock } : {}) });
  }

  read(channel: string): ReadResult<number> {
    return this.readLatest(channel, `no typeperf value for ${channel} yet`, (age) => `stale: last typeperf value for ${channel} ${age} s ago`);
  }

  protected reset(): void {
    this.columns = null;
  }

  protected take(line: string, atS: number): void {
    const header = parseTypeperfHeader(line);
    if (header) {
      this.columns = header;
      return;
    }
    const row = this.columns ? parseTypeperfRow(line, this.columns) : null;
    if (!row || !this.columns) {
      if (!/^(Exiting|The command completed)/i.test(line.trim())) this.garbage = JSON.stringify(line.trim().slice(0, 60));
      return;
    }
    this.garbage = null;
    this.columns.forEach((column, i) => {
      const mw = row[i];
      // A blank cell (no data for this sample) leaves the last value to age, rather than becoming 0.
      if (!column || column.counter !== 'power' || mw === null || mw === undefined || mw > MAX_MW) return;
      this.latest.set(column.channel, { value: mw / 1000, atS });
    });
  }
}

/** Options of the Windows Energy Meter probe. */
export interface WindowsEmiOptions {
  /** The platform to behave as (default `process.platform`): typeperf is tried on `win32` only. */
  platform?: NodeJS.Platform;
  /** Longest wait for the probe run (two samples), and for the stream's first line (default 5000 ms). */
  timeoutMs?: number;
  /** A streamed value older than this many seconds is refused as stale (default 3 s: three typeperf samples). */
  staleAfterS?: number;
  /** Time and timers of the stream (default the system clock). */
  clock?: Clock;
}

const EMI_INFO: SourceInfo = { id: 'windows-emi', kind: 'gauge', scope: 'cpu-package', quality: 'measured', description: 'Windows Energy Meter (RAPL) power counters' };

/** Probes the Windows Energy Meter counters: one gauge per package-level channel, e.g. `windows-emi:rapl_package0_pkg`. */
export async function probeWindowsEmi(ctx: SourceContext, options: WindowsEmiOptions = {}): Promise<Probe[]> {
  const platform = options.platform ?? process.platform;
  if (platform !== 'win32') return [{ info: EMI_INFO, state: 'absent', reason: `Windows Energy Meter counters exist on Windows only (this is ${platform})`, fix: null }];
  const timeoutMs = options.timeoutMs ?? 5000;
  // Two samples: PDH leaves the first sample of a rate counter blank.
  const once = await runTool('typeperf', [EMI_POWER_COUNTER, '-sc', '2', '-si', '1'], { timeoutMs, env: ctx.env });
  if (!once.ok) return [{ info: EMI_INFO, state: once.state, reason: once.reason, fix: null }];
  const output = `${once.stdout}\n${once.stderr}`;
  if (/access is denied/i.test(output)) return [{ info: EMI_INFO, state: 'permission', reason: `typeperf: ${firstLine(output)}`, fix: PERMISSION_FIX }];
  const parsed = parseTypeperf(once.stdout);
  const powerColumns = (parsed?.columns ?? []).map((c, i) => ({ c, i })).filter((x): x is { c: TypeperfColumn; i: number } => x.c?.counter === 'power');
  if (!parsed || powerColumns.length === 0) {
    const absent = /no valid counters|unable to|not found/i.test(output) || (once.code === 0 && !parsed);
    const reason = absent
      ? `no Energy Meter counters (no EMI provider: Windows 10+ on a CPU with RAPL, not a VM): ${firstLine(output) || 'empty output'}`
      : `typeperf printed no Energy Meter header${once.code ? ` (exit ${once.code})` : ''}: ${firstLine(output) || 'empty output'}`;
    return [{ info: EMI_INFO, state: absent ? 'absent' : 'error', reason, fix: null }];
  }

  const staleAfterS = options.staleAfterS ?? 3;
  const stream = new TypeperfStream(ctx.env, timeoutMs, staleAfterS, options.clock);
  const skipped: string[] = [];
  const probes: Probe[] = [];
  for (const { c, i } of powerColumns) {
    const scope = emiChannelScope(c.channel);
    if (!scope) {
      skipped.push(c.channel);
      continue;
    }
    const info: SourceInfo = {
      id: `windows-emi:${c.channel}`,
      kind: 'gauge',
      scope,
      quality: 'measured',
      description: `Windows Energy Meter counter \\Energy Meter(${c.channel})\\Power through typeperf -si 1 (mW, as PDH cooks it each second) in W`,
      updatePeriodS: 1,
      // PDH cooks the counter's energy over each 1-s sample into its mean power: a window's edges are known to one second.
      fidelity: 'averaged',
      averagingS: 1,
    };
    const values = parsed.rows.map((r) => r[i]).filter((v): v is number => v !== null && v !== undefined);
    const last = values[values.length - 1];
    if (last === undefined || last > MAX_MW) {
      const why = last === undefined ? `no value in ${parsed.rows.length} typeperf sample(s)` : `implausible value ${last} mW`;
      probes.push({ info, state: 'error', reason: `\\Energy Meter(${c.channel})\\Power: ${why}`, fix: null });
      continue;
    }
    const { start, close } = stream.holder();
    const source: GaugeSource = { info: { ...info, kind: 'gauge' }, read: async () => stream.read(c.channel), start, close };
    probes.push({ info, state: 'ok', reason: null, fix: null, source });
  }
  if (skipped.length > 0) {
    // Say once, on the package channels, why the other instances are not sources.
    const note = `not sources: ${skipped.join(', ')} (sums of what the package channel already holds)`;
    for (const p of probes) if (p.state === 'ok' && p.info.scope === 'cpu-package') p.reason = note;
  }
  if (probes.length === 0) {
    return [{ info: EMI_INFO, state: 'error', reason: `no package-level Energy Meter channel among: ${skipped.join(', ')}`, fix: null }];
  }
  return probes;
}
