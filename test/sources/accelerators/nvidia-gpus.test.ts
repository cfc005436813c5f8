import { afterEach, describe, expect, it } from 'vitest';
import { probeNvidiaGpus, withNvmlReason } from '../../../src/sources/accelerators/nvidia-gpus.js';
import { sourceContext } from '../../../src/sources/discover.js';
import type { Probe } from '../../../src/sources/types.js';
import { fakeTools } from '../../helpers/fake-tools.js';
import { FakeNvml } from './fake-nvml-api.js';

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups) await c();
  cleanups = [];
});

/** Probes NVIDIA with the fake nvidia-smi on PATH (or nothing), and NVML as given. */
async function probe(nvml: { api?: FakeNvml; library?: string }, smi: boolean, smiEnv: Record<string, string> = {}): Promise<Probe[]> {
  const tools = await fakeTools(smi ? ['nvidia-smi'] : [], smiEnv);
  cleanups.push(tools.cleanup);
  const probes = await probeNvidiaGpus(sourceContext({ env: tools.env, intervalMs: 50 }), { nvml, smi: { timeoutMs: 3000 } });
  cleanups.push(async () => void (await Promise.all(probes.map((p) => p.source?.close?.()))));
  return probes;
}

describe('NVIDIA: NVML first, nvidia-smi as the fallback', () => {
  it('uses NVML when it works, and never asks nvidia-smi', async () => {
    const probes = await probe({ api: new FakeNvml() }, true);
    expect(probes.find((p) => p.info.id === 'nvidia:0')?.info).toMatchObject({ kind: 'counter', description: expect.stringMatching(/^NVML total energy counter \(mJ\)/) });
  });

  it('falls back to nvidia-smi without the library, each probe saying why NVML was not used', async () => {
    const probes = await probe({ library: '/nonexistent/libnvidia-ml.so.1' }, true);
    const g0 = probes.find((p) => p.info.id === 'nvidia:0');
    expect(g0).toMatchObject({ state: 'ok', info: { kind: 'gauge', description: expect.stringMatching(/^nvidia-smi power\.draw\.instant/) } });
    expect(g0?.reason).toBe('read through nvidia-smi, NVML not used: /nonexistent/libnvidia-ml.so.1 not found');
    expect(probes.map((p) => p.info.id)).toContain('nvidia:1:temp');
  });

  it('without either, stays one absent probe naming both reasons', async () => {
    const probes = await probe({ library: '/nonexistent/libnvidia-ml.so.1' }, false);
    expect(probes).toEqual([expect.objectContaining({ info: expect.objectContaining({ id: 'nvidia' }), state: 'absent', reason: 'nvidia-smi not found on PATH; NVML: /nonexistent/libnvidia-ml.so.1 not found' })]);
  });

  it('falls back when nvmlInit_v2 fails, carrying NVML\'s fix; with no nvidia-smi, shows NVML\'s diagnosis', async () => {
    const mismatch = new FakeNvml();
    mismatch.initCode = 18;
    const viaSmi = await probe({ api: mismatch }, true);
    const g0 = viaSmi.find((p) => p.info.id === 'nvidia:0');
    expect(g0).toMatchObject({ state: 'ok', info: { kind: 'gauge' }, fix: expect.stringMatching(/so the library and kernel module match/) });
    expect(g0?.reason).toMatch(/^read through nvidia-smi, NVML not used: nvmlInit_v2: RM has detected an NVML\/RM version mismatch\. \(NVML_ERROR_LIB_RM_VERSION_MISMATCH\)/);

    const noDriver = new FakeNvml();
    noDriver.initCode = 9;
    expect(await probe({ api: noDriver }, false)).toEqual([
      expect.objectContaining({
        info: expect.objectContaining({ id: 'nvidia' }),
        state: 'error',
        reason: 'NVML: nvmlInit_v2: Driver Not Loaded (NVML_ERROR_DRIVER_NOT_LOADED); nvidia-smi: nvidia-smi not found on PATH',
        fix: expect.stringMatching(/modprobe nvidia/),
      }),
    ]);

    const denied = new FakeNvml();
    denied.initCode = 4;
    const both = await probe({ api: denied }, true, { FAKE_NVIDIA_MODE: 'no-driver' });
    expect(both).toEqual([expect.objectContaining({ state: 'permission', reason: expect.stringMatching(/^NVML: nvmlInit_v2: Insufficient Permissions.*; nvidia-smi: NVIDIA-SMI has failed/) })]);
  });

  it('keeps nvidia-smi\'s own reason and fix on a probe that fails there too', () => {
    const smi: Probe[] = [
      { info: { id: 'nvidia:0', kind: 'gauge', scope: 'gpu', quality: 'measured', description: 'x' }, state: 'error', reason: 'power.draw unreadable', fix: 'smi fix' },
      { info: { id: 'nvidia:0:temp', kind: 'temperature', scope: 'gpu', quality: 'measured', description: 'y' }, state: 'ok', reason: null, fix: null },
    ];
    const out = withNvmlReason(smi, { usable: false, state: 'absent', reason: 'not here', fix: null });
    expect(out.map((p) => [p.reason, p.fix])).toEqual([
      ['power.draw unreadable; NVML: not here', 'smi fix'],
      ['read through nvidia-smi, NVML not used: not here', null],
    ]);
  });
});
