import { basename } from 'node:path';
import { monotonicS } from '../../units.js';
import type { MeterTimings } from './types.js';
import { PlugPoller } from '../io/plug-poller.js';
import { SharedToolStream, ToolStream } from '../io/stream.js';
import { firstLine, runTool } from '../io/tool.js';
import type { GaugeSource, Probe, ProbeState, ReadResult, SourceContext, SourceInfo } from '../types.js';

/**
 * Any command that prints watts, one number per line (`--meter command='CMD ARGS'`). The probe runs it once and
 * decides: a command that exits after printing is re-run every period (with a timeout); one that keeps printing is
 * left running as a stream. Lines that are not a number are skipped, and the last one is kept as the reason when no
 * good value is fresh.
 */

/** No meter on one machine's plug reads a megawatt: a bigger value is garbage, not a reading. */
const MAX_POWER_W = 1e6;

/** How long a command that printed its number may take to exit and still count as print-once. */
const EXIT_GRACE_MS = 500;

const WATTS = /^\s*\+?((?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*(?:W)?\s*$/i;

/** Parses one printed line as watts (a plain non-negative number, optionally followed by `W`); null for anything else. */
export function parseWattsLine(line: string): number | null {
  const m = WATTS.exec(line);
  if (!m) return null;
  const value = Number(m[1]);
  return Number.isFinite(value) && value <= MAX_POWER_W ? value : null;
}

/** The last number among a command's output lines, or the first line that was not one. */
export function lastWatts(text: string): { ok: true; value: number } | { ok: false; garbage: string | null } {
  let value: number | null = null;
  let garbage: string | null = null;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const v = parseWattsLine(line);
    if (v === null) garbage ??= line;
    else value = v;
  }
  return value === null ? { ok: false, garbage } : { ok: true, value };
}

const quoteLine = (line: string): string => JSON.stringify(firstLine(line).slice(0, 60));

/** The probe's one look at a command's output lines: the first number and the latest garbage line. */
class WattsWatch {
  latest: { value: number; atS: number } | null = null;
  garbage: string | null = null;
  readonly tool: ToolStream;

  constructor(argv: string[], env: NodeJS.ProcessEnv, firstRecordTimeoutMs: number) {
    this.tool = new ToolStream(argv[0] as string, argv.slice(1), {
      onRecord: (record, atS) => {
        const value = parseWattsLine(record);
        if (value === null) this.garbage = record;
        else this.latest = { value, atS };
      },
      firstRecordTimeoutMs,
      env,
    });
  }

  garbageNote(): string {
    return garbageNote(this.garbage);
  }
}

function garbageNote(garbage: string | null): string {
  return garbage === null ? '' : `; last line was not a number: ${quoteLine(garbage)}`;
}

/** A command kept running while measuring, its latest number refused once stale; garbage lines are named in reasons. */
class WattsStream extends SharedToolStream<'watts'> {
  constructor(argv: string[], env: NodeJS.ProcessEnv, timings: MeterTimings) {
    super(argv[0] as string, argv.slice(1), {
      label: basename(argv[0] as string),
      recordName: 'line',
      env,
      firstRecordTimeoutMs: timings.timeoutMs,
      staleAfterS: timings.staleAfterS,
      notStarted: 'not started: the command runs only while measuring',
    });
  }

  /** The latest number, or why there is none. */
  read(): ReadResult<number> {
    return this.readLatest('watts', 'no number printed yet', (age) => `stale: last number printed ${age} s ago`);
  }

  protected override garbageNote(): string {
    return garbageNote(this.garbage);
  }

  protected reset(): void {}

  protected take(record: string, atS: number): void {
    const value = parseWattsLine(record);
    // Unlike the tools' streams, a good line does not clear the note: a meter that mixes in garbage says so.
    if (value === null) this.garbage = record;
    else this.latest.set('watts', { value, atS });
  }
}

/** Runs the command once and reads its number; arguments are kept out of reasons, as they may hold anything. */
async function runOnce(ctx: SourceContext, argv: string[], timeoutMs: number): Promise<ReadResult<number>> {
  const file = argv[0] as string;
  const args = argv.slice(1);
  const name = basename(file);
  const t0 = monotonicS();
  const r = await runTool(file, args, { timeoutMs, env: ctx.env, maxBytes: 64 * 1024 });
  if (!r.ok) return { ok: false, reason: r.reason.split(`${file} ${args.join(' ')}`).join(name) };
  if (r.code !== 0) {
    const stderr = firstLine(r.stderr);
    return { ok: false, reason: `${name} exited with ${r.signal ?? `code ${r.code}`}${stderr ? `: ${stderr}` : ''}` };
  }
  const parsed = lastWatts(r.stdout);
  if (!parsed.ok) return { ok: false, reason: `${name} printed no number${parsed.garbage === null ? ' (empty output)' : `: ${quoteLine(parsed.garbage)}`}` };
  // The command measured somewhere inside its run; the midpoint halves the worst timing error.
  return { ok: true, value: parsed.value, atS: (t0 + monotonicS()) / 2 };
}

/** Resolves true as soon as `check()` holds, or false after `ms`. */
function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const endS = monotonicS() + ms / 1000;
  return new Promise((resolve) => {
    const tick = (): void => {
      if (check()) resolve(true);
      else if (monotonicS() >= endS) resolve(false);
      else setTimeout(tick, 10);
    };
    tick();
  });
}

/**
 * Probes a meter command (argv, run without a shell): runs it once to see whether it prints a number and whether it
 * exits (then it is polled) or keeps printing (then it streams); the command is stopped before the probe returns.
 */
export async function probeCommandMeter(
  ctx: SourceContext,
  argv: string[],
  timings: MeterTimings,
  id = `meter:${basename(argv[0] ?? 'command')}`,
): Promise<Probe> {
  const name = basename(argv[0] ?? '');
  const base = {
    id,
    kind: 'gauge' as const,
    scope: 'system-wall' as const,
    quality: 'measured' as const,
    description: `watts printed by the command ${name || '(none)'}`,
  };
  const fail = (state: Exclude<ProbeState, 'ok'>, reason: string): Probe => ({
    info: base,
    state,
    reason,
    fix: state === 'absent' ? `give the command's full path, or add its folder to PATH` : state === 'permission' ? `chmod +x the command` : null,
  });
  if (argv.length === 0 || name === '') return fail('error', 'no command given');

  const watch = new WattsWatch(argv, ctx.env, timings.timeoutMs);
  const started = await watch.tool.start();
  if (!started.ok) {
    if (started.state !== 'error') return fail(started.state, started.reason);
    // It exited without printing or printed nothing in time: one plain run says why (exit code and stderr, or its
    // timeout), or reads the number when this run prints one.
    const once = await runOnce(ctx, argv, timings.timeoutMs);
    return once.ok ? commandProbe(ctx, argv, timings, base, 'poll', once.value) : fail('error', once.reason);
  }
  await waitFor(() => watch.latest !== null || !watch.tool.alive, timings.timeoutMs);
  const first = watch.latest;
  if (first === null) {
    const alive = watch.tool.alive;
    await watch.tool.close();
    return fail('error', `${name} printed no number ${alive ? `within ${timings.timeoutMs} ms` : 'before it exited'}${watch.garbageNote()}`);
  }
  const exited = await waitFor(() => !watch.tool.alive, Math.min(EXIT_GRACE_MS, timings.timeoutMs));
  await watch.tool.close();
  return commandProbe(ctx, argv, timings, base, exited ? 'poll' : 'stream', first.value);
}

function commandProbe(ctx: SourceContext, argv: string[], timings: MeterTimings, base: SourceInfo, mode: 'poll' | 'stream', firstW: number): Probe {
  const name = basename(argv[0] as string);
  const args = argv.length - 1;
  const what = `watts printed by the command ${name}${args > 0 ? ` (${args} argument${args > 1 ? 's' : ''})` : ''}, one number per line, averaged or instantaneous as the command reports them`;
  const periodS = timings.periodMs / 1000;
  if (mode === 'poll') {
    const info: SourceInfo & { kind: 'gauge' } = {
      ...base,
      kind: 'gauge',
      description: `${what}; re-run every ${periodS} s with a ${timings.timeoutMs / 1000} s timeout`,
      updatePeriodS: periodS,
      // Between two runs the value cannot change: reading faster only repeats it.
      minIntervalS: periodS / 2,
    };
    return { info, state: 'ok', reason: `${firstW} W now; prints once and exits, so it is re-run every ${periodS} s`, fix: null, source: pollSource(ctx, argv, timings, info) };
  }
  const info: SourceInfo & { kind: 'gauge' } = { ...base, kind: 'gauge', description: `${what}; kept running as a stream` };
  return { info, state: 'ok', reason: `${firstW} W now; keeps printing, so it runs as a stream while measuring`, fix: null, source: streamSource(ctx, argv, timings, info) };
}

function pollSource(ctx: SourceContext, argv: string[], timings: MeterTimings, info: SourceInfo & { kind: 'gauge' }): GaugeSource {
  // Polled like a plug: a run still going when the source closes ends within its timeout (killed if it hangs), and the
  // close waits for it, so no orphan outlives the source.
  const poller = new PlugPoller(() => runOnce(ctx, argv, timings.timeoutMs), { periodMs: timings.periodMs, staleAfterS: timings.staleAfterS }, 'not started: the command is run only while measuring');
  const { start, close } = poller.holder();
  return { info, read: async () => poller.latest(), start, close };
}

function streamSource(ctx: SourceContext, argv: string[], timings: MeterTimings, info: SourceInfo & { kind: 'gauge' }): GaugeSource {
  const stream = new WattsStream(argv, ctx.env, timings);
  const { start, close } = stream.holder();
  return { info, read: async () => stream.read(), start, close };
}
