import { describe, expect, it } from 'vitest';
import { measure } from '../../src/runner/api.js';
import { procfs, sysfs } from '../helpers/fake-files.js';
import { ManualClock } from '../helpers/manual-clock.js';

const vm = { sysfs: sysfs('vm'), procfs: procfs('basic'), estimate: { tdpW: 100 } };

describe('library API', () => {
  it('measures an async function, one window per repetition, with the estimate labelled', async () => {
    const clock = new ManualClock();
    // The function takes 200 ms of the session's clock; the fixture procfs never moves, so the model sees 0% busy.
    const run = await measure(() => clock.advance(200), { ...vm, clock, repeat: 2, name: 'wait', label: 'lib' });
    expect(run.machine).toBe('lib');
    expect(run.windows.map((w) => [w.benchmark, w.kind, w.repetition, w.valid])).toEqual([
      ['wait', 'function', 1, true],
      ['wait', 'function', 2, true],
    ]);
    for (const w of run.windows) {
      expect(w.durationS).toBeCloseTo(0.2, 9);
      expect(w.quality).toBe('estimated');
      expect(w.powerW).toBeCloseTo(12, 0);
    }
  });

  it('records a function that throws as an invalid window instead of losing the run', async () => {
    const run = await measure(() => {
      throw new Error('boom');
    }, vm);
    expect(run.windows[0]?.valid).toBe(false);
    expect(run.windows[0]?.warnings.join()).toMatch(/function threw: boom/);
  });

  it('measures a command given as an argv array', async () => {
    const run = await measure(['node', '-e', 'let x=0; for (let i=0;i<3e7;i++) x+=i;'], vm);
    const w = run.windows[0]!;
    expect(w.kind).toBe('command');
    if (w.kind !== 'command') throw new Error('not a command window');
    expect(w.exitCode).toBe(0);
    expect(w.valid).toBe(true);
    expect(run.rule.ids).toEqual(['estimate:cpu']);
  });
});
