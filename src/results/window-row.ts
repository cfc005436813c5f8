import type { RunResult, Window } from '../runner/types.js';
import type { ResultRow } from './read.js';
import { derived, round } from './schema.js';
import { windowRecord } from './window-record.js';

/**
 * The row a reader gets back from the CSV written for `w` (as `resultRowOf(windowToRow(run, w))`), built without the
 * CSV row in between: the numbers are rounded by the same `round` the writer applies, so a verdict drawn from
 * windows in memory equals the one `check` draws from the written file.
 */
export function windowResultRow(run: Pick<RunResult, 'runId' | 'machine'>, window: Window): ResultRow {
  const { throughputPerS, workPerJ } = derived(window);
  const w = windowRecord(window);
  const text = (value: string | null | undefined): string | null => (value === null || value === undefined || value === '' ? null : value);
  return {
    runId: run.runId,
    repetition: w.repetition,
    machine: run.machine,
    benchmark: w.benchmark,
    kind: w.kind,
    threads: w.threads,
    workUnit: w.workUnit,
    version: text(w.version),
    checksum: text(w.checksum),
    quality: w.quality,
    source: w.source,
    valid: w.valid,
    durationS: round(w.durationS) ?? 0,
    work: round(w.work) ?? 0,
    throughputPerS: round(throughputPerS),
    energyJ: round(w.energyJ),
    powerW: round(w.powerW),
    workPerJ: round(workPerJ),
    warnings: text(w.warnings.join('; ')),
    fidelity: w.fidelity,
    coveragePct: round(w.coveragePct),
  };
}
