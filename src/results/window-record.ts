import type { Measurement } from '../sampler/window.js';
import type { BenchmarkIdentity, Window } from '../runner/types.js';

/**
 * A window as the JSON sidecar and `--json` write it: every field of every kind, null where it does not apply (a
 * kernel's `exitCode`, a command's `threads`), so the documents keep one shape whatever ran.
 */
export interface WindowRecord extends Measurement, BenchmarkIdentity {
  repetition: number;
  work: number;
  /** Output checksum of a kernel, else null. */
  checksum: string | null;
  /** Exit code of a command, else null. */
  exitCode: number | null;
  /** Signal that ended a command, else null. */
  signal: string | null;
  /** Why a kernel's `processCpuS` is null; absent otherwise. */
  processCpuReason?: string;
  /** A command's `--skip` cut (seconds left out, whole run time, whole work); absent without `--skip`. */
  skip?: { skipS: number; runDurationS: number; runWork: number };
  /** Present where the window has it (kernels): null when no idle baseline was taken. */
  idlePowerW?: number | null;
  valid: boolean;
}

/** Flattens a window into its record; the keys come in the order the documents have always had them. */
export function windowRecord(w: Window): WindowRecord {
  const kernel = w.kind === 'kernel' ? w : null;
  const command = w.kind === 'command' ? w : null;
  return {
    startedAt: w.startedAt,
    durationS: w.durationS,
    energyJ: w.energyJ,
    powerW: w.powerW,
    quality: w.quality,
    source: w.source,
    cpuUtilPct: w.cpuUtilPct,
    stealPct: w.stealPct,
    processCpuS: w.processCpuS,
    freqMhz: w.freqMhz,
    tempC: w.tempC,
    sources: w.sources,
    warnings: w.warnings,
    ...(kernel?.processCpuReason !== undefined ? { processCpuReason: kernel.processCpuReason } : {}),
    benchmark: w.benchmark,
    kind: w.kind,
    threads: kernel?.threads ?? null,
    repetition: w.repetition,
    work: w.work,
    workUnit: w.workUnit,
    version: kernel?.version ?? null,
    checksum: kernel?.checksum ?? null,
    exitCode: command?.exitCode ?? null,
    signal: command?.signal ?? null,
    ...(command?.skip ? { skip: command.skip } : {}),
    ...(w.idlePowerW !== undefined ? { idlePowerW: w.idlePowerW } : {}),
    valid: w.valid,
    // Last, so the documents' earlier keys keep their order; a window built without them reads as unknown, not absent.
    fidelity: w.fidelity ?? null,
    coveragePct: w.coveragePct ?? null,
    minWindowS: w.minWindowS ?? null,
  };
}
