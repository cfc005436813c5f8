import { availableParallelism } from 'node:os';
import cliProgress from 'cli-progress';
import { defaultKernels, findKernel, kernels as allKernels } from '../../benchmarks/index.js';
import type { Kernel } from '../../benchmarks/kernel.js';
import { UsageError } from '../errors.js';
import { Session } from '../runner/session.js';
import { suitePlan } from '../runner/plan.js';
import { runSuite, type IdleBaseline } from '../runner/suite.js';
import type { Window } from '../runner/types.js';
import { finishRun } from './finish.js';
import { writeReportFor } from './report.js';
import { installInterrupt } from './interrupt.js';
import { suiteSummary } from '../format/run.js';
import { assertOutFreeFor, type Io } from './io.js';
import type { SourceFlags } from './options.js';
import { sessionOptions } from './session-options.js';
import { type RepetitionFlags, repetitionsOf } from './repetitions.js';

/** Flags of `wattbench run`. */
export interface RunFlags extends SourceFlags, RepetitionFlags {
  kernels?: string;
  threads?: string;
  duration?: number;
  warmup?: number;
  idle?: number;
  quick?: boolean;
  seed?: number;
  interval: number;
  out?: string;
  json?: boolean;
  label?: string;
  report?: string;
  progress?: boolean;
}

/** Parses `--threads 1,2,all` into distinct positive counts (`all` is every available CPU). */
export function parseThreads(text: string, cpus = availableParallelism()): number[] {
  const out: number[] = [];
  for (const part of text.split(',').map((p) => p.trim())) {
    const n = part === 'all' ? cpus : Number(part);
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--threads takes positive whole numbers or "all", got ${JSON.stringify(part)}`);
    if (!out.includes(n)) out.push(n);
  }
  return out;
}

/** Parses `--kernels a,b` (or `all`) against the suite; without it, the default suite. */
export function parseKernels(text: string | undefined): Kernel[] {
  if (!text) return [...defaultKernels];
  if (text.trim() === 'all') return [...allKernels];
  return text.split(',').map((id) => {
    const k = findKernel(id.trim());
    if (!k) throw new UsageError(`unknown kernel ${JSON.stringify(id.trim())}; known: ${allKernels.map((x) => x.id).join(', ')}`);
    return k;
  });
}

/** `wattbench run`: the kernel suite under measurement. */
export async function runAction(flags: RunFlags, io: Io): Promise<number> {
  const options = sessionOptions(flags);
  const kernels = parseKernels(flags.kernels);
  const threads = parseThreads(flags.threads ?? '1,all');
  const asked = repetitionsOf(flags, undefined);
  await assertOutFreeFor(flags.out, io);
  const session = await Session.open(options);
  const plan = suitePlan({
    quick: Boolean(flags.quick),
    kernelCount: kernels.length,
    threads,
    intervalMs: flags.interval,
    periodsS: session.meter.rule.ids.map((id) => session.sampler.periodS(id)),
    ...(asked !== undefined ? { repetitions: asked } : {}),
    ...(flags.duration !== undefined ? { durationS: flags.duration } : {}),
    ...(flags.warmup !== undefined ? { warmupS: flags.warmup } : {}),
    ...(flags.idle !== undefined ? { idleS: flags.idle } : {}),
  });
  const { repetitions, durationS, warmupS, idleS } = plan;
  if (plan.raisedFromS !== null) {
    io.err(`wattbench: --duration ${plan.raisedFromS} s raised to ${plan.minWindowS} s (10 sampler intervals and one period of the slowest source)\n`);
  }
  const run = session.newRun(flags.label, {
      kernels: kernels.map((k) => k.id),
      threads,
      repetitions,
      durationS,
      warmupS,
      idleS,
      quick: Boolean(flags.quick),
      seed: flags.seed ?? null,
      intervalMs: flags.interval,
      workPerJoule: 'gross energy (energy_j); net_energy_j is energy above the idle baseline',
      estimate: options.estimate,
    },);
  io.err(`wattbench: ${kernels.length} kernels x threads ${threads.join(',')} x ${repetitions} repetitions of ${durationS} s, about ${plan.etaS} s; energy: ${run.rule.description}\n`);
  const progress = makeProgress(io, plan.totalWindows, flags.progress !== false && !flags.json && Boolean(process.stderr.isTTY));
  let idle: IdleBaseline = { beforeW: null, afterW: null, powerW: null };
  const interrupt = installInterrupt(io);
  try {
    const result = await runSuite(session, {
      abort: interrupt.signal,
      kernels,
      threads,
      repetitions,
      durationS,
      warmupS,
      idleS,
      ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
      onStep: (s) => progress.step(`${s.kernel.id} x${s.threads}`, s.index, s.total),
      onWindow: (w) => {
        run.windows.push(w);
        progress.window(w);
        if (w.checksum !== null && !w.valid && w.warnings[0]?.startsWith('WRONG OUTPUT')) io.err(`\nwattbench: ${w.benchmark}: ${w.warnings[0]}\n`);
      },
    });
    idle = result.idle;
  } finally {
    progress.stop();
    await session.close();
  }
  const interrupted = interrupt.exitCode();
  const paths = await finishRun(run, flags, io, () => suiteSummary(run.windows, idle), { idle }, interrupted === null);
  if (flags.report) {
    await writeReportFor([paths.csv], flags.report);
    io.err(`report: ${flags.report}\n`);
  }
  interrupt.dispose();
  if (interrupted !== null) return interrupted;
  return run.windows.every((w) => w.valid) ? 0 : 1;
}

interface Progress {
  step(label: string, index: number, total: number): void;
  window(w: Window): void;
  stop(): void;
}

function makeProgress(io: Io, totalWindows: number, tty: boolean): Progress {
  if (!tty) {
    return {
      step: (label, index, total) => io.err(`[${index + 1}/${total}] ${label}\n`),
      window: () => undefined,
      stop: () => undefined,
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: 'wattbench {bar} {value}/{total} windows | ETA {eta_formatted} | {label}', stream: process.stderr, hideCursor: true, clearOnComplete: true, etaBuffer: 20 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(totalWindows, 0, { label: '' });
  return {
    step: (label) => bar.update({ label }),
    window: () => bar.increment(),
    stop: () => bar.stop(),
  };
}
