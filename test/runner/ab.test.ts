import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { abFailureText, runAb } from '../../src/runner/ab.js';
import { Session } from '../../src/runner/session.js';
import { procfs, sysfs } from '../helpers/fake-files.js';

const ok = [process.execPath, '-e', '0'];
const fails = [process.execPath, '-e', 'process.exit(3)'];

let session: Session;
beforeEach(async () => {
  session = await Session.open({ sysfs: sysfs('vm'), procfs: procfs('basic'), estimate: { tdpW: 100 }, intervalMs: 20 });
});
afterEach(async () => {
  await session.close();
});

describe('runAb', () => {
  it('runs the schedule one window per run, names each arm and counts its repetitions', async () => {
    const seen: string[] = [];
    const outcome = await runAb(session, { a: ok, b: [...ok, 'b'], schedule: ['B', 'A', 'A', 'B'], warmupRuns: 0, onWindow: (w) => seen.push(`${w.benchmark}#${w.repetition}`) });
    expect(outcome.failure).toBeNull();
    expect(outcome.schedule).toEqual(['B', 'A', 'A', 'B']);
    const a = `[A] ${ok.join(' ')}`;
    const b = `[B] ${[...ok, 'b'].join(' ')}`;
    expect(seen).toEqual([`${b}#1`, `${a}#1`, `${a}#2`, `${b}#2`]);
    expect(outcome.windows.A.map((w) => w.repetition)).toEqual([1, 2]);
    expect(outcome.windows.B.every((w) => w.exitCode === 0 && w.kind === 'command')).toBe(true);
  });

  it('stops at the first failing run and keeps what ran before it', async () => {
    const outcome = await runAb(session, { a: ok, b: fails, schedule: ['A', 'B', 'B', 'A'], warmupRuns: 0 });
    expect(outcome.windows.A).toHaveLength(1);
    expect(outcome.windows.B).toHaveLength(1);
    expect(outcome.failure).toMatchObject({ arm: 'B', repetition: 1 });
    expect(abFailureText(outcome.failure!, { A: ok, B: fails })).toBe(
      `command B (${fails.join(' ')}) exited with code 3 on repetition 1: both commands must succeed to be compared`,
    );
  });

  it('a failing warm-up run measures nothing more; an aborted experiment runs nothing', async () => {
    const warm = await runAb(session, { a: ok, b: fails, schedule: ['A', 'B'], warmupRuns: 1 });
    expect(warm.failure).toMatchObject({ arm: 'B', repetition: 0 });
    expect(warm.windows).toEqual({ A: [], B: [] });
    expect(abFailureText(warm.failure!, { A: ok, B: fails })).toMatch(/on its warm-up run:/);
    const controller = new AbortController();
    controller.abort();
    const aborted = await runAb(session, { a: ok, b: ok, schedule: ['A', 'B'], warmupRuns: 1, abort: controller.signal });
    expect(aborted).toEqual({ windows: { A: [], B: [] }, schedule: ['A', 'B'], failure: null });
  });
});
