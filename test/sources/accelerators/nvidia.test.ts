import { afterEach, describe, expect, it } from 'vitest';
import { classifyFailure, parseHelpFields, parseNvidiaCell, probeNvidia, splitRow } from '../../../src/sources/accelerators/nvidia.js';
import { sourceContext } from '../../../src/sources/discover.js';
import { fidelityOf, type Probe } from '../../../src/sources/types.js';
import { fakeTools } from '../../helpers/fake-tools.js';
import { ManualClock } from '../../helpers/manual-clock.js';

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups) await c();
  cleanups = [];
});

async function probe(env: Record<string, string> = {}, timeoutMs = 3000, clock?: ManualClock): Promise<Map<string, Probe>> {
  const tools = await fakeTools(['nvidia-smi'], env);
  cleanups.push(tools.cleanup);
  const probes = await probeNvidia(sourceContext({ env: tools.env, intervalMs: 50 }), { timeoutMs, ...(clock ? { clock } : {}) });
  cleanups.push(async () => {
    await Promise.all(probes.map((p) => p.source?.close?.()));
  });
  return new Map(probes.map((p) => [p.info.id, p]));
}

describe('nvidia-smi parsing', () => {
  it('reads numbers and turns every token into a reason, never a 0', () => {
    expect(parseNvidiaCell(' 347.12')).toEqual({ ok: true, value: 347.12 });
    for (const t of ['[N/A]', 'N/A', '[Not Supported]', '[Unknown Error]', '[Insufficient Permissions]', '', 'abc', '-5']) {
      expect(parseNvidiaCell(t).ok, t).toBe(false);
    }
  });
  it('splits rows on commas even when names have spaces, and refuses a wrong cell count', () => {
    expect(splitRow('0, NVIDIA GeForce RTX 3090, GPU-5a3c, 347.12', 4)).toEqual(['0', 'NVIDIA GeForce RTX 3090', 'GPU-5a3c', '347.12']);
    expect(splitRow('0, x', 4)).toBeNull();
  });
  it('lists the fields the driver knows', () => {
    expect(parseHelpFields('"power.draw"\nLast measured...\n\n"power.draw.instant"\n...').has('power.draw.instant')).toBe(true);
  });
  it('classifies driver, NVML and permission failures with fixes', () => {
    expect(classifyFailure("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.", 9)).toMatchObject({ state: 'error', fix: expect.stringMatching(/modprobe nvidia/) });
    expect(classifyFailure('Failed to initialize NVML: Insufficient Permissions', 4).state).toBe('permission');
  });
});

describe('nvidia probe and stream', () => {
  it('finds two GPUs, prefers the instantaneous field, and streams their power', async () => {
    const p = await probe();
    const g0 = p.get('nvidia:0');
    expect(g0).toMatchObject({ state: 'ok', info: { kind: 'gauge', scope: 'gpu', quality: 'measured' } });
    expect(g0?.info.description).toMatch(/power\.draw\.instant \(instantaneous board power, W\) of GPU 0 NVIDIA GeForce RTX 3090 \(GPU-5a3c/);
    expect(p.get('nvidia:1')?.state).toBe('ok');
    expect(p.get('nvidia:0:util')?.info.kind).toBe('utilization');
    expect(p.get('nvidia:1:sm-clock')?.info.kind).toBe('frequency');
    expect(p.get('nvidia:1:temp')?.info.kind).toBe('temperature');
    await g0!.source!.start!();
    await p.get('nvidia:1')!.source!.start!();
    // The stream's first line may still be on its way: wait for it (no time is asserted).
    await expect.poll(() => g0!.source!.read(), { timeout: 10_000 }).toMatchObject({ ok: true, value: 150 });
    expect(await p.get('nvidia:1')!.source!.read()).toMatchObject({ ok: true, value: 50 });
    expect(await p.get('nvidia:1:util')!.source!.read()).toMatchObject({ ok: true, value: 12 });
  });

  it('gives the instantaneous field fidelity instant, and power.draw beside power.draw.average (Ampere+) fidelity averaged over 1 s', async () => {
    expect((await probe()).get('nvidia:0')?.info).toMatchObject({ kind: 'gauge' });
    expect(fidelityOf((await probe()).get('nvidia:0')!.info)).toBe('instant');
    const averaged = (await probe({ FAKE_NVIDIA_MODE: 'no-instant' })).get('nvidia:0');
    expect(averaged?.info).toMatchObject({ fidelity: 'averaged', averagingS: 1, updatePeriodS: 1 });
    expect(averaged?.info.description).toMatch(/power\.draw \(board power, a 1-s average on Ampere and newer, W\)/);
    // An old driver says nothing of averaging: the gauge counts as instantaneous.
    expect(fidelityOf((await probe({ FAKE_NVIDIA_MODE: 'old-driver' })).get('nvidia:0')!.info)).toBe('instant');
  });

  it('falls back to power.draw on an old driver and says it may be averaged', async () => {
    const p = await probe({ FAKE_NVIDIA_MODE: 'old-driver' });
    expect(p.get('nvidia:0')?.info.description).toMatch(/nvidia-smi power\.draw \(board power, W\)/);
  });

  it('reports a GPU whose power is [N/A] as unusable, with the token in the reason', async () => {
    const gpus = JSON.stringify([{ name: 'NVIDIA GeForce GT 710', uuid: 'GPU-1', power: '[N/A]', util: '0', sm: '954', temp: '38' }]);
    const p = await probe({ FAKE_NVIDIA_GPUS: gpus });
    expect(p.get('nvidia:0')).toMatchObject({ state: 'error', reason: expect.stringMatching(/\[N\/A\]/) });
    expect(p.get('nvidia:0')?.source).toBeUndefined();
    expect(p.get('nvidia:0:temp')?.state).toBe('ok');
  });

  it('is absent without nvidia-smi, and an error with a fix when the driver is missing', async () => {
    const none = await fakeTools([]);
    cleanups.push(none.cleanup);
    const absent = await probeNvidia(sourceContext({ env: { ...none.env, PATH: none.dir } }));
    expect(absent).toEqual([expect.objectContaining({ state: 'absent', reason: 'nvidia-smi not found on PATH' })]);
    const p = await probe({ FAKE_NVIDIA_MODE: 'no-driver' });
    expect(p.get('nvidia')).toMatchObject({ state: 'error', fix: expect.stringMatching(/modprobe nvidia/) });
    const nvml = await probe({ FAKE_NVIDIA_MODE: 'nvml-error' });
    expect(nvml.get('nvidia')?.reason).toBe('Failed to initialize NVML: Unknown Error');
  });

  it('gives up on a hung nvidia-smi after the timeout', async () => {
    const p = await probe({ FAKE_NVIDIA_MODE: 'hang' }, 300);
    expect(p.get('nvidia')).toMatchObject({ state: 'error', reason: expect.stringMatching(/no answer within 300 ms/) });
  });

  it('reports why after the stream dies, stalls or prints garbage, instead of repeating an old value', async () => {
    const died = await probe({ FAKE_NVIDIA_MODE: 'die' });
    await died.get('nvidia:0')!.source!.start!();
    await expect
      .poll(() => died.get('nvidia:0')!.source!.read(), { timeout: 10_000 })
      .toEqual({ ok: false, reason: expect.stringMatching(/exited \(code 15\).*Unable to determine the device handle/) });

    const garbage = await probe({ FAKE_NVIDIA_MODE: 'garbage' });
    await garbage.get('nvidia:0')!.source!.start!();
    // Good lines came before the garbage: the last good value stands while it is fresh.
    await expect.poll(() => garbage.get('nvidia:0')!.source!.read(), { timeout: 10_000 }).toMatchObject({ ok: true, value: 150 });
  });

  it('refuses a stale value when nvidia-smi stays alive but stops printing', async () => {
    // The stream's time is a manual clock: the fake prints its few lines at one instant, then the test moves time on.
    const clock = new ManualClock();
    const stalled = await probe({ FAKE_NVIDIA_MODE: 'stall' }, 3000, clock);
    await stalled.get('nvidia:0')!.source!.start!();
    expect(await stalled.get('nvidia:0')!.source!.read()).toMatchObject({ ok: true });
    await clock.advance(2000);
    expect(await stalled.get('nvidia:0')!.source!.read()).toMatchObject({ ok: true, value: 150 });
    await clock.advance(300);
    expect(await stalled.get('nvidia:0')!.source!.read()).toEqual({ ok: false, reason: 'nvidia-smi printed nothing for GPU 0 for 2.3 s' });
  });
});
