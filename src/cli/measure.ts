import { UsageError } from '../errors.js';
import { measureCommand } from '../runner/command.js';
import { parseWorkAmount, workSpecProblem, type WorkSpec } from '../runner/work-file.js';
import { Session } from '../runner/session.js';
import { finishRun } from './finish.js';
import { writeReportFor } from './report.js';
import { installInterrupt } from './interrupt.js';
import { measureSummary } from '../format/measure.js';
import { assertOutFreeFor, type Io } from './io.js';
import type { SourceFlags } from './options.js';
import { sessionOptions } from './session-options.js';
import { type RepetitionFlags, repetitionsOf } from './repetitions.js';

/** Flags of `wattbench measure`. */
export interface MeasureFlags extends SourceFlags, RepetitionFlags {
  interval: number;
  out?: string;
  json?: boolean;
  label?: string;
  report?: string;
  bail?: boolean;
  /** `--work N` as typed: checked by `workOptions`, so a bad value is one line naming the rule. */
  work?: string;
  workUnit?: string;
  skip?: number;
}

/** Turns `--work` and `--work-unit` into the runner's work spec; a bad value is a usage error (exit 2). */
export function workOptions(flags: Pick<MeasureFlags, 'work' | 'workUnit'>): WorkSpec {
  const spec: WorkSpec = {};
  if (flags.work !== undefined) {
    const amount = parseWorkAmount(flags.work.trim());
    if (!amount.ok) throw new UsageError(`--work: ${amount.reason}`);
    spec.work = amount.work;
  }
  if (flags.workUnit !== undefined) spec.unit = flags.workUnit;
  const problem = workSpecProblem(spec);
  if (problem !== null) throw new UsageError(problem);
  return spec;
}

/** `wattbench measure -- <cmd>`: runs the command N times, one window each, writes the rows, exits with its code. */
export async function measureAction(argv: string[], flags: MeasureFlags, io: Io): Promise<number> {
  const options = sessionOptions(flags);
  const repeat = repetitionsOf(flags, 1);
  const work = workOptions(flags);
  const skipS = flags.skip ?? 0;
  // Refuse a taken --out before measuring, so nothing measured is lost to a name clash.
  await assertOutFreeFor(flags.out, io);
  const session = await Session.open(options);
  const run = session.newRun(flags.label, { command: argv, repeat, intervalMs: flags.interval, sysfs: flags.sysfs, procfs: flags.procfs, estimate: options.estimate, ...(work.work !== undefined ? { work: work.work } : {}), ...(work.unit !== undefined ? { workUnit: work.unit } : {}), skipS });
  const skipping = skipS > 0 ? `; each window starts ${skipS} s into its run (--skip)` : '';
  io.err(`wattbench: measuring ${JSON.stringify(argv.join(' '))} x${repeat}${skipping}; energy: ${run.rule.description}\n`);
  const interrupt = installInterrupt(io);
  try {
    await measureCommand(session, argv, {
      repeat,
      stdout: flags.json ? 'stderr' : 'inherit',
      onWindow: (w) => run.windows.push(w),
      abort: interrupt.signal,
      bail: Boolean(flags.bail),
      work,
      skipS,
    });
  } finally {
    await session.close();
  }
  const interrupted = interrupt.exitCode();
  const paths = await finishRun(run, flags, io, () => measureSummary(run.windows), {}, interrupted === null);
  if (flags.report) {
    await writeReportFor([paths.csv], flags.report);
    io.err(`report: ${flags.report}\n`);
  }
  interrupt.dispose();
  if (interrupted !== null) return interrupted;
  const last = run.windows[run.windows.length - 1];
  if (!last || last.kind !== 'command') return 2;
  // A command killed by a signal exits like a shell would report it: 128 + signal number.
  return last.exitCode ?? 128 + signalNumber(last.signal);
}

function signalNumber(signal: string | null): number {
  const numbers: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGTERM: 15 };
  return (signal && numbers[signal]) || 1;
}
