import type { Probe, SourceContext, SourceInfo, ReadResult, GaugeSource, UtilizationSource, FrequencySource, TemperatureSource } from '../types.js';
import type { Clock } from '../../clock.js';
import { SharedToolStream } from '../io/stream.js';
import { firstLine, runTool } from '../io/tool.js';

/**
 * NVIDIA GPUs through `nvidia-smi --query-gpu … --format=csv,noheader,nounits`: probed once, then one long-running
 * `-lms` process streams every GPU's power, utilization, SM clock and temperature for the whole run.
 */

/** Cells nvidia-smi prints instead of a value (brackets vary between driver versions). */
const TOKENS = /^\[?(N\/A|Not Supported|Unknown Error|Insufficient Permissions|GPU is lost|Requested functionality has been deprecated)\]?$/i;

/** Parses one cell: a finite number, or why there is none. */
export function parseNvidiaCell(cell: string | undefined): ReadResult<number> {
  const text = (cell ?? '').trim();
  if (text === '') return { ok: false, reason: 'empty cell' };
  if (TOKENS.test(text)) return { ok: false, reason: `nvidia-smi says ${text}` };
  const value = Number(text);
  return Number.isFinite(value) && value >= 0 ? { ok: true, value } : { ok: false, reason: `not a number: ${JSON.stringify(text.slice(0, 40))}` };
}

/** Splits a csv,noheader row into exactly `count` trimmed cells (fields are separated by ", "), or null. */
export function splitRow(line: string, count: number): string[] | null {
  const cells = line.split(',').map((c) => c.trim());
  return cells.length === count ? cells : null;
}

/** The quoted field names listed by `nvidia-smi --help-query-gpu`. */
export function parseHelpFields(text: string): Set<string> {
  return new Set([...text.matchAll(/"([a-z][a-z0-9_.]*)"/gi)].map((m) => (m[1] as string).toLowerCase()));
}

/** Turns a failed nvidia-smi run into a state, a one-line reason and a fix. */
export function classifyFailure(output: string, code: number | null): Pick<Probe, 'state' | 'reason' | 'fix'> {
  const line = firstLine(output) || `nvidia-smi exited with code ${code}`;
  if (/insufficient permissions|no permission/i.test(output) || code === 4) {
    return { state: 'permission', reason: line, fix: 'add the user to the group owning /dev/nvidia* (often video) or run wattbench as root' };
  }
  if (/couldn't communicate with the NVIDIA driver|driver not loaded/i.test(output) || code === 9) {
    return { state: 'error', reason: line, fix: 'load the NVIDIA driver (sudo modprobe nvidia) and check that nvidia-smi works' };
  }
  if (/Failed to initialize NVML/i.test(output)) {
    return { state: 'error', reason: line, fix: 'NVML cannot start: in a container, pass the GPUs again (--gpus) after cgroup changes; on a host, reinstall or reload the driver' };
  }
  return { state: 'error', reason: line, fix: null };
}

/** The telemetry fields streamed after the power field, each becoming a source per GPU. */
const TELEMETRY = ['utilization.gpu', 'clocks.sm', 'temperature.gpu'] as const;

/** One streaming nvidia-smi shared by every GPU source, its latest row per GPU index; it stops when the last source closes. */
class NvidiaStream extends SharedToolStream<string, string[]> {
  /** The last line that was not a row, worded for the reason; kept until the stream restarts. */
  private unreadable: string | null = null;

  constructor(
    ctx: SourceContext,
    private readonly fields: string[],
    timeoutMs: number,
    clock: Clock | undefined,
  ) {
    const periodMs = Math.max(50, Math.round(ctx.intervalMs));
    super('nvidia-smi', [`--query-gpu=${fields.join(',')}`, '--format=csv,noheader,nounits', `-lms`, String(periodMs)], {
      label: 'nvidia-smi',
      recordName: 'line',
      env: ctx.env,
      firstRecordTimeoutMs: timeoutMs,
      // A tool that hangs mid-run keeps its process alive but stops printing: old values are refused, not reused.
      staleAfterS: Math.max(2, (3 * ctx.intervalMs) / 1000),
      ...(clock ? { clock } : {}),
    });
  }

  protected reset(): void {
    this.unreadable = null;
  }

  protected take(line: string, atS: number): void {
    const cells = splitRow(line, this.fields.length);
    if (!cells) {
      this.unreadable = `unreadable nvidia-smi line ${JSON.stringify(line.slice(0, 60))}`;
      return;
    }
    this.latest.set(cells[0] as string, { value: cells, atS });
  }

  /** The latest value of field `column` for GPU `index`, or why there is none. */
  read(index: string, column: number): ReadResult<number> {
    const row = this.readLatest(index, this.unreadable ?? `no line for GPU ${index} yet`, (age) => `nvidia-smi printed nothing for GPU ${index} for ${age} s`);
    if (!row.ok) return row;
    const value = parseNvidiaCell(row.value[column]);
    return value.ok ? { ok: true, value: value.value, ...(row.atS !== undefined ? { atS: row.atS } : {}) } : value;
  }
}

/** Options of the NVIDIA probe. */
export interface NvidiaOptions {
  /** Longest wait for nvidia-smi to answer a probe or print its first streamed line (default 5000 ms). */
  timeoutMs?: number;
  /** Time and timers of the stream (default the system clock). */
  clock?: Clock;
}

const ABSENT_INFO: SourceInfo = { id: 'nvidia', kind: 'gauge', scope: 'gpu', quality: 'measured', description: 'NVIDIA GPUs through nvidia-smi' };

/** Probes nvidia-smi: one gauge per GPU with readable power, plus utilization, SM clock and temperature sources. */
export async function probeNvidia(ctx: SourceContext, options: NvidiaOptions = {}): Promise<Probe[]> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const help = await runTool('nvidia-smi', ['--help-query-gpu'], { timeoutMs, env: ctx.env });
  if (!help.ok) return [{ info: ABSENT_INFO, state: help.state, reason: help.reason, fix: null }];
  if (help.code !== 0) return [{ info: ABSENT_INFO, ...classifyFailure(`${help.stdout}\n${help.stderr}`, help.code) }];
  const known = parseHelpFields(help.stdout);
  // The instantaneous reading integrates without the 1-s smoothing that power.draw has on Ampere and newer.
  const powerField = known.has('power.draw.instant') ? 'power.draw.instant' : 'power.draw';
  const averaged = powerField === 'power.draw' && known.has('power.draw.average');
  const fields = ['index', 'name', 'uuid', powerField, ...TELEMETRY];
  const query = await runTool('nvidia-smi', [`--query-gpu=${fields.join(',')}`, '--format=csv,noheader,nounits'], { timeoutMs, env: ctx.env });
  if (!query.ok) return [{ info: ABSENT_INFO, state: query.state, reason: query.reason, fix: null }];
  if (query.code !== 0) return [{ info: ABSENT_INFO, ...classifyFailure(`${query.stdout}\n${query.stderr}`, query.code) }];
  const rows = query.stdout
    .split('\n')
    .map((l) => splitRow(l, fields.length))
    .filter((r): r is string[] => r !== null && /^\d+$/.test(r[0] as string));
  if (rows.length === 0) return [{ info: ABSENT_INFO, state: 'absent', reason: `nvidia-smi lists no GPU (${firstLine(query.stdout) || 'empty output'})`, fix: null }];

  const stream = new NvidiaStream(ctx, fields.filter((f) => f !== 'name' && f !== 'uuid'), timeoutMs, options.clock);
  const column = (f: string): number => fields.filter((x) => x !== 'name' && x !== 'uuid').indexOf(f);
  const probes: Probe[] = [];
  for (const row of rows) {
    const [index, name, uuid, power] = row as [string, string, string, string];
    const gpu = `GPU ${index} ${name} (${uuid})`;
    const what = powerField === 'power.draw.instant' ? 'instantaneous board power' : averaged ? 'board power, a 1-s average on Ampere and newer' : 'board power';
    const info: SourceInfo = {
      id: `nvidia:${index}`,
      kind: 'gauge',
      scope: 'gpu',
      quality: 'measured',
      description: `nvidia-smi ${powerField} (${what}, W) of ${gpu}, streamed every ${ctx.intervalMs} ms`,
      // power.draw on Ampere and newer is the driver's 1-s average (power-interfaces.md §5.1): its energy lags the load.
      ...(averaged ? { updatePeriodS: 1, fidelity: 'averaged' as const, averagingS: 1 } : {}),
    };
    const first = parseNvidiaCell(power);
    if (!first.ok) {
      probes.push({ info, state: 'error', reason: `${powerField} unreadable on ${gpu}: ${first.reason}`, fix: null });
    } else {
      const { start, close } = stream.holder();
      const source: GaugeSource = { info: { ...info, kind: 'gauge' }, start, close, read: async () => stream.read(index, column(powerField)) };
      probes.push({ info, state: 'ok', reason: null, fix: null, source });
    }
    const telemetry: Array<[string, SourceInfo['kind'], string]> = [
      ['utilization.gpu', 'utilization', `${index}:util`],
      ['clocks.sm', 'frequency', `${index}:sm-clock`],
      ['temperature.gpu', 'temperature', `${index}:temp`],
    ];
    for (const [field, kind, suffix] of telemetry) {
      const tInfo: SourceInfo = { id: `nvidia:${suffix}`, kind, scope: 'gpu', quality: 'measured', description: `nvidia-smi ${field} of ${gpu}` };
      const cell = parseNvidiaCell(row[fields.indexOf(field)]);
      if (!cell.ok) {
        probes.push({ info: tInfo, state: 'error', reason: `${field} unreadable: ${cell.reason}`, fix: null });
        continue;
      }
      const read = async (): Promise<ReadResult<number>> => stream.read(index, column(field));
      const { start, close } = stream.holder();
      const source = { info: tInfo, start, close, read } as UtilizationSource | FrequencySource | TemperatureSource;
      probes.push({ info: tInfo, state: 'ok', reason: null, fix: null, source });
    }
  }
  return probes;
}
