import { availableParallelism } from 'node:os';
import { DEFAULT_SEED, type Kernel } from '../../benchmarks/kernel.js';
import type { Measurement } from '../sampler/window.js';
import type { ThreadCpuSpan } from '../sources/cpu/thread-cpu.js';
import { KernelTeam } from './kernel-team.js';
import type { Session } from './session.js';
import type { KernelWindow } from './types.js';
import { windowWarnings } from './warnings.js';

/** Runs one kernel on N threads for R repetitions, one measurement window each. */

/** Settings for a kernel run. */
export interface KernelRunOptions {
  threads: number;
  repetitions: number;
  /** Seconds of work per repetition. */
  durationS: number;
  /** Seconds of unmeasured work before the first window. */
  warmupS: number;
  seed?: number;
  size?: number;
  /** Idle power to subtract for `net_energy_j`, or null. */
  idlePowerW?: number | null;
  /** Highest CPU frequency seen so far in the run, for throttling warnings; updated as windows come in. */
  frequency?: { highestMhz: number | null };
  workerUrl?: URL;
  /** The /proc root the worker threads read their own CPU time from (default /proc; tests point it elsewhere). */
  threadProcfs?: string;
  onWindow?: (w: KernelWindow) => void;
}

/** Returns the checksum problem of a window, or null when the output is right. */
export function checksumProblem(kernel: Kernel, checksums: string[], seed: number, size: number): string | null {
  const distinct = [...new Set(checksums)];
  if (distinct.length > 1) return `threads disagree on the output checksum (${distinct.join(', ')})`;
  const got = distinct[0];
  if (seed === DEFAULT_SEED && size === kernel.defaultSize && got !== kernel.expectedChecksum) {
    return `WRONG OUTPUT: checksum ${got}, expected ${kernel.expectedChecksum}; this machine computed a different answer`;
  }
  return null;
}

/** Runs the kernel on a team of its own and returns its windows; a wrong checksum marks the window invalid. */
export async function runKernel(session: Session, kernel: Kernel, options: KernelRunOptions): Promise<KernelWindow[]> {
  const team = await KernelTeam.start(kernel, options.threads, {
    seed: options.seed ?? DEFAULT_SEED,
    size: options.size ?? kernel.defaultSize,
    ...(options.workerUrl ? { workerUrl: options.workerUrl } : {}),
    ...(options.threadProcfs !== undefined ? { threadProcfs: options.threadProcfs } : {}),
  });
  try {
    if (options.warmupS > 0) await team.run(options.warmupS * 1000);
    return await runOnTeam(session, team, kernel, options);
  } finally {
    await team.stop();
  }
}

/** Runs the windows of one thread count on a started, warmed-up team (the suite reuses one team for every count). */
export async function runOnTeam(session: Session, team: KernelTeam, kernel: Kernel, options: Omit<KernelRunOptions, 'warmupS' | 'workerUrl' | 'threadProcfs'>): Promise<KernelWindow[]> {
  const seed = options.seed ?? DEFAULT_SEED;
  const size = options.size ?? kernel.defaultSize;
  const windows: KernelWindow[] = [];
  const frequency = options.frequency ?? { highestMhz: null };
  for (let repetition = 1; repetition <= options.repetitions; repetition++) {
      const { measurement, result } = await session.measure(() => team.run(options.durationS * 1000, options.threads));
      const checksums = await team.checksums(options.threads);
      const work = result.runs.reduce((a, b) => a + b, 0) * team.workPerIteration;
      const problem = checksumProblem(kernel, checksums, seed, size);
      const warnings = [...measurement.warnings, ...windowWarnings(measurement, options.threads, availableParallelism(), frequency.highestMhz)];
      if (problem) warnings.unshift(problem);
      if (measurement.freqMhz !== null) frequency.highestMhz = Math.max(frequency.highestMhz ?? 0, measurement.freqMhz);
      const window = kernelWindow(kernel, options.threads, repetition, measurement, result.cpu, work, checksums[0] ?? null, problem === null, warnings, options.idlePowerW ?? null);
      windows.push(window);
      options.onWindow?.(window);
  }
  return windows;
}

function kernelWindow(
  kernel: Kernel,
  threads: number,
  repetition: number,
  m: Measurement,
  cpu: ThreadCpuSpan,
  work: number,
  checksum: string | null,
  checksumOk: boolean,
  warnings: string[],
  idlePowerW: number | null,
): KernelWindow {
  return {
    ...m,
    // The kernel runs on worker threads, not in children: the process tree's figure would be 0, never measured.
    processCpuS: cpu.ok ? cpu.cpuS : null,
    ...(cpu.ok ? {} : { processCpuReason: cpu.reason }),
    warnings,
    benchmark: kernel.id,
    kind: 'kernel',
    threads,
    repetition,
    work,
    workUnit: kernel.unit,
    version: kernel.version,
    checksum,
    idlePowerW,
    valid: checksumOk && !(m.energyJ === null && m.source !== 'none'),
  };
}
