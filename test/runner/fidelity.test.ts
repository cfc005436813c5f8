import { describe, expect, it } from 'vitest';
import { measureFunction } from '../../src/runner/function.js';
import { Session } from '../../src/runner/session.js';
import { probeDebug } from '../../src/sources/debug/debug.js';
import { sourceContext } from '../../src/sources/discover.js';
import type { GaugeSource, Probe, SourceInfo } from '../../src/sources/types.js';
import { procfs, sysfs } from '../helpers/fake-files.js';
import { ManualClock } from '../helpers/manual-clock.js';

const vm = { sysfs: sysfs('vm'), procfs: procfs('basic') };

/** A gauge that a device averages and updates once a second: 100 W, then 10 W more each second, on the test's clock. */
function averagedGauge(clock: ManualClock, scope: SourceInfo['scope']): Probe {
  const info: SourceInfo = { id: 'fake:avg', kind: 'gauge', scope, quality: 'measured', description: 'averaged over 1 s', fidelity: 'averaged', averagingS: 1, updatePeriodS: 1 };
  const originS = clock.nowS();
  const source: GaugeSource = {
    info: { ...info, kind: 'gauge' },
    read: async () => ({ ok: true, value: 100 + 10 * Math.floor(clock.nowS() - originS + 1e-9) }),
  };
  return { info, state: 'ok', reason: null, fix: null, source };
}

describe('fidelity and coverage of a Session window, on the manual clock', () => {
  it('gives the debug source (a counter) counter fidelity and full coverage, and the gauge beside it its own figures', async () => {
    const clock = new ManualClock();
    const debug = await probeDebug(sourceContext(vm), { script: '20', clock });
    // The gauge's scope keeps it out of the total (the wall covers all): it is reported per source only.
    const session = await Session.open({ ...vm, probes: [debug, averagedGauge(clock, 'gpu')], clock });
    try {
      const [w] = await measureFunction(session, 'four-seconds', () => clock.advance(4000), { repeat: 1 });
      expect(w).toMatchObject({ source: 'debug:wall', fidelity: 'counter', coveragePct: 100 });
      const debugWindow = w!.sources.find((s) => s.id === 'debug:wall')!;
      expect(debugWindow).toMatchObject({ fidelity: 'counter', coveragePct: 100 });
      expect(debugWindow.updatePeriodS).toBeCloseTo(0.1, 9);
      const gauge = w!.sources.find((s) => s.id === 'fake:avg')!;
      expect(gauge).toMatchObject({ fidelity: 'averaged', inTotal: false, minWindowS: 3 });
      expect(gauge.updatePeriodS).toBeCloseTo(1, 9);
      expect(w!.warnings.some((x) => x.startsWith('window shorter than'))).toBe(false);
    } finally {
      await session.close();
    }
  });

  it('gives a total of an averaged gauge its fidelity and coverage, and flags a window shorter than three of its updates', async () => {
    const clock = new ManualClock();
    const session = await Session.open({ ...vm, probes: [averagedGauge(clock, 'system-wall')], clock });
    try {
      const [short, long] = [
        (await measureFunction(session, 'two-seconds', () => clock.advance(2000), { repeat: 1 }))[0]!,
        (await measureFunction(session, 'four-seconds', () => clock.advance(4000), { repeat: 1 }))[0]!,
      ];
      expect(short).toMatchObject({ source: 'fake:avg', fidelity: 'averaged', minWindowS: 3 });
      expect(short.warnings).toContain('window shorter than 3 updates of fake:avg (one every 1 s): a window must last at least 3 s');
      // Updates at 1 s and 2 s of a 2 s window, the first one after the read at 0.9 s: 1.1 s of 2 s.
      expect(short.coveragePct).toBeCloseTo(55, 6);
      expect(long.warnings.some((x) => x.startsWith('window shorter than'))).toBe(false);
      expect(long.fidelity).toBe('averaged');
      expect(long.coveragePct! > short.coveragePct!).toBe(true);
    } finally {
      await session.close();
    }
  });
});
