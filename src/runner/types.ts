import type { Measurement } from '../sampler/window.js';
import type { TotalRule } from '../sampler/total.js';
import type { Probe } from '../sources/types.js';

/** One measured window with what was measured in it: one row of the results. */
export interface Window extends Measurement {
  /** Kernel id, command line or task name. */
  benchmark: string;
  /** `kernel`, `command`, or `function` for library callers measuring their own code. */
  kind: 'kernel' | 'command' | 'function';
  /** Worker threads for kernels; null for commands and functions, whose threading wattbench does not control. */
  threads: number | null;
  /** 1-based repetition number. */
  repetition: number;
  /** Work done in the window, in `workUnit` (1 run for a command). */
  work: number;
  workUnit: string;
  /** Kernel version, or null. */
  version: string | null;
  /** Output checksum for kernels, or null. */
  checksum: string | null;
  /** Exit code of a command, or null. */
  exitCode: number | null;
  /** Signal that ended a command, or null. */
  signal: string | null;
  /** Why `processCpuS` is null, where the runner knows (a kernel whose threads' CPU time could not be read). */
  processCpuReason?: string;
  /** Idle power of the machine measured around the run, for `net_energy_j`; null or absent when none was taken. */
  idlePowerW?: number | null;
  /** False when a checksum is wrong, a command failed, or the window has no energy although a source should give it. */
  valid: boolean;
}

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
