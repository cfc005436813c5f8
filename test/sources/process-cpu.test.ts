import { describe, expect, it } from 'vitest';
import { parsePidStat, processCpuSource } from '../../src/sources/process-cpu.js';
import { sourceContext } from '../../src/sources/discover.js';

describe('process CPU time', () => {
  it('sums utime, stime, cutime and cstime, counting fields after the last parenthesis', () => {
    const line = '4242 (my (weird) cmd) S 1 4242 4242 0 -1 4194304 100 0 0 0 150 50 30 20 20 0 1 0 12345 1000000 100 18446744073709551615';
    expect(parsePidStat(line)).toBeCloseTo((150 + 50 + 30 + 20) / 100, 9);
  });

  it('returns null for malformed lines', () => {
    expect(parsePidStat('garbage')).toBeNull();
    expect(parsePidStat('1 (x) S 1 2')).toBeNull();
  });

  it('reads this very process from /proc on Linux', async () => {
    if (process.platform !== 'linux') return;
    const r = await processCpuSource(sourceContext(), process.pid).read();
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.busyS).toBeGreaterThan(0);
  });

  it('fails with a reason, not a zero, for a process that does not exist', async () => {
    const r = await processCpuSource(sourceContext({ procfs: '/nonexistent-procfs' }), 1).read();
    expect(r).toEqual({ ok: false, reason: expect.stringMatching(/ENOENT/) });
  });
});
