import { systemClock, type Clock } from '../../clock.js';
import type { CounterSource, Probe, SourceContext, SourceInfo } from '../types.js';

/**
 * The debug source, like hyperfine's debug mode: an energy counter whose power follows a script instead of a sensor,
 * read on the injected clock, so the energy of any window is known exactly and tests need no hardware and no timing.
 */

/** Id of the debug source; the window marks every total that contains it as scripted. */
export const DEBUG_SOURCE_ID = 'debug:wall';

/** One step of a power script: `powerW` from `atS` seconds after the source was probed until the next step. */
export interface PowerStep {
  powerW: number;
  atS: number;
}

/** What the debug source follows and the clock it reads. */
export interface DebugOptions {
  /** `W` (constant), or steps `W@S,W@S,…` with S strictly increasing from 0; or the steps already parsed. */
  script: string | PowerStep[];
  /** Clock the counter is read on (default the system clock; a session passes its own). */
  clock?: Clock;
}

/** Parses a power script: `20` is 20 W throughout, `10@0,30@2` is 10 W for 2 s then 30 W; errors say which step is wrong. */
export function parsePowerScript(text: string): { ok: true; steps: PowerStep[] } | { ok: false; reason: string } {
  const parts = text.split(',').map((p) => p.trim());
  const steps: PowerStep[] = [];
  for (const part of parts) {
    const m = /^([^@]+?)(?:@([^@]+))?$/.exec(part);
    const powerW = m ? Number(m[1]) : Number.NaN;
    const atS = m?.[2] === undefined ? (parts.length === 1 ? 0 : Number.NaN) : Number(m[2]);
    if (!m || m[1]?.trim() === '' || !Number.isFinite(powerW) || powerW < 0) {
      return { ok: false, reason: `debug power script: ${JSON.stringify(part)} is not watts >= 0 (write W, or W@S,W@S,…)` };
    }
    if (!Number.isFinite(atS) || atS < 0 || m[2]?.trim() === '') {
      return { ok: false, reason: `debug power script: ${JSON.stringify(part)} needs a start in seconds >= 0 (W@S) when there are several steps` };
    }
    steps.push({ powerW, atS });
  }
  return checkSteps(steps);
}

function checkSteps(steps: PowerStep[]): { ok: true; steps: PowerStep[] } | { ok: false; reason: string } {
  if (steps.length === 0) return { ok: false, reason: 'debug power script: no steps' };
  if (steps[0]?.atS !== 0) return { ok: false, reason: 'debug power script: the first step must start at 0 s' };
  for (let i = 1; i < steps.length; i++) {
    if (!((steps[i] as PowerStep).atS > (steps[i - 1] as PowerStep).atS)) {
      return { ok: false, reason: `debug power script: step ${i + 1} starts at ${(steps[i] as PowerStep).atS} s, not after the step before it` };
    }
  }
  return { ok: true, steps };
}

/** Joules the script delivers from 0 to `tS` seconds (0 before the start). */
export function scriptEnergyJ(steps: readonly PowerStep[], tS: number): number {
  let energyJ = 0;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i] as PowerStep;
    if (tS <= step.atS) break;
    const endS = Math.min(tS, steps[i + 1]?.atS ?? Infinity);
    energyJ += step.powerW * (endS - step.atS);
  }
  return energyJ;
}

/** Probes the debug source: usable whenever its script is valid; its counter starts at 0 J now, on the given clock. */
export async function probeDebug(_ctx: SourceContext, options: DebugOptions): Promise<Probe> {
  const parsed = typeof options.script === 'string' ? parsePowerScript(options.script) : checkSteps(options.script);
  const scriptText = typeof options.script === 'string' ? options.script : options.script.map((s) => `${s.powerW}@${s.atS}`).join(',');
  const info: SourceInfo = {
    id: DEBUG_SOURCE_ID,
    // Wall scope makes the script the whole total, so no real sensor of the machine mixes into a debug run.
    kind: 'counter',
    scope: 'system-wall',
    quality: 'measured',
    description: `DEBUG, not a measurement: power follows the script ${scriptText}`,
    joulesPerUnit: 1,
    maxRange: null,
  };
  if (!parsed.ok) return { info, state: 'error', reason: parsed.reason, fix: 'write the script as W, or W@S,W@S,… with S increasing from 0' };
  const clock = options.clock ?? systemClock;
  const steps = parsed.steps;
  const originS = clock.nowS();
  const source: CounterSource = {
    info: { ...info, kind: 'counter' },
    async read() {
      const atS = clock.nowS();
      return { ok: true, value: scriptEnergyJ(steps, atS - originS), atS };
    },
  };
  return { info, state: 'ok', reason: 'scripted power for tests and demonstrations: nothing is measured', fix: null, source };
}
