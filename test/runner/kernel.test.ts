import { Bench } from 'tinybench';
import { describe, expect, it } from 'vitest';
import { findKernel, kernels } from '../../benchmarks/index.js';
import { measureBench } from '../../src/runner/bench.js';
import { checksumProblem, runKernel, runOnTeam } from '../../src/runner/kernel.js';
import type { KernelTeam } from '../../src/runner/kernel-team.js';
import { debugSession } from '../helpers/debug-session.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { Session } from '../../src/runner/session.js';
import { parse } from 'csv-parse/sync';
import { COLUMNS, derived, windowToRow } from '../../src/results/schema.js';
import { toCsv } from '../../src/results/csv.js';
import { sidecar } from '../../src/results/write.js';
import { procfs, sysfs } from '../helpers/fake-files.js';

// Workers load compiled code: `npm test` builds dist/ before vitest runs.
const workerUrl = new URL('../../dist/src/runner/kernel-worker.js', import.meta.url);

describe('kernel runs', () => {
  it('gives work per joule = throughput / power exactly on the debug source at 30 W', async () => {
    const powerW = 30;
    const session = await Session.open({ sysfs: sysfs('vm'), procfs: procfs('basic'), debug: { script: String(powerW) }, intervalMs: 100 });
    try {
      const kernel = findKernel('sha256')!;
      const windows = await runKernel(session, kernel, { threads: 1, repetitions: 2, durationS: 0.5, warmupS: 0.1, workerUrl });
      expect(windows).toHaveLength(2);
      for (const w of windows) {
        const { throughputPerS, workPerJ } = derived(w);
        expect(w).toMatchObject({ kind: 'kernel', threads: 1, quality: 'measured', source: 'debug:wall', valid: true, workUnit: 'MB', version: kernel.version });
        expect(w.checksum).toBe(kernel.expectedChecksum);
        expect(w.powerW).toBeCloseTo(powerW, 9);
        expect(throughputPerS).toBeGreaterThan(0);
        expect((workPerJ as number) / ((throughputPerS as number) / powerW)).toBeCloseTo(1, 9);
      }
    } finally {
      await session.close();
    }
  });

  it('runs every thread of a real team, which agree on the checksum', async () => {
    const session = await Session.open({ sysfs: sysfs('vm'), procfs: procfs('basic'), estimate: { tdpW: 100 } });
    try {
      const kernel = findKernel('sha256')!;
      const [two] = await runKernel(session, kernel, { threads: 2, repetitions: 1, durationS: 0.3, warmupS: 0, workerUrl, size: 1 << 16 });
      expect(two!.threads).toBe(2);
      expect(two!.work).toBeGreaterThan(0);
      // Another seed-size pair has no stored checksum: the window is valid because both threads gave the same one.
      expect(two!.valid).toBe(true);
      expect(two!.warnings.join()).not.toMatch(/threads disagree/);
    } finally {
      await session.close();
    }
  });

  it('gives a window the CPU time of its worker threads: positive, at most threads × duration', async () => {
    const session = await Session.open({ sysfs: sysfs('vm'), procfs: procfs('basic'), estimate: { tdpW: 100 } });
    try {
      const windows = await runKernel(session, findKernel('sha256')!, { threads: 2, repetitions: 2, durationS: 0.5, warmupS: 0, workerUrl, size: 1 << 16 });
      for (const w of windows) {
        if (process.platform !== 'linux') {
          expect(w.processCpuS).toBeNull();
          continue;
        }
        expect(w.processCpuReason).toBeUndefined();
        expect(w.processCpuS).toBeGreaterThan(0);
        // Each worker reads its own thread around its run, which lies inside the window; 1% and one tick of slack.
        expect(w.processCpuS as number).toBeLessThanOrEqual(2 * w.durationS * 1.01 + 0.01);
      }
    } finally {
      await session.close();
    }
  });

  it('leaves process_cpu_s empty, with the reason in the window, when the threads cannot read their CPU time', async () => {
    const session = await Session.open({ sysfs: sysfs('vm'), procfs: procfs('basic'), estimate: { tdpW: 100 } });
    try {
      const threadProcfs = '/nonexistent-wattbench-proc';
      const [w] = await runKernel(session, findKernel('sha256')!, { threads: 1, repetitions: 1, durationS: 0.2, warmupS: 0, workerUrl, size: 1 << 16, threadProcfs });
      expect(w!.valid).toBe(true);
      expect(w!.processCpuS).toBeNull();
      expect(w!.processCpuReason).toMatch(process.platform === 'linux' ? /^ENOENT reading \/nonexistent-wattbench-proc\/thread-self$/ : /does not have/);
      // The sidecar keeps the window whole: the reason is in the JSON beside the empty cell.
      const doc = sidecar({ runId: 'r', machine: 'm', startedAt: w!.startedAt, windows: [w!], probes: [], rule: session.meter.rule, settings: {} }, null, true);
      expect(JSON.parse(JSON.stringify(doc)).windows[0]).toMatchObject({ processCpuS: null, processCpuReason: w!.processCpuReason });
      const row = windowToRow({ runId: 'r', machine: 'm' }, w!);
      expect(row.process_cpu_s).toBeNull();
      const [cells] = parse(toCsv(COLUMNS, [row]), { columns: true }) as Array<Record<string, string>>;
      expect(cells!.process_cpu_s).toBe('');
    } finally {
      await session.close();
    }
  });

  it('fails to start with a clear message for a worker that cannot set up', async () => {
    const session = await Session.open({ sysfs: sysfs('vm'), procfs: procfs('basic') });
    try {
      await expect(runKernel(session, findKernel('sha256')!, { threads: 1, repetitions: 1, durationS: 0.2, warmupS: 0, workerUrl, size: -5 })).rejects.toThrow(
        /kernel sha256 could not start: .*size/,
      );
    } finally {
      await session.close();
    }
  });
});

describe('windows of a team', () => {
  /** A team whose workers report fixed iteration counts and checksums, each run taking `durationMs` of the manual clock. */
  function fakeTeam(clock: ManualClock, runs: number[], checksums: string[]): KernelTeam {
    const fake = {
      workPerIteration: 2,
      size: runs.length,
      run: async (durationMs: number, threads: number) => {
        await clock.advance(durationMs);
        // Each worker reports a quarter of the run as its own CPU time.
        return { runs: runs.slice(0, threads), latencyMeanMs: 1, cpu: { ok: true, cpuS: (threads * durationMs) / 4000 } };
      },
      checksums: async (threads: number) => checksums.slice(0, threads),
    };
    return fake as unknown as KernelTeam;
  }

  it('sums the work of every thread: iterations of all workers × work per iteration, over the exact window', async () => {
    const clock = new ManualClock();
    const session = await debugSession('40', clock);
    try {
      const kernel = findKernel('sha256')!;
      const team = fakeTeam(clock, [3, 5, 7], Array<string>(3).fill(kernel.expectedChecksum));
      const windows = await runOnTeam(session, team, kernel, { threads: 2, repetitions: 2, durationS: 0.5, idlePowerW: 10 });
      expect(windows.map((w) => [w.threads, w.repetition, w.work, w.valid, w.idlePowerW])).toEqual([
        [2, 1, 16, true, 10],
        [2, 2, 16, true, 10],
      ]);
      for (const w of windows) {
        expect(w.durationS).toBeCloseTo(0.5, 9);
        expect(w.energyJ).toBeCloseTo(20, 9);
        expect(derived(w).workPerJ).toBeCloseTo(16 / 20, 9);
        expect(w.processCpuS).toBeCloseTo(0.25, 9);
      }
    } finally {
      await session.close();
    }
  });

  it('marks a window invalid, with the reason first, when the threads disagree on the checksum', async () => {
    const clock = new ManualClock();
    const session = await debugSession('40', clock);
    try {
      const kernel = findKernel('sha256')!;
      const [w] = await runOnTeam(session, fakeTeam(clock, [1, 1], ['a', 'b']), kernel, { threads: 2, repetitions: 1, durationS: 0.1 });
      expect(w!.valid).toBe(false);
      expect(w!.warnings[0]).toBe('threads disagree on the output checksum (a, b)');
      expect(w!.checksum).toBe('a');
    } finally {
      await session.close();
    }
  });
});

describe('checksums', () => {
  const kernel = kernels[0]!;
  it('accepts the stored checksum for the default seed and size', () => {
    expect(checksumProblem(kernel, [kernel.expectedChecksum, kernel.expectedChecksum], 42, kernel.defaultSize)).toBeNull();
  });
  it('flags a wrong answer loudly', () => {
    expect(checksumProblem(kernel, ['deadbeef'], 42, kernel.defaultSize)).toMatch(/^WRONG OUTPUT: checksum deadbeef, expected/);
  });
  it('flags threads that disagree, and cannot check other seeds against the stored value', () => {
    expect(checksumProblem(kernel, ['a', 'b'], 7, kernel.defaultSize)).toMatch(/threads disagree/);
    expect(checksumProblem(kernel, ['a', 'a'], 7, kernel.defaultSize)).toBeNull();
  });
});

describe('tinybench Bench under measurement', () => {
  it('gives one window per task and repetition with the calls as work', async () => {
    const session = await Session.open({ sysfs: sysfs('vm'), procfs: procfs('basic'), debug: { script: '12' } });
    try {
      const bench = new Bench({ time: 100, iterations: 5 });
      let x = 0;
      bench.add('sum', () => {
        for (let i = 0; i < 1e4; i++) x += i;
      });
      bench.add('boom', () => {
        throw new Error('bad task');
      });
      const windows = await measureBench(session, bench, { repetitions: 2 });
      expect(windows.map((w) => [w.benchmark, w.repetition])).toEqual([
        ['sum', 1],
        ['sum', 2],
        ['boom', 1],
        ['boom', 2],
      ]);
      const sum = windows[0]!;
      expect(sum.work).toBeGreaterThanOrEqual(5);
      expect(sum.workUnit).toBe('call');
      expect(sum.valid).toBe(true);
      expect(sum.energyJ).toBeCloseTo(12 * sum.durationS, 9);
      expect(windows[2]!.valid).toBe(false);
      expect(windows[2]!.warnings.join()).toMatch(/task failed: bad task/);
      expect(x).toBeGreaterThan(0);
    } finally {
      await session.close();
    }
  });
});
