import type { Window } from '../runner/types.js';
import { summarize } from '../stats/descriptive.js';
import { exitCell } from './measure.js';
import { num, pct, table } from './text.js';

/** The human summary of the windows, in run order, with each command's medians. */
export function abSummary(windows: readonly Window[]): string {
  const rows = windows.map((w, i) => [
    String(i + 1),
    w.benchmark.startsWith('[A]') ? 'A' : 'B',
    String(w.repetition),
    num(w.durationS),
    num(w.energyJ),
    num(w.powerW),
    w.quality,
    exitCell(w),
    w.valid ? 'yes' : 'NO',
  ]);
  const lines = [table(['run', 'cmd', 'rep', 'duration_s', 'energy_j', 'power_w', 'quality', 'exit', 'valid'], rows)];
  for (const arm of ['A', 'B'] as const) {
    const mine = windows.filter((w) => w.benchmark.startsWith(`[${arm}]`));
    const durations = summarize(mine.map((w) => w.durationS));
    const energies = summarize(mine.flatMap((w) => (w.energyJ === null ? [] : [w.energyJ])));
    if (durations.n > 0) lines.push(`${arm}: median ${num(durations.median)} s, ${num(energies.median)} J over ${durations.n} runs (duration CV ${pct(durations.cv)})`);
  }
  if (windows.some((w) => w.quality === 'estimated')) lines.push('energy is ESTIMATED from CPU utilization (no readable sensor): only time is compared unless --metric says otherwise');
  return lines.join('\n');
}
