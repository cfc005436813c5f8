import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseChildrenCpuS, probeChildrenCpu } from '../../../src/sources/cpu/process-cpu.js';
import { sourceContext } from '../../../src/sources/discover.js';
import { procfs } from '../../helpers/fake-files.js';

describe('CPU time of reaped children', () => {
  it('sums cutime and cstime, counting fields after the last parenthesis', () => {
    const line = '4242 (my (weird) cmd) S 1 4242 4242 0 -1 4194304 100 0 0 0 150 50 30 20 20 0 1 0 12345 1000000 100 18446744073709551615';
    expect(parseChildrenCpuS(line)).toBeCloseTo((30 + 20) / 100, 9);
  });

  it('returns null for malformed lines', () => {
    expect(parseChildrenCpuS('garbage')).toBeNull();
    expect(parseChildrenCpuS('1 (x) S 1 2')).toBeNull();
  });

  it('reads a fixture procfs', async () => {
    const probe = await probeChildrenCpu(sourceContext({ procfs: procfs('basic') }));
    expect(probe.state).toBe('ok');
    expect(await probe.source?.read()).toEqual({ ok: true, value: { busyS: 0.5, totalS: null, stealS: null, cpus: null } });
  });

  it('grows by the CPU a child burnt once it is reaped (Linux)', async () => {
    if (process.platform !== 'linux') return;
    const probe = await probeChildrenCpu(sourceContext());
    const before = await probe.source!.read();
    // The child burns 0.3 s of its own CPU time, however long that takes on a loaded machine, and says how much it used.
    const burn = 'const t=process.cpuUsage(); let u; do { u=process.cpuUsage(t); } while (u.user+u.system < 3e5); process.stdout.write(String(u.user+u.system));';
    const burntUs = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ['-e', burn]);
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.once('close', () => resolve(Number(out)));
    });
    const after = await probe.source!.read();
    if (!before.ok || !after.ok) throw new Error('unreadable');
    expect(burntUs).toBeGreaterThanOrEqual(3e5);
    // /proc counts whole 10 ms ticks, for user and system time apart: up to 2 ticks may be lost to rounding.
    expect(after.value.busyS - before.value.busyS).toBeGreaterThanOrEqual(burntUs / 1e6 - 0.02);
  });

  it('is absent with a reason, not a zero, when /proc/self/stat is missing', async () => {
    const probe = await probeChildrenCpu(sourceContext({ procfs: '/nonexistent-procfs' }));
    expect(probe.state).toBe('absent');
    expect(probe.reason).toMatch(/ENOENT/);
  });
});
