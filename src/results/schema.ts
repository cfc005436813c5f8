import type { RunResult, Window } from '../runner/types.js';
import { windowRecord } from './window-record.js';

/** The row schema of DESIGN.md §5: one row per window, the same columns on every machine. */

/** Bumped whenever a column changes meaning or is removed; readers refuse other versions. */
export const SCHEMA_VERSION = 1;

/** Columns of the main results CSV, in order: the required ones first, extras after. */
export const COLUMNS = [
  'schema_version',
  'run_id',
  'started_at',
  'machine',
  'benchmark',
  'kind',
  'threads',
  'repetition',
  'duration_s',
  'work',
  'work_unit',
  'throughput_per_s',
  'energy_j',
  'power_w',
  'idle_power_w',
  'net_energy_j',
  'work_per_j',
  'quality',
  'source',
  'cpu_util_pct',
  'checksum',
  'valid',
  'version',
  'steal_pct',
  'process_cpu_s',
  'freq_mhz',
  'temp_c',
  'exit_code',
  'warnings',
  'fidelity',
  'coverage_pct',
] as const;

/** One CSV row: a value per column; null becomes an empty cell. */
export type Row = Record<(typeof COLUMNS)[number], string | number | boolean | null>;

/** Columns of the long-format per-source CSV: one row per window and source. */
export const SOURCE_COLUMNS = [
  'schema_version',
  'run_id',
  'machine',
  'benchmark',
  'threads',
  'repetition',
  'source',
  'kind',
  'scope',
  'quality',
  'in_total',
  'energy_j',
  'power_w',
  'value',
  'samples',
  'reason',
  'fidelity',
  'update_period_s',
  'coverage_pct',
] as const;

/** One long-format row. */
export type SourceRow = Record<(typeof SOURCE_COLUMNS)[number], string | number | boolean | null>;

/** Rounds to 9 significant digits so files stay readable without losing what the sensors resolve. */
export function round(x: number | null | undefined): number | null {
  if (x === null || x === undefined || !Number.isFinite(x)) return null;
  return Number(x.toPrecision(9));
}

/** Work per joule and throughput of a window (gross energy drives work per joule). */
export function derived(w: Window): { throughputPerS: number | null; workPerJ: number | null } {
  return {
    throughputPerS: w.durationS > 0 ? w.work / w.durationS : null,
    workPerJ: w.energyJ !== null && w.energyJ > 0 ? w.work / w.energyJ : null,
  };
}

/** Turns a window into its CSV row. */
export function windowToRow(run: Pick<RunResult, 'runId' | 'machine'>, window: Window): Row {
  const { throughputPerS, workPerJ } = derived(window);
  // The columns are the same for every kind: the record gives null where a field is not the kind's.
  const w = windowRecord(window);
  const idle = w.idlePowerW ?? null;
  return {
    schema_version: SCHEMA_VERSION,
    run_id: run.runId,
    started_at: w.startedAt,
    machine: run.machine,
    benchmark: w.benchmark,
    kind: w.kind,
    threads: w.threads,
    repetition: w.repetition,
    duration_s: round(w.durationS),
    work: round(w.work),
    work_unit: w.workUnit,
    throughput_per_s: round(throughputPerS),
    energy_j: round(w.energyJ),
    power_w: round(w.powerW),
    idle_power_w: round(idle),
    net_energy_j: idle !== null && w.energyJ !== null ? round(w.energyJ - idle * w.durationS) : null,
    work_per_j: round(workPerJ),
    quality: w.quality,
    source: w.source,
    cpu_util_pct: round(w.cpuUtilPct),
    checksum: w.checksum,
    valid: w.valid,
    version: w.version,
    steal_pct: round(w.stealPct),
    process_cpu_s: round(w.processCpuS),
    freq_mhz: round(w.freqMhz),
    temp_c: round(w.tempC),
    exit_code: w.exitCode,
    warnings: w.warnings.length ? w.warnings.join('; ') : null,
    fidelity: w.fidelity,
    coverage_pct: round(w.coveragePct),
  };
}

/** Turns a window into its long-format per-source rows. */
export function windowToSourceRows(run: Pick<RunResult, 'runId' | 'machine'>, w: Window): SourceRow[] {
  const threads = w.kind === 'kernel' ? w.threads : null;
  return w.sources.map((s) => ({
    schema_version: SCHEMA_VERSION,
    run_id: run.runId,
    machine: run.machine,
    benchmark: w.benchmark,
    threads,
    repetition: w.repetition,
    source: s.id,
    kind: s.kind,
    scope: s.scope,
    quality: s.quality,
    in_total: s.inTotal,
    energy_j: round(s.energyJ),
    power_w: round(s.powerW),
    value: round(s.value),
    samples: s.samples,
    reason: s.reason,
    fidelity: s.fidelity ?? null,
    update_period_s: round(s.updatePeriodS),
    coverage_pct: round(s.coveragePct),
  }));
}
