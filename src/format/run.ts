import type { IdleBaseline } from '../runner/suite.js';
import type { Window } from '../runner/types.js';
import { derived } from '../results/schema.js';
import { summarize } from '../stats/descriptive.js';
import { weakestFidelity } from '../sources/types.js';
import { num, pct, table } from './text.js';

/** The printed summary: per kernel and thread count, medians over repetitions and the throughput CV. */
export function suiteSummary(windows: readonly Window[], idle: IdleBaseline): string {
  // The suite's windows are kernels'; anything else has no thread count to show.
  const threadsOf = (w: Window): number | null => (w.kind === 'kernel' ? w.threads : null);
  const groups = new Map<string, Window[]>();
  for (const w of windows) {
    const key = `${w.benchmark}\u0000${threadsOf(w)}`;
    groups.set(key, [...(groups.get(key) ?? []), w]);
  }
  const rows: string[][] = [];
  for (const ws of groups.values()) {
    const first = ws[0] as Window;
    const through = ws.map((w) => derived(w).throughputPerS).filter((x): x is number => x !== null);
    const perJ = ws.map((w) => derived(w).workPerJ).filter((x): x is number => x !== null);
    const power = ws.map((w) => w.powerW).filter((x): x is number => x !== null);
    const t = summarize(through);
    rows.push([
      first.benchmark,
      String(threadsOf(first)),
      `${num(t.median)} ${first.workUnit}/s`,
      num(summarize(power).median),
      `${num(summarize(perJ).median)} ${first.workUnit}/J`,
      first.quality,
      // The weakest over the repetitions: one window of lower fidelity makes the figure less exact.
      weakestFidelity(ws.map((w) => w.fidelity ?? null)) ?? '-',
      pct(t.cv),
      ws.every((w) => w.valid) ? 'yes' : 'NO',
    ]);
  }
  const lines = [table(['kernel', 'threads', 'throughput', 'power_w', 'work_per_j', 'quality', 'fidelity', 'cv', 'valid'], rows)];
  lines.push(`idle power: ${num(idle.powerW)} W (before ${num(idle.beforeW)}, after ${num(idle.afterW)}); work per joule uses gross energy`);
  if (windows.some((w) => w.quality === 'estimated')) lines.push('energy is ESTIMATED from CPU utilization (no readable sensor): work per joule here is ~ throughput / constant');
  const warnings = [...new Set(windows.flatMap((w) => w.warnings).filter((x) => !x.startsWith('energy is ESTIMATED')))];
  for (const w of warnings.slice(0, 20)) lines.push(`warning: ${w}`);
  if (warnings.length > 20) lines.push(`(${warnings.length - 20} more warnings in the CSV)`);
  return lines.join('\n');
}
