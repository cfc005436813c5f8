import { UsageError } from '../errors.js';
import type { Arm } from '../runner/ab-plan.js';
import type { RunResult, Window } from '../runner/types.js';
import { GroupAccumulator, type GroupSamples, readResults } from '../results/read.js';
import { windowResultRow } from '../results/window-row.js';
import { type Calibration, calibrateGroups, thresholdFromCalibration, type ThresholdFromCalibration } from './ab.js';
import { CHECK_SERIES, type CheckEntry, checkGroups, type CheckOptions, groupQuality, metricsFor } from './check.js';

/** The verdict of `wattbench ab` drawn from its windows, and the threshold an earlier A/A calibration file recommends. */

/** Groups one arm's windows as `check` groups the rows written for them (same rounding, same series). */
export function armGroup(run: Pick<RunResult, 'runId' | 'machine'>, windows: readonly Window[]): GroupSamples | undefined {
  const accumulator = new GroupAccumulator({ series: CHECK_SERIES, byMachine: false });
  windows.forEach((w, i) => accumulator.add(windowResultRow(run, w), { file: 'ab', line: i + 1 }));
  return [...accumulator.groups.values()][0];
}

/** What `abVerdict` found: one entry per metric, the A/A calibrations (A/A only) and notes on the metrics chosen. */
export interface AbVerdict {
  entries: CheckEntry[];
  calibrations: Calibration[];
  notes: string[];
}

/**
 * The verdict of B (current) against A (baseline), as `check` would draw it from the written rows; for an A/A run
 * also the calibration of the noise. Throws a UsageError when an arm mixes energy qualities or a metric asked for
 * cannot be compared.
 */
export function abVerdict(
  groups: Readonly<Record<Arm, GroupSamples>>,
  gate: CheckOptions,
  options: { aa: boolean; label: string; seed: number },
): AbVerdict {
  if (groups.A.workUnit !== groups.B.workUnit) {
    // Work each command reported in $WATTBENCH_WORK_FILE: tokens against runs (or images) is no comparison.
    throw new UsageError(`command A counts its work in ${groups.A.workUnit}, command B in ${groups.B.workUnit} ($WATTBENCH_WORK_FILE): work in different units is not compared`);
  }
  // Each arm's rows must be of one energy quality; B is the current build, A the baseline.
  groupQuality(groups.A);
  groupQuality(groups.B);
  const notes: string[] = [];
  const metrics = metricsFor(groups.A, groups.B, gate.metrics, notes);
  const entries = checkGroups(groups.A, groups.B, metrics, gate).map((e) => ({ ...e, label: options.label }));
  const calibrations = options.aa ? calibrateGroups(groups.A, groups.B, { ...(gate.alpha !== undefined ? { alpha: gate.alpha } : {}), seed: gate.seed ?? options.seed }) : [];
  return { entries, calibrations, notes };
}

/** Reads the threshold recommended by an A/A calibration file written by `wattbench ab` (UsageError when it holds none). */
export async function thresholdFromFile(file: string, options: { alpha?: number } = {}): Promise<ThresholdFromCalibration> {
  const set = await readResults([file], { byMachine: false, series: CHECK_SERIES });
  return thresholdFromCalibration(set, file, options.alpha === undefined ? {} : { alpha: options.alpha });
}
