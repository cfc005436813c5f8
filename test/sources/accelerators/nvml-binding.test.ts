import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { probeNvml, type NvmlOptions } from '../../../src/sources/accelerators/nvml.js';
import { sourceContext } from '../../../src/sources/discover.js';
import type { Probe } from '../../../src/sources/types.js';
import { ScopedEnv } from '../../helpers/scoped-env.js';
import { buildFakeNvml, C_COMPILER, NO_COMPILER } from '../../fixtures/nvml/build.js';

/**
 * The koffi binding against the fake libnvidia-ml.so.1 compiled from test/fixtures/nvml/fake-nvml.c: the vendor's
 * signatures, called through the FFI for real. The fake reads its modes from this process's environment at each call.
 */
const skip = C_COMPILER === null;
const title = (t: string): string => (skip ? `${t} (${NO_COMPILER})` : t);

let lib: Awaited<ReturnType<typeof buildFakeNvml>> | null = null;
beforeAll(async () => {
  if (!skip) lib = await buildFakeNvml();
});
afterAll(async () => lib?.cleanup());

let open: Probe[] = [];
const scoped = new ScopedEnv();
/** Sets the fake's environment for one test. */
const fakeEnv = (vars: Record<string, string>): void => scoped.set(vars);
afterEach(async () => {
  await Promise.all(open.map((p) => p.source?.close?.()));
  open = [];
  scoped.restore();
});

async function probe(options: NvmlOptions = {}) {
  const r = await probeNvml(sourceContext({ env: { PATH: '' } }), { library: lib!.path, ...options });
  if (r.usable) open.push(...r.probes);
  return r;
}
const byId = (r: Awaited<ReturnType<typeof probe>>): Map<string, Probe> => {
  if (!r.usable) throw new Error(r.reason);
  return new Map(r.probes.map((p) => [p.info.id, p]));
};

describe('NVML binding (koffi) on the compiled fake library', () => {
  it.skipIf(skip)(title('reads names, UUIDs, PCI bus ids, the energy counter in mJ and the telemetry'), async () => {
    const p = byId(await probe());
    const g0 = p.get('nvidia:0');
    expect(g0?.info).toMatchObject({ kind: 'counter', joulesPerUnit: 1e-3 });
    expect(g0?.info.description).toBe('NVML total energy counter (mJ) of GPU 0 NVIDIA H100 80GB HBM3 (GPU-5a3c0d20-1111-2222-3333-444455556666, PCI 00000000:3B:00.0), enforced power limit 700 W');
    expect(p.get('nvidia:1')?.info.description).toMatch(/GPU 1 NVIDIA A100-SXM4-80GB \(GPU-5a3c0d21-.*, PCI 00000000:3C:00\.0\)/);
    await g0!.source!.start!();
    const a = await g0!.source!.read();
    const b = await g0!.source!.read();
    // Millijoules since the fake driver loaded: its offset plus what the counter gathered since; never backwards.
    if (!a.ok || !b.ok) throw new Error('counter unreadable');
    expect(a.value).toBeGreaterThanOrEqual(987_654_321);
    expect(b.value).toBeGreaterThanOrEqual(a.value);
    expect(await p.get('nvidia:0:util')!.source!.read()).toEqual({ ok: true, value: 98 });
    expect(await p.get('nvidia:1:sm-clock')!.source!.read()).toEqual({ ok: true, value: 1410 });
    expect(await p.get('nvidia:1:temp')!.source!.read()).toEqual({ ok: true, value: 38 });
  });

  it.skipIf(skip)(title('uses the power gauge (mW to W) only for the GPU whose counter is not supported'), async () => {
    fakeEnv({ FAKE_NVML_ENERGY: '0,3', FAKE_NVML_GAUGE_W: '400,123.5' });
    const p = byId(await probe());
    expect(p.get('nvidia:0')?.info.kind).toBe('counter');
    expect(p.get('nvidia:1')).toMatchObject({ state: 'ok', info: { kind: 'gauge' }, reason: expect.stringMatching(/Not Supported \(NVML_ERROR_NOT_SUPPORTED\)/) });
    expect(await p.get('nvidia:1')!.source!.read()).toEqual({ ok: true, value: 123.5 });
  });

  it.skipIf(skip)(title('turns the library\'s failure codes into states, reasons and fixes'), async () => {
    fakeEnv({ FAKE_NVML_INIT: '9' });
    expect(await probe()).toMatchObject({ usable: false, state: 'error', reason: 'nvmlInit_v2: Driver Not Loaded (NVML_ERROR_DRIVER_NOT_LOADED)', fix: expect.stringMatching(/modprobe nvidia/) });
    fakeEnv({ FAKE_NVML_INIT: '18' });
    expect(await probe()).toMatchObject({ usable: false, state: 'error', reason: expect.stringMatching(/version mismatch/), fix: expect.stringMatching(/reboot, or reload the driver/) });
    fakeEnv({ FAKE_NVML_INIT: '0', FAKE_NVML_HANDLE: '0,15', FAKE_NVML_ENERGY: '4' });
    const p = byId(await probe());
    expect(p.get('nvidia:0')).toMatchObject({ state: 'permission', reason: 'the energy counter of GPU 0: Insufficient Permissions (NVML_ERROR_NO_PERMISSION)', fix: expect.stringMatching(/\/dev\/nvidia/) });
    expect(p.get('nvidia:1')).toMatchObject({ state: 'error', reason: 'GPU 1: GPU is lost (NVML_ERROR_GPU_IS_LOST)' });
  });

  it.skipIf(skip)(title('says a MIG GPU\'s energy is the parent GPU\'s'), async () => {
    fakeEnv({ FAKE_NVML_MIG: '1' });
    expect(byId(await probe()).get('nvidia:0')?.reason).toMatch(/^MIG mode is on: this is the energy of the whole parent GPU/);
  });

  it.skipIf(skip)(title('answers reads with a reason while a foreign call blocks, then reads again once it returns'), async () => {
    const p = byId(await probe({ readTimeoutMs: 100 }));
    const counter = p.get('nvidia:0')!.source!;
    await counter.start!();
    fakeEnv({ FAKE_NVML_ENERGY_DELAY_MS: '600' });
    expect(await counter.read()).toEqual({ ok: false, reason: 'NVML the energy counter of GPU 0 did not return within 100 ms' });
    expect(await p.get('nvidia:0:temp')!.source!.read()).toEqual({ ok: false, reason: expect.stringMatching(/^NVML has not returned from the energy counter of GPU 0 for /) });
    fakeEnv({ FAKE_NVML_ENERGY_DELAY_MS: '0' });
    await expect.poll(() => p.get('nvidia:0:temp')!.source!.read(), { timeout: 10_000 }).toEqual({ ok: true, value: 71 });
  });
});
