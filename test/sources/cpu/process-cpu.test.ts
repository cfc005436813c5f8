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
    await new Promise((resolve) => spawn(process.execPath, ['-e', 'const t=Date.now(); while (Date.now()-t < 300);']).once('close', resolve));
    const after = await probe.source!.read();
    if (!before.ok || !after.ok) throw new Error('unreadable');
    expect(after.value.busyS - before.value.busyS).toBeGreaterThan(0.2);
  });

  it('is absent with a reason, not a zero, when /proc/self/stat is missing', async () => {
    const probe = await probeChildrenCpu(sourceContext({ procfs: '/nonexistent-procfs' }));
    expect(probe.state).toBe('absent');
    expect(probe.reason).toMatch(/ENOENT/);
  });
});
