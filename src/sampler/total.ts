import type { Quality, SourceInfo } from '../sources/types.js';

/** The declared total rule: which energy sources add up to a machine's total without double counting. */

/** The sources a total adds and the quality of the result. */
export interface TotalRule {
  /** Ids of the sources summed. */
  ids: string[];
  quality: Quality;
  /** One line a person can read, e.g. "rapl:package-0 + rapl:package-0:dram (packages + DRAM; psys absent)". */
  description: string;
}

const isEnergy = (i: SourceInfo): boolean => (i.kind === 'counter' || i.kind === 'gauge') && !i.duplicateOf;

/**
 * Chooses the total: a wall meter covers everything; else a discharging battery; else psys, or packages + DRAM,
 * plus accelerators. Core and uncore lie inside their package and are never added. Estimates are used only when
 * nothing is measured, and are never added to measurements.
 */
export function totalRule(infos: SourceInfo[]): TotalRule {
  const measured = infos.filter((i) => isEnergy(i) && i.quality === 'measured');
  const of = (...scopes: SourceInfo['scope'][]): string[] => measured.filter((i) => scopes.includes(i.scope)).map((i) => i.id);
  if (measured.length > 0) {
    const wall = of('system-wall');
    if (wall.length) return { ids: wall, quality: 'measured', description: `${wall.join(' + ')} (wall power covers the whole machine)` };
    const battery = of('battery');
    if (battery.length) return { ids: battery, quality: 'measured', description: `${battery.join(' + ')} (battery discharge covers the whole machine)` };
    const psys = of('psys');
    const cpu = psys.length ? psys : of('cpu-package', 'dram');
    const accel = of('gpu', 'npu');
    const ids = [...cpu, ...accel];
    if (ids.length) {
      const cpuPart = psys.length ? 'psys (platform, includes packages and DRAM)' : cpu.length ? 'CPU packages + DRAM' : 'no CPU sensor readable: CPU energy NOT included';
      const parts = [cpuPart, ...(accel.length ? ['accelerators'] : [])];
      return { ids, quality: 'measured', description: `${ids.join(' + ')} (${parts.join(' + ')}; core/uncore are inside packages and not added)` };
    }
  }
  const estimated = infos.filter((i) => isEnergy(i) && i.quality === 'estimated').map((i) => i.id);
  if (estimated.length) return { ids: estimated, quality: 'estimated', description: `${estimated.join(' + ')} (ESTIMATED from CPU utilization: no readable sensor)` };
  return { ids: [], quality: 'none', description: 'no energy source: energy is not known' };
}
