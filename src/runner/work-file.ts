/**
 * Work in the user's own units: `--work N --work-unit UNIT`, and the line `<number> <unit>` a command writes to the
 * file named by `$WATTBENCH_WORK_FILE`. Everything here is pure: the file is read by `work-dir.ts`.
 */

/** Name of the environment variable that holds the path of a run's work file. */
export const WORK_FILE_ENV = 'WATTBENCH_WORK_FILE';
/** Bytes of a work file that are read; a longer file is refused, never read to its end. */
export const WORK_FILE_MAX_BYTES = 1024;
/** The largest amount of work one window may report (beyond any real count, well inside a double's exact range for ratios). */
export const WORK_MAX = 1e18;
/** The longest unit name. */
export const WORK_UNIT_MAX_CHARS = 32;

const UNIT = /^[A-Za-z][A-Za-z0-9_/-]*$/;
// Plain decimal, optionally with an exponent: no sign, hex, separators, NaN or Infinity.
const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** An amount of work in a unit. */
export interface Work {
  work: number;
  unit: string;
}

/** Returns why `unit` is not a usable unit name, or null when it is. */
export function workUnitProblem(unit: string): string | null {
  if (unit === '') return 'a unit of work must not be empty';
  if (unit.length > WORK_UNIT_MAX_CHARS) return `a unit of work has at most ${WORK_UNIT_MAX_CHARS} characters, got ${unit.length}`;
  if (!UNIT.test(unit)) return `a unit of work is a plain word (a letter, then letters, digits, _, - or /), got ${JSON.stringify(unit)}`;
  return null;
}

/** Returns the amount `text` writes, or why it is not a positive finite amount of at most `WORK_MAX`. */
export function parseWorkAmount(text: string): { ok: true; work: number } | { ok: false; reason: string } {
  const shown = JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
  if (/^-/.test(text) && NUMBER.test(text.slice(1))) return { ok: false, reason: `work must be positive, got ${shown}` };
  if (!NUMBER.test(text)) return { ok: false, reason: `work must be a positive decimal number, got ${shown}` };
  const work = Number(text);
  if (work === 0) return { ok: false, reason: `work must be positive, got ${shown}` };
  if (!Number.isFinite(work) || work > WORK_MAX) return { ok: false, reason: `work ${shown} is too big (at most ${WORK_MAX})` };
  return { ok: true, work };
}

/** What a work file said: nothing (empty), an amount of work, or why its content is unusable. */
export type WorkFileResult = { kind: 'empty' } | ({ kind: 'work' } & Work) | { kind: 'invalid'; reason: string };

/**
 * Parses the content of a work file: one line `<number> <unit>` (blanks around and between, one final newline
 * allowed); empty or blank content reports nothing. `truncated` says the file was longer than what was read.
 */
export function parseWorkFile(text: string, truncated = false): WorkFileResult {
  if (truncated) return { kind: 'invalid', reason: `the work file is longer than ${WORK_FILE_MAX_BYTES} bytes: write one line "<number> <unit>"` };
  if (text.trim() === '') return { kind: 'empty' };
  const body = text.replace(/\r?\n$/, '');
  if (/[\r\n]/.test(body)) return { kind: 'invalid', reason: 'the work file has several lines: write one line "<number> <unit>"' };
  const parts = body.trim().split(/[ \t]+/);
  if (parts.length !== 2) return { kind: 'invalid', reason: `the work file must hold "<number> <unit>" (e.g. "4096 tokens"), got ${JSON.stringify(body.trim().slice(0, 60))}` };
  const [amount, unit] = parts as [string, string];
  const parsed = parseWorkAmount(amount);
  if (!parsed.ok) return { kind: 'invalid', reason: `the work file: ${parsed.reason}` };
  const problem = workUnitProblem(unit);
  if (problem !== null) return { kind: 'invalid', reason: `the work file: ${problem}` };
  return { kind: 'work', work: parsed.work, unit };
}

/**
 * What the windows of a command count as work: `work` per window in `unit` by default (`--work N --work-unit U`), or,
 * with a unit and no amount (`--work-unit U` alone), only what the command reports in that unit; neither: 1 `run`.
 */
export interface WorkSpec {
  work?: number;
  unit?: string;
}

/** Checks `--work` and `--work-unit` as given; returns why they are unusable, or null. */
export function workSpecProblem(spec: WorkSpec): string | null {
  if (spec.work !== undefined) {
    if (!Number.isFinite(spec.work) || spec.work <= 0) return `--work must be a positive number, got ${String(spec.work)}`;
    if (spec.work > WORK_MAX) return `--work is too big (at most ${WORK_MAX}), got ${String(spec.work)}`;
    if (spec.unit === undefined) return '--work N needs --work-unit UNIT (e.g. --work 4096 --work-unit tokens)';
  }
  if (spec.unit !== undefined) {
    const problem = workUnitProblem(spec.unit);
    if (problem !== null) return `--work-unit: ${problem}`;
  }
  return null;
}

/** The work of one window: what it counts, and why the window is invalid when its report was unusable. */
export type WindowWork = Work & { reported: boolean; problem: string | null };

/**
 * Decides one window's work from what its command reported and the spec; `bound` is the unit an earlier window of the
 * same command reported (it binds the later ones when the spec names no unit).
 */
export function windowWork(report: WorkFileResult, spec: WorkSpec, bound?: string): WindowWork {
  const unit = spec.unit ?? bound;
  const fallback: Work = spec.work !== undefined && spec.unit !== undefined ? { work: spec.work, unit: spec.unit } : { work: 1, unit: unit ?? 'run' };
  if (report.kind === 'invalid') return { ...fallback, reported: false, problem: report.reason };
  if (report.kind === 'empty') {
    if (unit !== undefined && spec.work === undefined) {
      const why = spec.unit !== undefined ? `--work-unit ${spec.unit} without --work` : `earlier windows reported ${unit}`;
      return { ...fallback, reported: false, problem: `the command reported no work in $${WORK_FILE_ENV} (${why}: the work must come from the command)` };
    }
    return { ...fallback, reported: false, problem: null };
  }
  if (unit !== undefined && report.unit !== unit) {
    const expected = spec.unit !== undefined ? `--work-unit ${unit}` : `${unit}, the unit of the earlier windows`;
    return { ...fallback, reported: false, problem: `the work file says ${JSON.stringify(report.unit)}, not ${expected}` };
  }
  return { work: report.work, unit: report.unit, reported: true, problem: null };
}
