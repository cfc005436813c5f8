import type { GroupSamples } from '../results/read.js';
import { FIDELITIES, weakestFidelity, type Fidelity } from '../sources/types.js';
import { benchmarkLabel } from './join.js';

/**
 * Fidelity across the sides of a comparison: energy from a hardware counter, an instantaneous gauge, a gauge the device
 * averages, or an estimate is not equally exact, so two sides of different fidelity are compared with a note (never
 * refused: measured energy is comparable, only less exactly). Rows of unknown fidelity (files older than the column)
 * are not a difference.
 */

/** Why a weaker fidelity is less exact, for the notes. */
const WHY = 'a counter counts every joule, an instantaneous gauge is interpolated between reads, an averaged gauge lags and smooths the load';

/** The known fidelities of a group's valid rows, weakest first. */
export function groupFidelities(g: Pick<GroupSamples, 'fidelities'>): Fidelity[] {
  return FIDELITIES.filter((f) => g.fidelities?.[f] !== undefined);
}

/** The note for a baseline and a current group whose energy fidelity differs, or null when it does not (or is unknown). */
export function fidelityNote(baseline: GroupSamples, current: GroupSamples): string | null {
  const b = groupFidelities(baseline);
  const c = groupFidelities(current);
  if (b.length === 0 || c.length === 0) return null;
  if (b.length === 1 && c.length === 1 && b[0] === c[0]) return null;
  return `${benchmarkLabel(current)}: energy fidelity differs: baseline ${b.join('+')}, current ${c.join('+')} (${WHY}); energy is compared, less exactly`;
}

/** The note for machines whose energy fidelity differs across a set's groups, or null when they agree (or it is unknown). */
export function machineFidelityNote(groups: Iterable<GroupSamples>): string | null {
  const byMachine = new Map<string, Fidelity[]>();
  for (const g of groups) {
    const known = groupFidelities(g);
    if (known.length === 0) continue;
    byMachine.set(g.machine, [...(byMachine.get(g.machine) ?? []), ...known]);
  }
  const weakest = [...byMachine].map(([machine, list]) => [machine, weakestFidelity(list) as Fidelity] as const);
  if (new Set(weakest.map(([, f]) => f)).size <= 1) return null;
  const list = weakest.slice(0, 8).map(([machine, f]) => `${machine} ${f}`).join(', ');
  return `energy fidelity differs between machines (weakest per machine: ${list}${weakest.length > 8 ? ', …' : ''}; ${WHY}): work per joule is compared, less exactly`;
}
