import { describe, expect, it } from 'vitest';
import { findKernel } from '../../benchmarks/index.js';
import { measureIdle, runSuite } from '../../src/runner/suite.js';
import { debugSession } from '../helpers/debug-session.js';
import { ManualClock } from '../helpers/manual-clock.js';

// Workers load compiled code: `npm test` builds dist/ before vitest runs.
const workerUrl = new URL('../../dist/src/runner/kernel-worker.js', import.meta.url);
const sha = findKernel('sha256')!;
const small = { kernels: [sha], size: 1 << 16, workerUrl, durationS: 0.1, warmupS: 0 };

describe('measureIdle', () => {
  it('measures a window of exactly the idle seconds on the session clock', async () => {
    const clock = new ManualClock();
    const session = await debugSession('5@0,15@1', clock);
    try {
      let powerW: number | null | undefined;
      const idle = measureIdle(session, 2).then((w) => (powerW = w));
      await clock.advance(1999);
      expect(powerW).toBeUndefined();
      await clock.advance(1);
      await idle;
      // 1 s at 5 W and 1 s at 15 W.
      expect(powerW).toBeCloseTo(10, 9);
    } finally {
      await session.close();
    }
  });

  it('measures nothing for 0 s', async () => {
    const session = await debugSession('5');
    try {
      expect(await measureIdle(session, 0)).toBeNull();
    } finally {
      await session.close();
    }
  });
});

describe('runSuite', () => {
  it('runs every kernel at every thread count, in order, with the idle baseline on every window', async () => {
    const session = await debugSession('7');
    try {
      const steps: string[] = [];
      const seen: number[] = [];
      const result = await runSuite(session, {
        ...small,
        threads: [1, 2],
        repetitions: 2,
        idleS: 0.05,
        onStep: (s) => steps.push(`${s.kernel.id}×${s.threads} ${s.index + 1}/${s.total}`),
        onWindow: (w) => seen.push(w.repetition),
      });
      expect(result.aborted).toBe(false);
      expect(steps).toEqual(['sha256×1 1/2', 'sha256×2 2/2']);
      expect(seen).toEqual([1, 2, 1, 2]);
      expect(result.windows.map((w) => [w.benchmark, w.threads, w.repetition, w.valid])).toEqual([
        ['sha256', 1, 1, true],
        ['sha256', 1, 2, true],
        ['sha256', 2, 1, true],
        ['sha256', 2, 2, true],
      ]);
      expect(result.idle.beforeW).toBeCloseTo(7, 9);
      expect(result.idle.afterW).toBeCloseTo(7, 9);
      expect(result.idle.powerW).toBeCloseTo(7, 9);
      for (const w of result.windows) {
        expect(w.idlePowerW).toBeCloseTo(7, 9);
        expect(w.powerW).toBeCloseTo(7, 9);
        expect(w.warnings.join()).not.toMatch(/battery/);
      }
    } finally {
      await session.close();
    }
  });

  it('stops at an abort, keeps the windows already finished and takes no closing idle window', async () => {
    const session = await debugSession('7');
    try {
      const abort = new AbortController();
      const result = await runSuite(session, { ...small, threads: [1, 2], repetitions: 3, idleS: 0, abort: abort.signal, onWindow: () => abort.abort() });
      expect(result.aborted).toBe(true);
      expect(result.windows.map((w) => [w.threads, w.repetition])).toEqual([[1, 1]]);
      expect(result.idle).toEqual({ beforeW: null, afterW: null, powerW: null });
    } finally {
      await session.close();
    }
  });
});
