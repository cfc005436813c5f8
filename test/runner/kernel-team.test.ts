import { describe, expect, it } from 'vitest';
import { findKernel } from '../../benchmarks/index.js';
import type { Kernel } from '../../benchmarks/kernel.js';
import { KernelTeam } from '../../src/runner/kernel-team.js';

// Workers load compiled code: `npm test` builds dist/ before vitest runs.
const workerUrl = new URL('../../dist/src/runner/kernel-worker.js', import.meta.url);
const sha = findKernel('sha256')!;

describe('KernelTeam', () => {
  it('starts N workers, runs the first few or all, and asks each for its checksum', async () => {
    const team = await KernelTeam.start(sha, 2, { seed: 42, size: 1 << 16, workerUrl });
    try {
      expect(team.size).toBe(2);
      expect(team.workPerIteration).toBeGreaterThan(0);
      const all = await team.run(20);
      expect(all.runs).toHaveLength(2);
      // tinybench runs at least one iteration, however short the budget.
      for (const r of all.runs) expect(r).toBeGreaterThanOrEqual(1);
      expect(all.latencyMeanMs).not.toBeNull();
      const one = await team.run(20, 1);
      expect(one.runs).toHaveLength(1);
      const sums = await team.checksums();
      expect(sums).toHaveLength(2);
      expect(sums[0]).toBe(sums[1]);
      expect(await team.checksums(1)).toEqual([sums[0]]);
    } finally {
      await team.stop();
    }
  });

  it('gives the checksum stored with the kernel for the default seed and size', async () => {
    const team = await KernelTeam.start(sha, 1, { seed: 42, size: sha.defaultSize, workerUrl });
    try {
      await team.run(1);
      expect(await team.checksums()).toEqual([sha.expectedChecksum]);
    } finally {
      await team.stop();
    }
  });

  it('fails to start with the worker reason, for an unknown kernel and for bad input', async () => {
    const unknown = { ...sha, id: 'no-such-kernel' } as Kernel;
    await expect(KernelTeam.start(unknown, 1, { seed: 42, size: 1, workerUrl })).rejects.toThrow(/^kernel no-such-kernel could not start: unknown kernel no-such-kernel$/);
    await expect(KernelTeam.start(sha, 2, { seed: 42, size: -5, workerUrl })).rejects.toThrow(/kernel sha256 could not start: .*size/);
  });

  it('rejects a run once its workers are stopped', async () => {
    const team = await KernelTeam.start(sha, 1, { seed: 42, size: 1 << 16, workerUrl });
    await team.stop();
    await expect(team.run(10)).rejects.toThrow('the kernel team is stopped');
    await expect(team.checksums()).rejects.toThrow('the kernel team is stopped');
  });
});
