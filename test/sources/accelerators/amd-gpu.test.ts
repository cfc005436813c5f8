import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { probeAmdGpu } from '../../../src/sources/accelerators/amd-gpu.js';
import { sourceContext } from '../../../src/sources/discover.js';
import { UNCOUNTED_SCOPE } from '../../../src/sources/system/hwmon.js';
import { fidelityOf, type Probe } from '../../../src/sources/types.js';
import { totalRule } from '../../../src/sampler/total.js';
import { FIXTURES, seamReader } from '../../helpers/fake-files.js';
import { fakeTools } from '../../helpers/fake-tools.js';
import { ManualClock } from '../../helpers/manual-clock.js';

const tree = (name: string): string => `${FIXTURES}sysfs-hwmon/${name}`;
const NO_SYSFS = `${FIXTURES}sysfs/vm`;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

/** An environment whose PATH holds only the named fakes and node itself, so a real ROCm install cannot leak in. */
async function tools(names: string[], env: Record<string, string> = {}): Promise<NodeJS.ProcessEnv> {
  const t = await fakeTools(names, env);
  cleanups.push(t.cleanup);
  return { ...t.env, PATH: `${t.dir}:${dirname(process.execPath)}` };
}

async function probe(sysfs: string, env: NodeJS.ProcessEnv, options: { timeoutMs?: number; intervalMs?: number; clock?: ManualClock } = {}): Promise<Map<string, Probe>> {
  const ctx = sourceContext({ sysfs, env, intervalMs: options.intervalMs ?? 100 });
  const probes = await probeAmdGpu(ctx, { timeoutMs: options.timeoutMs ?? 3000, ...(options.clock ? { clock: options.clock } : {}) });
  cleanups.push(async () => {
    await Promise.all(probes.map((p) => p.source?.close?.()));
    await ctx.files.close?.();
  });
  return new Map(probes.map((p) => [p.info.id, p]));
}

const inTotal = (p: Map<string, Probe>): string[] => totalRule([...p.values()].filter((x) => x.state === 'ok').map((x) => x.info)).ids;

describe('amdgpu hwmon', () => {
  it('reads power1_average in watts with busy % and the junction temperature', async () => {
    const p = await probe(tree('amdgpu-avg'), await tools([]));
    expect([...p.keys()]).toEqual(['amdgpu:0', 'amdgpu:0:util', 'amdgpu:0:temp']);
    const gpu = p.get('amdgpu:0');
    expect(gpu?.state).toBe('ok');
    expect(gpu?.info).toMatchObject({ kind: 'gauge', scope: 'gpu', quality: 'measured' });
    expect(gpu?.info.description).toMatch(/power1_average, µW, averaged/);
    expect(await gpu?.source?.read()).toEqual({ ok: true, value: 35.123 });
    expect(p.get('amdgpu:0:util')?.info).toMatchObject({ kind: 'utilization', scope: 'gpu' });
    expect(await p.get('amdgpu:0:util')?.source?.read()).toEqual({ ok: true, value: 37 });
    expect(p.get('amdgpu:0:temp')?.info).toMatchObject({ kind: 'temperature', scope: 'gpu' });
    expect(await p.get('amdgpu:0:temp')?.source?.read()).toEqual({ ok: true, value: 48 });
    expect(inTotal(p)).toEqual(['amdgpu:0']);
  });

  it('gives power1_average fidelity averaged (the SMU averages it) and power1_input instant', async () => {
    expect((await probe(tree('amdgpu-avg'), await tools([]))).get('amdgpu:0')?.info.fidelity).toBe('averaged');
    expect(fidelityOf((await probe(tree('amdgpu-input'), await tools([]))).get('amdgpu:0')!.info)).toBe('instant');
  });

  it('falls back to power1_input (instantaneous) when power1_average is missing', async () => {
    const p = await probe(tree('amdgpu-input'), await tools([]));
    expect(p.get('amdgpu:0')?.info.description).toMatch(/power1_input, µW, instantaneous/);
    expect(await p.get('amdgpu:0')?.source?.read()).toEqual({ ok: true, value: 12.345 });
    expect(await p.get('amdgpu:0:util')?.source?.read()).toEqual({ ok: true, value: 0 });
    expect(await p.get('amdgpu:0:temp')?.source?.read()).toEqual({ ok: true, value: 38 });
  });

  it('treats EPERM from a runtime-suspended GPU as absent, not as a permission problem', async () => {
    const ctx = sourceContext({ sysfs: tree('amdgpu-avg'), env: await tools([]), files: seamReader({ fail: (path) => (path.endsWith('power1_average') ? 'EPERM' : null) }) });
    const gpu = (await probeAmdGpu(ctx)).find((x) => x.info.id === 'amdgpu:0');
    expect(gpu?.state).toBe('absent');
    expect(gpu?.fix).toBeNull();
    expect(gpu?.reason).toMatch(/^EPERM reading .*power1_average/);
  });

  it('keeps an APU out of totals: its power1 includes the CPU', async () => {
    const gpu = (await probe(tree('amdgpu-apu'), await tools([]))).get('amdgpu:0');
    expect(gpu?.state).toBe('ok');
    expect(gpu?.info.scope).toBe(UNCOUNTED_SCOPE);
    expect(gpu?.reason).toMatch(/APU/);
  });
});

describe('AMD GPUs through amd-smi and rocm-smi', () => {
  it('prefers hwmon and marks the amd-smi reading of the same PCI device as its duplicate, without polling it', async () => {
    const p = await probe(tree('amdgpu-avg'), await tools(['amd-smi']));
    const dup = p.get('amdgpu:0:amd-smi');
    expect(dup?.state).toBe('ok');
    expect(dup?.info).toMatchObject({ kind: 'gauge', scope: 'gpu', duplicateOf: 'amdgpu:0' });
    await dup?.source?.start?.();
    expect(await dup?.source?.read()).toMatchObject({ ok: false, reason: expect.stringMatching(/not polled: amdgpu:0/) });
    expect(inTotal(p)).toEqual(['amdgpu:0']);
  });

  it('matches the 26.x wrapper GPUs by PCI address, not by order', async () => {
    const p = await probe(tree('amdgpu-two'), await tools(['amd-smi'], { FAKE_AMD_SMI_MODE: 'wrapper' }));
    expect(await p.get('amdgpu:0')?.source?.read()).toEqual({ ok: true, value: 180 });
    expect(await p.get('amdgpu:1')?.source?.read()).toEqual({ ok: true, value: 250 });
    // amd-smi GPU 0 is at 0000:83:00.0, which is hwmon position 1.
    expect(p.get('amdgpu:1:amd-smi')?.info.duplicateOf).toBe('amdgpu:1');
    expect(p.get('amdgpu:1:amd-smi')?.info.description).toMatch(/socket power of GPU 0/);
    expect(p.get('amdgpu:0:amd-smi')?.info.duplicateOf).toBe('amdgpu:0');
    expect(inTotal(p)).toEqual(['amdgpu:0', 'amdgpu:1']);
  });

  it('polls amd-smi in the background when there is no hwmon, and reads the latest value', async () => {
    const p = await probe(NO_SYSFS, await tools(['amd-smi']), { intervalMs: 2000 });
    const gpu = p.get('amdgpu:0');
    expect(gpu?.state).toBe('ok');
    expect(gpu?.info).toMatchObject({ kind: 'gauge', scope: 'gpu', quality: 'measured', updatePeriodS: 2 });
    expect(gpu?.info.duplicateOf).toBeUndefined();
    expect(await gpu?.source?.read()).toMatchObject({ ok: false, reason: expect.stringMatching(/polled only while measuring/) });
    await gpu?.source?.start?.();
    await gpu?.source?.start?.();
    const r = await gpu?.source?.read();
    expect(r).toMatchObject({ ok: true, value: 35 });
    expect(typeof (r as { atS?: number }).atS).toBe('number');
    await gpu?.source?.close?.();
    await gpu?.source?.close?.();
    expect((await gpu?.source?.read())?.ok).toBe(false);
  });

  it('lists a secondary die as a duplicate of its primary and an N/A GPU as absent', async () => {
    const p = await probe(NO_SYSFS, await tools(['amd-smi'], { FAKE_AMD_SMI_MODE: 'secondary-die' }));
    expect(p.get('amdgpu:0')?.state).toBe('ok');
    const secondary = p.get('amdgpu:1');
    expect(secondary?.state).toBe('ok');
    expect(secondary?.info.duplicateOf).toBe('amdgpu:0');
    expect(secondary?.reason).toMatch(/secondary die/);
    expect(p.get('amdgpu:2')?.state).toBe('absent');
    expect(p.get('amdgpu:2')?.reason).toMatch(/N\/A/);
    await p.get('amdgpu:0')?.source?.start?.();
    await secondary?.source?.start?.();
    expect(await p.get('amdgpu:0')?.source?.read()).toMatchObject({ ok: true, value: 91 });
    expect(await secondary?.source?.read()).toMatchObject({ ok: false, reason: expect.stringMatching(/secondary die/) });
    expect(inTotal(p)).toEqual(['amdgpu:0']);
  });

  it('with MI250X hwmon, the secondary die points at the hwmon primary on both paths', async () => {
    const p = await probe(tree('amdgpu-mi250'), await tools(['amd-smi'], { FAKE_AMD_SMI_MODE: 'secondary-die' }));
    expect(await p.get('amdgpu:0')?.source?.read()).toEqual({ ok: true, value: 91 });
    expect(p.get('amdgpu:1')?.info.duplicateOf).toBe('amdgpu:0');
    expect(await p.get('amdgpu:1')?.source?.read()).toMatchObject({ ok: false, reason: expect.stringMatching(/secondary die.*amdgpu:0/) });
    expect(p.get('amdgpu:0:amd-smi')?.info.duplicateOf).toBe('amdgpu:0');
    expect(p.get('amdgpu:1:amd-smi')?.info.duplicateOf).toBe('amdgpu:0');
    expect(p.get('amdgpu:amd-smi:2')?.state).toBe('absent');
    expect(inTotal(p)).toEqual(['amdgpu:0']);
  });

  it('falls back to rocm-smi when amd-smi is absent', async () => {
    const p = await probe(NO_SYSFS, await tools(['rocm-smi']));
    expect([...p.keys()]).toEqual(['amdgpu:0', 'amdgpu:1']);
    expect(p.get('amdgpu:1')?.info.description).toMatch(/^rocm-smi --showpower --json/);
    await p.get('amdgpu:1')?.source?.start?.();
    expect(await p.get('amdgpu:1')?.source?.read()).toMatchObject({ ok: true, value: 112 });
  });

  it('falls back to rocm-smi when amd-smi fails, matching cards by --showbus', async () => {
    const p = await probe(tree('amdgpu-two'), await tools(['amd-smi', 'rocm-smi'], { FAKE_AMD_SMI_MODE: 'error' }));
    expect(p.get('amdgpu:1:rocm-smi')?.info.duplicateOf).toBe('amdgpu:1');
    expect(p.get('amdgpu:0:rocm-smi')?.info.duplicateOf).toBe('amdgpu:0');
    expect(inTotal(p)).toEqual(['amdgpu:0', 'amdgpu:1']);
  });

  it('says absent when there is neither hwmon nor a ROCm tool', async () => {
    const probes = [...(await probe(NO_SYSFS, await tools([]))).values()];
    expect(probes).toHaveLength(1);
    expect(probes[0]).toMatchObject({ state: 'absent', info: { id: 'amdgpu' } });
    expect(probes[0]?.reason).toMatch(/no amdgpu hwmon device.*neither amd-smi nor rocm-smi is on PATH/);
  });

  it('says absent when amd-smi lists no GPU', async () => {
    const probes = [...(await probe(NO_SYSFS, await tools(['amd-smi'], { FAKE_AMD_SMI_MODE: 'empty' }))).values()];
    expect(probes).toHaveLength(1);
    expect(probes[0]?.state).toBe('absent');
    expect(probes[0]?.reason).toMatch(/list no GPU/);
  });

  it('reports a failing amd-smi as an error with the driver fix, and a permission failure with the group fix', async () => {
    const error = [...(await probe(NO_SYSFS, await tools(['amd-smi'], { FAKE_AMD_SMI_MODE: 'error' }))).values()];
    expect(error).toHaveLength(1);
    expect(error[0]?.state).toBe('error');
    expect(error[0]?.reason).toMatch(/amd-smi exited with 1: ERROR: Unable to initialize amdsmi: AMDSMI_STATUS_DRIVER_NOT_LOADED/);
    expect(error[0]?.fix).toMatch(/modprobe amdgpu/);
    const perm = [...(await probe(NO_SYSFS, await tools(['amd-smi'], { FAKE_AMD_SMI_MODE: 'permission' }))).values()];
    expect(perm[0]?.state).toBe('permission');
    expect(perm[0]?.fix).toMatch(/usermod -aG render,video/);
  });

  it('kills a hanging amd-smi at the timeout and says so', async () => {
    const probes = [...(await probe(NO_SYSFS, await tools(['amd-smi'], { FAKE_AMD_SMI_MODE: 'hang' }), { timeoutMs: 300 })).values()];
    expect(probes).toHaveLength(1);
    expect(probes[0]?.state).toBe('error');
    expect(probes[0]?.reason).toMatch(/amd-smi metric --power --json gave no answer within 300 ms \(killed\)/);
  });

  it('reports garbage output as an error, and says nothing about a broken tool when hwmon reads the GPU', async () => {
    const garbage = [...(await probe(NO_SYSFS, await tools(['amd-smi'], { FAKE_AMD_SMI_MODE: 'garbage' }))).values()];
    expect(garbage[0]?.state).toBe('error');
    expect(garbage[0]?.reason).toMatch(/printed no power JSON: Traceback/);
    const withHwmon = await probe(tree('amdgpu-avg'), await tools(['amd-smi'], { FAKE_AMD_SMI_MODE: 'garbage' }));
    expect([...withHwmon.keys()]).toEqual(['amdgpu:0', 'amdgpu:0:util', 'amdgpu:0:temp']);
  });

  it('leaves nothing polling amd-smi when a source closes while its first poll is in flight', async () => {
    const clock = new ManualClock();
    const p = await probe(NO_SYSFS, await tools(['amd-smi']), { clock });
    const gpu = p.get('amdgpu:0')?.source;
    const started = gpu?.start?.();
    const closed = gpu?.close?.();
    await Promise.all([started, closed]);
    // The poller's next request would be a timer on this clock: there is none, however long it runs.
    await clock.advance(10_000);
    expect(clock.timers).toBe(0);
    expect(await gpu?.read()).toMatchObject({ ok: false, reason: expect.stringMatching(/polled only while measuring/) });
  });

  it('polls amd-smi once per period on its clock while started, and stops with the close', async () => {
    const clock = new ManualClock();
    const p = await probe(NO_SYSFS, await tools(['amd-smi']), { clock });
    const gpu = p.get('amdgpu:0')?.source;
    await gpu?.start?.();
    expect(await gpu?.read()).toMatchObject({ ok: true, value: 35 });
    expect(clock.timers).toBe(1);
    await clock.advance(999);
    expect(clock.timers).toBe(1);
    // Due: the timer fires and the next amd-smi runs; its successor is set once that run has answered.
    await clock.advance(1);
    expect(clock.timers).toBe(0);
    await expect.poll(() => clock.timers, { timeout: 5000 }).toBe(1);
    await gpu?.close?.();
    expect(clock.timers).toBe(0);
  });
});
