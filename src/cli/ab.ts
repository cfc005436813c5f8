import { randomInt } from 'node:crypto';
import { abbaSchedule, type Arm, armBenchmark, type Calibration, calibrateGroups, splitAbArgs } from '../compare/ab.js';
import { CHECK_SERIES, type CheckEntry, checkGroups, countVerdicts, gateExitCode, groupQuality, type Metric, metricsFor } from '../compare/check.js';
import { gateMarkdown, mdText } from '../compare/markdown.js';
import { UsageError } from '../errors.js';
import { measureCommand } from '../runner/command.js';
import { Session } from '../runner/session.js';
import type { RunResult, Window } from '../runner/types.js';
import { assertFree } from '../results/atomic.js';
import { runPaths } from '../results/paths.js';
import { GroupAccumulator, type GroupSamples, resultRowOf } from '../results/read.js';
import { windowToRow } from '../results/schema.js';
import { summarize } from '../stats/descriptive.js';
import { DEFAULT_THRESHOLD_PCT } from '../stats/verdict.js';
import { appendStepSummary, gateOptions, gateText, thresholdFromFile, type GateFlags } from './check.js';
import { termText } from './compare.js';
import { finishRun } from './finish.js';
import { installInterrupt } from './interrupt.js';
import { num, pct, table } from './format.js';
import type { Io } from './io.js';
import { sessionOptions, type SourceFlags } from './options.js';

/** Flags of `wattbench ab`. */
export interface AbFlags extends SourceFlags, GateFlags {
  thresholdFrom?: string;
  repeat: number;
  warmup: number;
  interval: number;
  out?: string;
  label?: string;
}


interface Failure {
  arm: Arm;
  repetition: number;
  window: Window;
}

function describeExit(w: Window): string {
  return w.exitCode === null ? `was killed by ${w.signal ?? 'a signal'}` : `exited with code ${w.exitCode}`;
}

/** Groups one arm's valid windows as `check` groups rows (same rounding as the CSV). */
function armGroup(run: RunResult, windows: readonly Window[]): GroupSamples | undefined {
  const accumulator = new GroupAccumulator({ series: CHECK_SERIES, byMachine: false });
  windows.forEach((w, i) => accumulator.add(resultRowOf(windowToRow(run, w)), { file: 'ab', line: i + 1 }));
  return [...accumulator.groups.values()][0];
}

/**
 * `wattbench ab -- <cmd A…> --vs <cmd B…>`: both commands in seeded random ABBA blocks on this machine, then the
 * verdict of B (current) against A (baseline). Without `--vs`, the command runs against itself (A/A calibration).
 */
export async function abAction(args: string[], flags: AbFlags, io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { a, b, aa } = splitAbArgs(args);
  const options = sessionOptions(flags);
  if (flags.threshold !== undefined && flags.thresholdFrom !== undefined) throw new UsageError('--threshold and --threshold-from go alone: choose one');
  // The calibration file is read before anything runs, so a bad file costs no measuring time.
  const calibrated = flags.thresholdFrom === undefined ? undefined : await thresholdFromFile(flags.thresholdFrom, flags.alpha);
  const gate = gateOptions(flags, calibrated);
  if (flags.out) await assertFree(Object.values(runPaths('check', flags.out)));
  const seed = flags.seed ?? randomInt(0, 2 ** 31);
  const schedule = abbaSchedule(flags.repeat, seed);
  const argvOf: Record<Arm, string[]> = { A: a, B: b };
  const session = await Session.open(options);
  const run = session.newRun(flags.label, {
      ab: { a, b, aa, repeat: flags.repeat, warmup: flags.warmup, seed, schedule: schedule.join(''), labels: { A: armBenchmark('A', a), B: armBenchmark('B', b) } },
      intervalMs: flags.interval,
      sysfs: flags.sysfs,
      procfs: flags.procfs,
      estimate: options.estimate,
    },);
  io.err(
    `wattbench: ab ${aa ? 'A/A calibration of ' : ''}A=${JSON.stringify(a.join(' '))}${aa ? '' : ` vs B=${JSON.stringify(b.join(' '))}`}: ` +
      `${flags.repeat} repetitions each in ABBA blocks (seed ${seed}), ${flags.warmup} warm-up run${flags.warmup === 1 ? '' : 's'} each; energy: ${run.rule.description}\n`,
  );
  const windows: Record<Arm, Window[]> = { A: [], B: [] };
  let failure: Failure | null = null;
  const interrupt = installInterrupt(io);
  try {
    // Warm-up runs are measured like the others (same code path) and thrown away: caches, JIT and disk settle first.
    for (let i = 0; i < flags.warmup && !failure && !interrupt.signal.aborted; i++) {
      for (const arm of ['A', 'B'] as const) {
        const [w] = await measureCommand(session, argvOf[arm], { repeat: 1, stdout: 'stderr', abort: interrupt.signal });
        if (w && w.exitCode !== 0) {
          failure = { arm, repetition: 0, window: w };
          break;
        }
      }
    }
    for (const arm of failure ? [] : schedule) {
      if (interrupt.signal.aborted) break;
      const [w] = await measureCommand(session, argvOf[arm], { repeat: 1, stdout: 'stderr', abort: interrupt.signal });
      if (!w) continue;
      const window: Window = { ...w, benchmark: armBenchmark(arm, argvOf[arm]), repetition: windows[arm].length + 1 };
      windows[arm].push(window);
      run.windows.push(window);
      if (window.exitCode !== 0) {
        failure = { arm, repetition: window.repetition, window };
        break;
      }
    }
  } finally {
    await session.close();
  }
  const interrupted = interrupt.exitCode();
  interrupt.dispose();
  if (interrupted !== null) {
    // Interrupted: every finished window is kept, no verdict is drawn from a cut-short schedule.
    await finishRun(run, flags, io, () => abSummary(run.windows), { ab: { schedule: schedule.join(''), seed, aa, interrupted: true } }, false);
    return interrupted;
  }

  const groupA = armGroup(run, windows.A);
  const groupB = armGroup(run, windows.B);
  let entries: CheckEntry[] = [];
  let calibrations: Calibration[] = [];
  const notes: string[] = [];
  let verdictError: unknown = null;
  if (!failure && groupA && groupB) {
    try {
      // Each arm's rows must be of one energy quality; B is the current build, A the baseline.
      groupQuality(groupA);
      groupQuality(groupB);
      const metrics: Metric[] = metricsFor(groupA, groupB, gate.metrics, notes);
      entries = checkGroups(groupA, groupB, metrics, gate).map((e) => ({ ...e, label: aa ? `${a.join(' ')} (A/A)` : 'B vs A' }));
      if (aa) calibrations = calibrateGroups(groupA, groupB, { ...(gate.alpha !== undefined ? { alpha: gate.alpha } : {}), seed: gate.seed ?? seed });
    } catch (err) {
      // What was measured is written before the error is reported (e.g. --metric energy without energy).
      verdictError = err;
    }
  }
  const exitCode = failure ? 2 : gateExitCode(entries, [], gate.failOnInconclusive ?? false);
  const thresholdPct = gate.thresholdPct ?? DEFAULT_THRESHOLD_PCT;
  const context = [
    `A (baseline): ${a.join(' ')}`,
    ...(aa ? ['B: the same command (A/A calibration)'] : [`B (current): ${b.join(' ')}`]),
    `${flags.repeat} repetitions each on ${run.machine}, randomized ABBA blocks (seed ${seed}, order ${schedule.join('')}); threshold ${thresholdPct}%${flags.thresholdFrom !== undefined ? ` (A/A calibration in ${flags.thresholdFrom})` : ''}`,
  ];
  const report = { entries, notCompared: [], notes, excludedRows: [], exitCode, calibrations };
  const doc = { schedule: schedule.join(''), seed, aa, thresholdPct, exitCode, counts: countVerdicts(entries), entries, calibrations, notes, failure: failure ? failureText(failure, argvOf) : null };
  await finishRun(run, flags, io, () => abSummary(run.windows), { ab: doc });
  if (verdictError !== null) throw verdictError;
  if (failure) {
    await appendStepSummary(`### wattbench ab: ❌ failed\n\n${mdText(failureText(failure, argvOf), 1000)}; no verdict.\n`, env, io);
    io.err(`wattbench: ${termText(failureText(failure, argvOf), 400)}; no verdict\n`);
    return 2;
  }
  if (!groupA || !groupB) {
    io.err('wattbench: no window was measured for one of the commands; no verdict\n');
    return 2;
  }
  await appendStepSummary(gateMarkdown({ title: 'wattbench ab', context, ...report }), env, io);
  if (!flags.json) io.out(gateText({ heading: `wattbench ab: ${context.map((c) => termText(c, 300)).join('; ')}`, ...report }));
  return exitCode;
}

function failureText(failure: Failure, argvOf: Record<Arm, string[]>): string {
  const what = failure.repetition === 0 ? 'its warm-up run' : `repetition ${failure.repetition}`;
  return `command ${failure.arm} (${argvOf[failure.arm].join(' ')}) ${describeExit(failure.window)} on ${what}: both commands must succeed to be compared`;
}

/** The human summary of the windows, in run order, with each command's medians. */
export function abSummary(windows: readonly Window[]): string {
  const rows = windows.map((w, i) => [
    String(i + 1),
    w.benchmark.startsWith('[A]') ? 'A' : 'B',
    String(w.repetition),
    num(w.durationS),
    num(w.energyJ),
    num(w.powerW),
    w.quality,
    w.exitCode === null ? (w.signal ?? '-') : String(w.exitCode),
    w.valid ? 'yes' : 'NO',
  ]);
  const lines = [table(['run', 'cmd', 'rep', 'duration_s', 'energy_j', 'power_w', 'quality', 'exit', 'valid'], rows)];
  for (const arm of ['A', 'B'] as const) {
    const mine = windows.filter((w) => w.benchmark.startsWith(`[${arm}]`));
    const durations = summarize(mine.map((w) => w.durationS));
    const energies = summarize(mine.flatMap((w) => (w.energyJ === null ? [] : [w.energyJ])));
    if (durations.n > 0) lines.push(`${arm}: median ${num(durations.median)} s, ${num(energies.median)} J over ${durations.n} runs (duration CV ${pct(durations.cv)})`);
  }
  if (windows.some((w) => w.quality === 'estimated')) lines.push('energy is ESTIMATED from CPU utilization (no readable sensor): only time is compared unless --metric says otherwise');
  return lines.join('\n');
}
