import type { Measurement } from '../sampler/window.js';
import type { TotalRule } from '../sampler/total.js';
import type { Probe } from '../sources/types.js';

/** What ran in a window: a kernel of the suite, a command, or a library caller's own function. */
export type WindowKind = 'kernel' | 'command' | 'function';

/** What a benchmark configuration is: the fields results are grouped, joined and labelled by, in every stage. */
export interface BenchmarkIdentity {
  /** Kernel id, command line or task name. */
  benchmark: string;
  kind: WindowKind;
  /** Worker threads for kernels; null for commands and functions, whose threading wattbench does not control. */
  threads: number | null;
  /** Unit of the work done: the kernel's unit, `run` for a command, `call` for a function. */
  workUnit: string;
  /** Kernel version; null for commands and functions. */
  version: string | null;
}

/** What every window has, whatever ran in it: the measurement and the work done. */
interface WindowBase extends Measurement, Pick<BenchmarkIdentity, 'benchmark' | 'workUnit'> {
  /** 1-based repetition number. */
  repetition: number;
  /** Work done in the window, in `workUnit` (1 run for a command). */
  work: number;
  /** Idle power of the machine measured around the run, for `net_energy_j`; null or absent when none was taken. */
  idlePowerW?: number | null;
  /** False when a checksum is wrong, a command failed, or the window has no energy although a source should give it. */
  valid: boolean;
}

/** A window around a kernel of the suite on worker threads. */
export interface KernelWindow extends WindowBase {
  kind: 'kernel';
  /** Worker threads the kernel ran on. */
  threads: number;
  version: string;
  /** Output checksum the threads agreed on (the first thread's when they did not), or null when none came back. */
  checksum: string | null;
  /** CPU seconds of the kernel's worker threads (they are threads, not child processes), or null with `processCpuReason`. */
  processCpuS: number | null;
  /** Why `processCpuS` is null: the threads' CPU time could not be read. */
  processCpuReason?: string;
}

/** A window around one run of a command (no shell). */
export interface CommandWindow extends WindowBase {
  kind: 'command';
  /** CPU seconds of the command and its descendants, or null when they could not be read. */
  processCpuS: number | null;
  /** Exit code of the command, or null when a signal ended it. */
  exitCode: number | null;
  /** Signal that ended the command, or null. */
  signal: string | null;
  /**
   * With `--skip`: the seconds left out at the start, the command's whole run time, and the work it did in all (the
   * window's `durationS`, energy and `work` are those of the measured part). Absent without `--skip`.
   */
  skip?: { skipS: number; runDurationS: number; runWork: number };
}

/** A window around a library caller's own function or tinybench task, run on this thread. */
export interface FunctionWindow extends WindowBase {
  kind: 'function';
}

/** One measured window with what was measured in it: one row of the results. */
export type Window = KernelWindow | CommandWindow | FunctionWindow;

/** The result of one run of wattbench: its windows and what it measured them with. */
export interface RunResult {
  runId: string;
  /** Machine label (`--label`) or host name. */
  machine: string;
  startedAt: string;
  windows: Window[];
  /** Every probe, usable or not. */
  probes: Probe[];
  rule: TotalRule;
  settings: Record<string, unknown>;
}
