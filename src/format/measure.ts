import { derived } from '../results/schema.js';
import type { Window } from '../runner/types.js';
import { summarize } from '../stats/descriptive.js';
import { MIN_UPDATES_PER_WINDOW } from '../sampler/updates.js';
import { num, pct, table } from './text.js';

/** The exit cell of a window: a command's exit code, else the signal that ended it; `-` for anything else. */
export function exitCell(w: Window): string {
  if (w.kind !== 'command') return '-';
  return w.exitCode === null ? (w.signal ?? '-') : String(w.exitCode);
}

/** The human summary: one line per repetition, then median and spread. */
export function measureSummary(windows: Window[]): string {
  const rows = windows.map((w) => [
    String(w.repetition),
    num(w.durationS),
    num(w.energyJ),
    num(w.powerW),
    w.quality,
    w.fidelity ?? '-',
    num(w.coveragePct, 3),
    num(w.cpuUtilPct, 3),
    num(w.processCpuS, 3),
    exitCell(w),
    w.valid ? 'yes' : 'NO',
  ]);
  const lines = [table(['rep', 'duration_s', 'energy_j', 'power_w', 'quality', 'fidelity', 'cover_%', 'cpu_util_%', 'proc_cpu_s', 'exit', 'valid'], rows)];
  const first = windows[0];
  if (first) {
    lines.push(`source: ${first.source}${first.quality === 'estimated' ? ' (ESTIMATED, not measured)' : ''}`);
    const stat = (label: string, unit: string, values: Array<number | null>): string => {
      const s = summarize(values.filter((v): v is number => v !== null));
      return s.n === 0 ? `${label}: -` : `${label}: median ${num(s.median)} ${unit} (min ${num(s.min)}, max ${num(s.max)}, CV ${pct(s.cv)})`;
    };
    lines.push(stat('duration', 's', windows.map((w) => w.durationS)));
    lines.push(stat('energy', 'J', windows.map((w) => w.energyJ)));
    lines.push(stat('power', 'W', windows.map((w) => w.powerW)));
    // Work in the command's own units (`--work`, `$WATTBENCH_WORK_FILE`): what the claims are made in, tokens per joule.
    if (first.workUnit !== 'run') {
      const mine = windows.filter((w) => w.workUnit === first.workUnit);
      lines.push(stat('work', first.workUnit, mine.map((w) => w.work)));
      lines.push(stat('throughput', `${first.workUnit}/s`, mine.map((w) => derived(w).throughputPerS)));
      lines.push(stat('work per joule', `${first.workUnit}/J`, mine.map((w) => derived(w).workPerJ)));
    }
    const least = leastWindowLine(windows);
    if (least) lines.push(least);
  }
  const warnings = [...new Set(windows.flatMap((w) => w.warnings))];
  for (const w of warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

/**
 * How long a window must be (README, "Fidelity and coverage"): the line shown when a window was shorter than
 * `MIN_UPDATES_PER_WINDOW` updates of the slowest source in its total, else null.
 */
export function leastWindowLine(windows: readonly Window[]): string | null {
  const least = Math.max(0, ...windows.map((w) => w.minWindowS ?? 0));
  if (!(least > 0) || !windows.some((w) => w.durationS < (w.minWindowS ?? 0))) return null;
  return `window too short: a window must last at least ${num(least, 3)} s (${MIN_UPDATES_PER_WINDOW} updates of the slowest energy source); make the command run longer`;
}
