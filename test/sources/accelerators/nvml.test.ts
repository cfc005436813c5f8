import { afterEach, describe, expect, it } from 'vitest';
import { probeNvml, type NvmlOptions, type NvmlProbeResult } from '../../../src/sources/accelerators/nvml.js';
import { sourceContext } from '../../../src/sources/discover.js';
import type { Probe } from '../../../src/sources/types.js';
import { ManualClock, flushMicrotasks } from '../../helpers/manual-clock.js';
import { FakeNvml } from './fake-nvml-api.js';

let open: Probe[] = [];
afterEach(async () => {
  await Promise.all(open.map((p) => p.source?.close?.()));
  open = [];
});

const ctx = sourceContext({ env: { PATH: '' }, intervalMs: 100 });

async function probe(fake: FakeNvml, options: NvmlOptions = {}): Promise<NvmlProbeResult> {
  const r = await probeNvml(ctx, { api: fake, ...options });
  if (r.usable) open.push(...r.probes);
  return r;
}

function byId(r: NvmlProbeResult): Map<string, Probe> {
  if (!r.usable) throw new Error(`NVML unusable: ${r.reason}`);
  return new Map(r.probes.map((p) => [p.info.id, p]));
}

describe('NVML probe (JavaScript fake of the library)', () => {
  it('lists each GPU as an energy counter in mJ with nvidia-smi ids, and its telemetry', async () => {
    const p = byId(await probe(new FakeNvml()));
    expect([...p.keys()]).toEqual(['nvidia:0', 'nvidia:0:util', 'nvidia:0:sm-clock', 'nvidia:0:temp', 'nvidia:1', 'nvidia:1:util', 'nvidia:1:sm-clock', 'nvidia:1:temp']);
    const g0 = p.get('nvidia:0');
    expect(g0).toMatchObject({ state: 'ok', reason: null, info: { kind: 'counter', scope: 'gpu', quality: 'measured', joulesPerUnit: 1e-3, maxRange: null, powerLimitW: 700 } });
    expect(g0?.info.description).toBe('NVML total energy counter (mJ) of GPU 0 NVIDIA H100 80GB HBM3 (GPU-0aaa, PCI 00000000:3B:00.0), enforced power limit 700 W');
    expect(p.get('nvidia:1:util')?.info).toMatchObject({ kind: 'utilization', description: expect.stringMatching(/^NVML GPU utilization/) });
  });

  it('reads the counter, not the power gauge, and the telemetry in their units', async () => {
    const fake = new FakeNvml();
    const p = byId(await probe(fake));
    const counter = p.get('nvidia:0')!.source!;
    await counter.start!();
    expect(await counter.read()).toEqual({ ok: true, value: 1_000_000 });
    fake.gpus[0]!.energyMj += 150_000;
    expect(await counter.read()).toEqual({ ok: true, value: 1_150_000 });
    expect(fake.calls).not.toContain('power(0)');
    expect(await p.get('nvidia:1:util')!.source!.read()).toEqual({ ok: true, value: 12 });
    expect(await p.get('nvidia:0:sm-clock')!.source!.read()).toEqual({ ok: true, value: 1980 });
    expect(await p.get('nvidia:0:temp')!.source!.read()).toEqual({ ok: true, value: 71 });
  });

  it('uses the power gauge (W) only for a GPU whose counter is not supported, and says so', async () => {
    const fake = new FakeNvml();
    fake.gpus[1]!.codes.energy = 3;
    const p = byId(await probe(fake));
    expect(p.get('nvidia:0')?.info.kind).toBe('counter');
    const g1 = p.get('nvidia:1');
    expect(g1).toMatchObject({ state: 'ok', info: { kind: 'gauge', description: expect.stringMatching(/^NVML power usage \(mW; board power/) } });
    expect(g1?.reason).toMatch(/no energy counter \(the energy counter of GPU 1: Not Supported \(NVML_ERROR_NOT_SUPPORTED\)\): its power gauge is integrated instead/);
    expect(await g1!.source!.read()).toEqual({ ok: true, value: 400 });
  });

  it('gives a GPU whose counter and gauge both fail the reasons of both', async () => {
    const fake = new FakeNvml(1);
    fake.gpus[0]!.codes.energy = 3;
    fake.gpus[0]!.codes.power = 3;
    const p = byId(await probe(fake));
    expect(p.get('nvidia:0')).toMatchObject({ state: 'absent', reason: expect.stringMatching(/energy counter.*Not Supported.*; the power usage of GPU 0: Not Supported/) });
    expect(p.get('nvidia:0')?.source).toBeUndefined();
  });

  it('turns per-GPU failures into states with fixes: no permission, GPU lost, a sensor not supported', async () => {
    const fake = new FakeNvml(3);
    fake.gpus[0]!.codes.energy = 4;
    fake.gpus[1]!.codes.handle = 15;
    fake.gpus[2]!.codes.temp = 3;
    const p = byId(await probe(fake));
    expect(p.get('nvidia:0')).toMatchObject({ state: 'permission', reason: 'the energy counter of GPU 0: Insufficient Permissions (NVML_ERROR_NO_PERMISSION)', fix: expect.stringMatching(/\/dev\/nvidia/) });
    expect(p.get('nvidia:1')).toMatchObject({ state: 'error', reason: 'GPU 1: GPU is lost (NVML_ERROR_GPU_IS_LOST)', fix: expect.stringMatching(/fell off the bus/) });
    expect(p.has('nvidia:1:util')).toBe(false);
    expect(p.get('nvidia:2')?.state).toBe('ok');
    expect(p.get('nvidia:2:temp')).toMatchObject({ state: 'absent', reason: expect.stringMatching(/NVML_ERROR_NOT_SUPPORTED/) });
  });

  it('says that a MIG GPU reports the energy of the whole parent GPU', async () => {
    const fake = new FakeNvml(1);
    fake.gpus[0]!.mig = 1;
    const g0 = byId(await probe(fake)).get('nvidia:0');
    expect(g0?.reason).toBe('MIG mode is on: this is the energy of the whole parent GPU, shared by all its instances');
    expect(g0?.info.description).toMatch(/; MIG mode is on: this is the energy of the whole parent GPU/);
  });

  it('is unusable, with the state and fix of the code, when nvmlInit_v2 fails', async () => {
    for (const [code, state, fix] of [
      [9, 'error', /modprobe nvidia/],
      [18, 'error', /so the library and kernel module match/],
      [4, 'permission', /\/dev\/nvidia/],
    ] as const) {
      const fake = new FakeNvml();
      fake.initCode = code;
      const r = await probe(fake);
      expect(r).toMatchObject({ usable: false, state, reason: expect.stringMatching(/^nvmlInit_v2: /), fix: expect.stringMatching(fix) });
    }
  });

  it('holds NVML while any source is started, and shuts it down after the last close', async () => {
    const fake = new FakeNvml();
    const p = byId(await probe(fake));
    expect(fake.held).toBe(1);
    const [a, b] = [p.get('nvidia:0')!.source!, p.get('nvidia:1:temp')!.source!];
    await a.start!();
    await b.start!();
    await a.close!();
    expect(fake.held).toBe(1);
    await b.close!();
    expect(fake.held).toBe(0);
    // Started again (a second session on the same probes): NVML is initialised again.
    await a.start!();
    expect(fake.held).toBe(1);
    await a.close!();
    expect(fake.held).toBe(0);
  });

  it('gives NVML back at once when no GPU is usable, and is unusable when it lists none', async () => {
    const fake = new FakeNvml(1);
    fake.gpus[0]!.codes.handle = 4;
    await probe(fake);
    expect(fake.held).toBe(0);
    const none = new FakeNvml(0);
    expect(await probe(none)).toEqual({ usable: false, state: 'absent', reason: 'NVML lists no GPU', fix: null });
    expect(none.held).toBe(0);
  });

  it('answers a read with a reason when the driver hangs, never waiting past the read timeout', async () => {
    const clock = new ManualClock();
    const fake = new FakeNvml(1);
    const p = byId(await probe(fake, { clock, readTimeoutMs: 250 }));
    fake.gpus[0]!.hang.add('energy');
    const counter = p.get('nvidia:0')!.source!;
    const pending = counter.read();
    await clock.advance(250);
    expect(await pending).toEqual({ ok: false, reason: 'NVML the energy counter of GPU 0 did not return within 250 ms' });
    await flushMicrotasks();
    expect(await p.get('nvidia:0:temp')!.source!.read()).toEqual({ ok: false, reason: expect.stringMatching(/^NVML has not returned from the energy counter of GPU 0 for 0\.3 s/) });
  });

  it('is turned off by WATTBENCH_NVML_LIBRARY=off, and absent when the named library is not there', async () => {
    expect(await probeNvml(sourceContext({ env: { WATTBENCH_NVML_LIBRARY: 'off' } }))).toEqual({ usable: false, state: 'absent', reason: 'turned off (WATTBENCH_NVML_LIBRARY=off)', fix: null });
    expect(await probeNvml(sourceContext({ env: { WATTBENCH_NVML_LIBRARY: '/nonexistent/libnvidia-ml.so.1' } }))).toEqual({
      usable: false,
      state: 'absent',
      reason: '/nonexistent/libnvidia-ml.so.1 not found',
      fix: null,
    });
    expect(await probeNvml(ctx, { library: '/nonexistent/x.so' })).toMatchObject({ usable: false, reason: '/nonexistent/x.so not found' });
  });

  it('says why when the file is there but is not a library', async () => {
    const r = await probeNvml(ctx, { library: new URL('./fake-nvml-api.ts', import.meta.url).pathname });
    expect(r).toMatchObject({ usable: false, state: 'error', reason: expect.stringMatching(/^cannot load .*fake-nvml-api\.ts: /) });
  });
});
