import { randomInt } from 'node:crypto';
import { abbaSchedule, type Arm, armBenchmark, splitAbArgs } from '../compare/ab.js';
import { abVerdict, type AbVerdict, armGroup, thresholdFromFile } from '../compare/ab-verdict.js';
import { countVerdicts, gateExitCode } from '../compare/check.js';
import { abSummary } from '../format/ab.js';
import { gateText } from '../format/gate.js';
import { gateMarkdown, mdText } from '../format/markdown.js';
import { termText } from '../format/text.js';
import { UsageError } from '../errors.js';
import { abFailureText, type AbOutcome, runAb } from '../runner/ab.js';
import { Session } from '../runner/session.js';
import { DEFAULT_THRESHOLD_PCT } from '../stats/verdict.js';
import { appendStepSummary, gateOptions, type GateFlags } from './check.js';
import { finishRun } from './finish.js';
import { installInterrupt } from './interrupt.js';
import { assertOutFreeFor, type Io } from './io.js';
import { DEFAULT_AB_REPEAT } from './commands/defaults.js';
import type { SourceFlags } from './options.js';
import { sessionOptions } from './session-options.js';
import { type RepetitionFlags, repetitionsOf } from './repetitions.js';

/** Flags of `wattbench ab`. */
export interface AbFlags extends SourceFlags, GateFlags, RepetitionFlags {
  thresholdFrom?: string;
  warmupRuns?: number;
  /** The deprecated spelling of `warmupRuns`. */
  warmup?: number;
  interval: number;
  out?: string;
  label?: string;
}

/**
 * `wattbench ab -- <cmd A…> --vs <cmd B…>`: both commands in seeded random ABBA blocks on this machine, then the
 * verdict of B (current) against A (baseline). Without `--vs`, the command runs against itself (A/A calibration).
 */
export async function abAction(args: string[], flags: AbFlags, io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { a, b, aa } = splitAbArgs(args);
  const options = sessionOptions(flags);
  const repeat = repetitionsOf(flags, DEFAULT_AB_REPEAT);
  if (flags.warmup !== undefined) {
    if (flags.warmupRuns !== undefined) throw new UsageError('--warmup is the old spelling of --warmup-runs: give one');
    io.err('wattbench: ab --warmup N is deprecated: it counts runs, so it is now --warmup-runs N (in run, --warmup is seconds)\n');
  }
  const warmupRuns = flags.warmupRuns ?? flags.warmup ?? 1;
  if (flags.threshold !== undefined && flags.thresholdFrom !== undefined) throw new UsageError('--threshold and --threshold-from go alone: choose one');
  // The calibration file is read before anything runs, so a bad file costs no measuring time.
  const calibrated = flags.thresholdFrom === undefined ? undefined : (await thresholdFromFile(flags.thresholdFrom, flags.alpha === undefined ? {} : { alpha: flags.alpha })).thresholdPct;
  const gate = gateOptions(flags, calibrated);
  await assertOutFreeFor(flags.out, io);
  const seed = flags.seed ?? randomInt(0, 2 ** 31);
  const schedule = abbaSchedule(repeat, seed);
  const argvOf: Record<Arm, string[]> = { A: a, B: b };
  const session = await Session.open(options);
  const run = session.newRun(flags.label, {
      ab: { a, b, aa, repeat, warmup: warmupRuns, seed, schedule: schedule.join(''), labels: { A: armBenchmark('A', a), B: armBenchmark('B', b) } },
      intervalMs: flags.interval,
      sysfs: flags.sysfs,
      procfs: flags.procfs,
      estimate: options.estimate,
    },);
  io.err(
    `wattbench: ab ${aa ? 'A/A calibration of ' : ''}A=${JSON.stringify(a.join(' '))}${aa ? '' : ` vs B=${JSON.stringify(b.join(' '))}`}: ` +
      `${repeat} repetitions each in ABBA blocks (seed ${seed}), ${warmupRuns} warm-up run${warmupRuns === 1 ? '' : 's'} each; energy: ${run.rule.description}\n`,
  );
  const interrupt = installInterrupt(io);
  let outcome: AbOutcome;
  try {
    outcome = await runAb(session, { a, b, schedule, warmupRuns, abort: interrupt.signal, onWindow: (w) => run.windows.push(w) });
  } finally {
    await session.close();
  }
  const { windows, failure } = outcome;
  const interrupted = interrupt.exitCode();
  interrupt.dispose();
  if (interrupted !== null) {
    // Interrupted: every finished window is kept, no verdict is drawn from a cut-short schedule.
    await finishRun(run, flags, io, () => abSummary(run.windows), { ab: { schedule: schedule.join(''), seed, aa, interrupted: true } }, false);
    return interrupted;
  }

  const groupA = armGroup(run, windows.A);
  const groupB = armGroup(run, windows.B);
  let verdict: AbVerdict = { entries: [], calibrations: [], notes: [] };
  let verdictError: unknown = null;
  if (!failure && groupA && groupB) {
    try {
      verdict = abVerdict({ A: groupA, B: groupB }, gate, { aa, label: aa ? `${a.join(' ')} (A/A)` : 'B vs A', seed });
    } catch (err) {
      // What was measured is written before the error is reported (e.g. --metric energy without energy, work in two units).
      verdictError = err;
    }
  }
  const { entries, calibrations, notes } = verdict;
  const exitCode = failure ? 2 : gateExitCode(entries, [], gate.failOnInconclusive ?? false);
  const thresholdPct = gate.thresholdPct ?? DEFAULT_THRESHOLD_PCT;
  const context = [
    `A (baseline): ${a.join(' ')}`,
    ...(aa ? ['B: the same command (A/A calibration)'] : [`B (current): ${b.join(' ')}`]),
    `${repeat} repetitions each on ${run.machine}, randomized ABBA blocks (seed ${seed}, order ${schedule.join('')}); threshold ${thresholdPct}%${flags.thresholdFrom !== undefined ? ` (A/A calibration in ${flags.thresholdFrom})` : ''}`,
  ];
  const report = { entries, notCompared: [], notes, excludedRows: [], exitCode, calibrations };
  const failureLine = failure ? abFailureText(failure, argvOf) : null;
  const doc = { schedule: schedule.join(''), seed, aa, thresholdPct, exitCode, counts: countVerdicts(entries), entries, calibrations, notes, failure: failureLine };
  await finishRun(run, flags, io, () => abSummary(run.windows), { ab: doc });
  if (verdictError !== null) throw verdictError;
  if (failureLine !== null) {
    await appendStepSummary(`### wattbench ab: ❌ failed\n\n${mdText(failureLine, 1000)}; no verdict.\n`, env, io);
    io.err(`wattbench: ${termText(failureLine, 400)}; no verdict\n`);
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
