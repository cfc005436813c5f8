import { weakestFidelity, type Fidelity, type SourceInfo } from '../sources/types.js';
import { systemClock, type Clock } from '../clock.js';
import { DEBUG_SOURCE_ID } from '../sources/debug/debug.js';
import { alignToDuration, integrate, type SourceWindow } from './integrate.js';
import type { Mark, Sampler } from './sampler.js';
import { totalRule, type TotalRule } from './total.js';
import { MIN_UPDATES_PER_WINDOW } from './updates.js';

/** A measured interval: energy per source, the total by the declared rule, utilization and telemetry. */
export interface Measurement {
  /** Wall-clock start, ISO 8601. */
  startedAt: string;
  durationS: number;
  /** Total energy by the rule, or null with a warning when a source in the rule had no figure. */
  energyJ: number | null;
  powerW: number | null;
  quality: TotalRule['quality'];
  /** The ids the total adds, joined with `+`. */
  source: string;
  /** The weakest fidelity among the sources in the total (estimated < averaged < instant < counter), or null when none. */
  fidelity: Fidelity | null;
  /** The total's coverage: the least coverage (updates.ts) among its sources, 0–100, or null when unknown. */
  coveragePct: number | null;
  /** The shortest window that spans `MIN_UPDATES_PER_WINDOW` updates of every source in the total, or null when unknown. */
  minWindowS: number | null;
  /** System CPU utilization %, of all CPUs. */
  cpuUtilPct: number | null;
  stealPct: number | null;
  /** CPU seconds of the measured process tree, when one was attached. */
  processCpuS: number | null;
  freqMhz: number | null;
  tempC: number | null;
  sources: Array<SourceWindow & { inTotal: boolean }>;
  warnings: string[];
}

/** An open window: close it to get its measurement. */
export interface OpenWindow {
  readonly startedAt: string;
  readonly start: Mark;
  readonly startS: number;
}

/** Opens and closes windows on a running sampler and turns their records into measurements. */
export class WindowMeter {
  readonly rule: TotalRule;

  constructor(
    private readonly sampler: Sampler,
    rule?: TotalRule,
    /** Time of the window edges; the sampler's own clock should be the same one. */
    private readonly clock: Clock = systemClock,
  ) {
    this.rule = rule ?? totalRule(sampler.sources().map((s) => s.info));
  }

  /** Takes the bracketing read at the start of a window. */
  async open(): Promise<OpenWindow> {
    const start = await this.sampler.mark();
    return { start, startS: this.clock.nowS(), startedAt: new Date().toISOString() };
  }

  /** Takes the bracketing read at the end and computes the window; `endS` is when the work ended, if known. */
  async close(window: OpenWindow, endS = this.clock.nowS()): Promise<Measurement> {
    const end = await this.sampler.mark();
    const durationS = endS - window.startS;
    const infos = this.sampler.sources().map((s) => s.info);
    const sources = infos.map((info) => ({
      ...alignToDuration(integrate(info, this.sampler.between(info.id, window.start, end), durationS), durationS),
      inTotal: this.rule.ids.includes(info.id),
    }));
    this.sampler.trimBefore(end);
    return measurementOf(window.startedAt, durationS, sources, this.rule, infos);
  }
}

/** True for the debug source, whose power follows a script. */
const isScripted = (id: string): boolean => id === DEBUG_SOURCE_ID;

function measurementOf(
  startedAt: string,
  durationS: number,
  sources: Measurement['sources'],
  rule: TotalRule,
  infos: SourceInfo[],
): Measurement {
  const warnings = sources.flatMap((s) => s.warnings);
  const inTotal = sources.filter((s) => s.inTotal);
  let energyJ: number | null = null;
  const missing = inTotal.filter((s) => s.energyJ === null);
  if (inTotal.length > 0 && missing.length === 0) energyJ = inTotal.reduce((sum, s) => sum + (s.energyJ as number), 0);
  for (const s of missing) {
    // A fault the source already warned about in full (a frozen counter) is named, not repeated.
    const said = s.reason !== null && s.warnings.includes(`${s.id}: ${s.reason}`);
    warnings.push(`${s.id}: no energy for this window (${said ? 'its warning says why' : s.reason}); the total is unknown`);
  }
  const system = sources.find((s) => s.kind === 'utilization' && s.scope === 'cpu');
  const proc = sources.find((s) => s.kind === 'utilization' && s.scope === 'process');
  // The row's frequency and temperature are the CPU's: accelerators keep theirs in the per-source breakdown.
  const freq = sources.find((s) => s.kind === 'frequency' && s.scope === 'cpu');
  const temp = sources.find((s) => s.kind === 'temperature' && s.scope === 'cpu');
  if (rule.quality === 'estimated') {
    const model = infos.find((i) => rule.ids.includes(i.id))?.model;
    warnings.push(`energy is ESTIMATED${model ? ` by model ${model.id}` : ''}, not measured`);
  }
  const short = shortWindowWarning(durationS, inTotal);
  if (short) warnings.push(short);
  const scripted = rule.ids.filter(isScripted);
  if (scripted.length) warnings.push(`energy is SCRIPTED by the debug source (${scripted.join(', ')}), not measured`);
  return {
    startedAt,
    durationS,
    energyJ,
    powerW: energyJ !== null && durationS > 0 ? energyJ / durationS : null,
    quality: energyJ === null ? 'none' : rule.quality,
    source: rule.ids.join('+') || 'none',
    fidelity: weakestFidelity(inTotal.map((s) => s.fidelity)),
    minWindowS: slowestOf(inTotal)?.minWindowS ?? null,
    coveragePct: inTotal.length === 0 || inTotal.some((s) => s.coveragePct === null) ? null : Math.min(...inTotal.map((s) => s.coveragePct as number)),
    cpuUtilPct: system?.value ?? null,
    stealPct: system?.stealPct ?? null,
    processCpuS: proc?.cpuS ?? null,
    freqMhz: freq?.value ?? null,
    tempC: temp?.value ?? null,
    sources,
    warnings,
  };
}

/** The slowest source of the total by its `minWindowS`, or null when no source in it has one. */
function slowestOf(inTotal: ReadonlyArray<Pick<SourceWindow, 'id' | 'minWindowS'>>): { id: string; minWindowS: number } | null {
  let slowest: { id: string; minWindowS: number } | null = null;
  for (const s of inTotal) {
    const m = s.minWindowS ?? null;
    if (m !== null && (slowest === null || m > slowest.minWindowS)) slowest = { id: s.id, minWindowS: m };
  }
  return slowest;
}

/** The warning for a window shorter than `MIN_UPDATES_PER_WINDOW` updates of the slowest source in its total, or null. */
export function shortWindowWarning(durationS: number, inTotal: ReadonlyArray<Pick<SourceWindow, 'id' | 'minWindowS'>>): string | null {
  const slowest = slowestOf(inTotal);
  if (slowest === null || !(durationS < slowest.minWindowS)) return null;
  const periodS = slowest.minWindowS / MIN_UPDATES_PER_WINDOW;
  return (
    // No duration in the text: the same warning on every repetition is printed once.
    `window shorter than ${MIN_UPDATES_PER_WINDOW} updates of ${slowest.id} (one every ${Number(periodS.toPrecision(2))} s): ` +
    `a window must last at least ${Number(slowest.minWindowS.toPrecision(2))} s`
  );
}
