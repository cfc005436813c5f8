import { describe, expect, it } from 'vitest';
import { commandWindow } from '../../src/runner/command.js';
import { debugSession } from '../helpers/debug-session.js';
import { ManualClock } from '../helpers/manual-clock.js';

/** `Session.measure` with `skipS` on the debug source, whose power steps from 10 W to 30 W 2 s after the probe. */
describe('Session.measure with skipS', () => {
  it('opens the window skipS after the work started: the energy is exactly the integral from there to the end', async () => {
    const clock = new ManualClock();
    const session = await debugSession('10@0,30@2', clock);
    try {
      const pending = session.measure(() => clock.sleep(5000), { skipS: 1 });
      await clock.advance(5000);
      const { measurement, runS, skipped } = await pending;
      // Measured from 1 s to 5 s: 1 s at 10 W, then 3 s at 30 W. Without the skip it would be 20 + 90 = 110 J.
      expect(skipped).toBe(true);
      expect(runS).toBe(5);
      expect(measurement.durationS).toBe(4);
      expect(measurement.energyJ).toBeCloseTo(100, 9);
      expect(measurement.powerW).toBeCloseTo(25, 9);
    } finally {
      await session.close();
    }
  });

  it('measures the whole run and says it was not skipped when the work ends before skipS; no timer is left behind', async () => {
    const clock = new ManualClock();
    const session = await debugSession('10@0,30@2', clock);
    try {
      let opened = 0;
      const open = session.meter.open.bind(session.meter);
      session.meter.open = () => (opened++, open());
      const pending = session.measure(() => clock.sleep(500), { skipS: 1 });
      await clock.advance(500);
      const { measurement, runS, skipped } = await pending;
      expect(skipped).toBe(false);
      expect(runS).toBe(0.5);
      expect(measurement.energyJ).toBeCloseTo(5, 9);
      // The skip timer was cancelled with the work: no late window opens once its time has come.
      await clock.advance(2000);
      expect(opened).toBe(1);
    } finally {
      await session.close();
    }
  });

  it('without skipS measures from the start, as before', async () => {
    const clock = new ManualClock();
    const session = await debugSession('10@0,30@2', clock);
    try {
      const pending = session.measure(() => clock.sleep(5000));
      await clock.advance(5000);
      const { measurement, runS, skipped } = await pending;
      expect([measurement.durationS, runS, skipped]).toEqual([5, 5, false]);
      expect(measurement.energyJ).toBeCloseTo(110, 9);
    } finally {
      await session.close();
    }
  });
});

describe('commandWindow with --skip and reported work', () => {
  it('counts the measured share of the work, keeps the whole run in `skip`, and is invalid for a run shorter than the skip', async () => {
    const clock = new ManualClock();
    const session = await debugSession('10@0,30@2', clock);
    try {
      const pending = session.measure(() => clock.sleep(5000), { skipS: 1 });
      await clock.advance(5000);
      const { measurement, runS, skipped } = await pending;
      const work = { work: 4000, unit: 'tokens', reported: true, problem: null };
      const w = commandWindow(['serve'], 1, measurement, { exitCode: 0, signal: null }, work, { skipS: 1, runS, skipped });
      expect(w).toMatchObject({ work: 3200, workUnit: 'tokens', durationS: 4, valid: true, skip: { skipS: 1, runDurationS: 5, runWork: 4000 } });
      // Throughput is the run's rate (4000 tokens / 5 s), work per joule that rate over the steady 25 W.
      expect(w.work / w.durationS).toBeCloseTo(800, 9);
      expect(w.work / (w.energyJ as number)).toBeCloseTo(32, 9);
      const short = commandWindow(['serve'], 2, measurement, { exitCode: 0, signal: null }, work, { skipS: 10, runS: 5, skipped: false });
      expect(short.valid).toBe(false);
      expect(short.warnings[0]).toBe('the command ran 5.000 s, not longer than --skip 10 s: nothing was left to measure');
      const bad = commandWindow(['serve'], 3, measurement, { exitCode: 0, signal: null }, { work: 1, unit: 'run', reported: false, problem: 'the work file: work must be positive, got "-5"' });
      expect(bad.valid).toBe(false);
      expect(bad.warnings[0]).toBe('the work file: work must be positive, got "-5"');
      expect(bad).not.toHaveProperty('skip');
    } finally {
      await session.close();
    }
  });
});
