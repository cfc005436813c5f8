import { describe, expect, it } from 'vitest';
import { windowRecord } from '../../src/results/window-record.js';
import { measureFunction } from '../../src/runner/function.js';
import { debugSession } from '../helpers/debug-session.js';
import { ManualClock } from '../helpers/manual-clock.js';

describe('measureFunction', () => {
  it('gives one window per repetition, as long as the function ran, with the script energy', async () => {
    const clock = new ManualClock();
    const session = await debugSession('10@0,30@1', clock);
    try {
      const seen: number[] = [];
      // Each call takes 0.5 s of the test's time: the windows cover 0–0.5 s, 0.5–1 s and 1–1.5 s of the script.
      const windows = await measureFunction(session, 'half-second', () => clock.advance(500), { repeat: 3, onWindow: (w) => seen.push(w.repetition) });
      expect(seen).toEqual([1, 2, 3]);
      expect(windows.map((w) => [w.benchmark, w.kind, w.repetition, w.work, w.workUnit, windowRecord(w).threads, w.valid])).toEqual([
        ['half-second', 'function', 1, 1, 'call', null, true],
        ['half-second', 'function', 2, 1, 'call', null, true],
        ['half-second', 'function', 3, 1, 'call', null, true],
      ]);
      for (const w of windows) expect(w.durationS).toBeCloseTo(0.5, 9);
      // A function's window has no thread count of its own: the records say null.
      for (const w of windows) expect(w).not.toHaveProperty('threads');
      expect(windows.map((w) => Number(w.energyJ?.toFixed(9)))).toEqual([5, 5, 15]);
    } finally {
      await session.close();
    }
  });

  it('records a throw as an invalid window with its message, and goes on to the next repetition', async () => {
    const clock = new ManualClock();
    const session = await debugSession('20', clock);
    try {
      let calls = 0;
      const windows = await measureFunction(
        session,
        'flaky',
        async () => {
          await clock.advance(100);
          if (++calls === 1) throw new Error('first call fails');
        },
        { repeat: 2 },
      );
      expect(windows.map((w) => w.valid)).toEqual([false, true]);
      expect(windows[0]!.warnings).toContain('function threw: first call fails');
      expect(windows[0]!.energyJ).toBeCloseTo(2, 9);
      expect(windows[1]!.warnings.join()).not.toMatch(/threw/);
    } finally {
      await session.close();
    }
  });

  it('marks a window invalid when its energy is missing although a source should give it', async () => {
    const clock = new ManualClock();
    const session = await debugSession('20', clock);
    try {
      // No time passes: two reads at one instant give no energy, and the window says so instead of writing 0 J.
      const [w] = await measureFunction(session, 'instant', () => undefined);
      expect(w!.energyJ).toBeNull();
      expect(w!.valid).toBe(false);
    } finally {
      await session.close();
    }
  });
});
