import { afterEach, describe, expect, it } from 'vitest';
import { probeAscendNpus, withDcmiReason } from '../../../src/sources/accelerators/ascend-npus.js';
import { classifyDcmi, dcmiCodeName } from '../../../src/sources/accelerators/dcmi-codes.js';
import { probeDcmi, type DcmiOptions } from '../../../src/sources/accelerators/dcmi.js';
import { NPU_PERMISSION_FIX } from '../../../src/sources/accelerators/npu-smi.js';
import { sourceContext } from '../../../src/sources/discover.js';
import { fidelityOf, type Probe } from '../../../src/sources/types.js';
import { totalRule } from '../../../src/sampler/total.js';
import { fakeTools } from '../../helpers/fake-tools.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { FakeDcmi } from './fake-dcmi-api.js';

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function probe(api: FakeDcmi, options: DcmiOptions = {}): Promise<Map<string, Probe>> {
  const r = await probeDcmi(sourceContext({ env: { PATH: '' }, intervalMs: 100 }), { api, clock: new ManualClock(), ...options });
  if (!r.usable) throw new Error(r.reason);
  cleanups.push(async () => void (await Promise.all(r.probes.map((p) => p.source?.close?.()))));
  return new Map(r.probes.map((p) => [p.info.id, p]));
}

const A3_MODULE_ONLY_ON_CHIP_0: Array<[number, Array<{ powerW?: number; powerCode?: number; aicorePct: number; temperatureC: number }>]> = [
  [0, [{ powerW: 180.4, aicorePct: 80, temperatureC: 50 }, { powerCode: -8255, aicorePct: 78, temperatureC: 51 }]],
  [1, [{ powerW: 175.0, aicorePct: 60, temperatureC: 49 }, { powerCode: -8255, aicorePct: 61, temperatureC: 49 }]],
];

describe('DCMI probe (JavaScript fake of the seam)', () => {
  it('lists each 910B chip as an instantaneous power gauge with npu-smi ids, AI Core % and temperature, read from one poll', async () => {
    const clock = new ManualClock();
    const api = new FakeDcmi();
    const p = await probe(api, { clock });
    expect([...p.keys()]).toEqual(['npu:0', 'npu:1', 'npu:0:aicore', 'npu:0:temp', 'npu:1:aicore', 'npu:1:temp'].sort((a, b) => order(a) - order(b)));
    const npu0 = p.get('npu:0')!;
    expect(npu0).toMatchObject({ state: 'ok', info: { kind: 'gauge', scope: 'npu', updatePeriodS: 0.1, minIntervalS: 0.1 } });
    expect(fidelityOf(npu0.info)).toBe('instant');
    expect(npu0.info.description).toBe('Ascend NPU 0 power (W, instantaneous, 0.1 W steps) from DCMI, polled every 0.1 s');
    expect(p.get('npu:0:aicore')?.info).toMatchObject({ kind: 'utilization', description: 'Ascend NPU 0 AI Core busy % from DCMI, polled every 0.1 s' });
    expect(await npu0.source!.read()).toEqual({ ok: false, reason: 'not started: DCMI is polled only while measuring' });
    for (const x of p.values()) await x.source?.start?.();
    expect(await npu0.source!.read()).toMatchObject({ ok: true, value: 95.5 });
    expect(await p.get('npu:1')!.source!.read()).toMatchObject({ ok: true, value: 71.2 });
    expect(await p.get('npu:0:aicore')!.source!.read()).toMatchObject({ ok: true, value: 42 });
    expect(await p.get('npu:1:temp')!.source!.read()).toMatchObject({ ok: true, value: 41 });
    // One poll asks every chip once: the next poll comes a period later and sees the new power.
    api.cards.get(0)![0]!.powerW = 300;
    const before = api.calls.filter((c) => c === 'dcmi_get_device_power_info(0,0)').length;
    await clock.advance(100);
    expect(api.calls.filter((c) => c === 'dcmi_get_device_power_info(0,0)').length).toBe(before + 1);
    expect(await npu0.source!.read()).toMatchObject({ ok: true, value: 300 });
  });

  it('counts an A3 module once: the chip with power covers the module, the other is absent and counted there', async () => {
    const p = await probe(new FakeDcmi(A3_MODULE_ONLY_ON_CHIP_0));
    expect(p.get('npu:0:0')).toMatchObject({ state: 'ok', reason: 'chip 1 shows no power of its own and is counted here' });
    expect(p.get('npu:0:0')!.info.description).toMatch(/^Ascend NPU 0 chip 0 power of the whole module \(chips 0 and 1\)/);
    expect(p.get('npu:0:1')).toMatchObject({
      state: 'absent',
      reason: 'the power of Ascend NPU 0 chip 1: not supported (DCMI_ERR_CODE_NOT_SUPPORT, -8255): DCMI reports one power per module, on chip 0, so this chip is counted in npu:0:0 (not added again)',
    });
    expect(p.get('npu:0:1:aicore')?.state).toBe('ok');
    const rule = totalRule([...p.values()].filter((x) => x.state === 'ok').map((x) => x.info));
    expect(rule.ids).toEqual(['npu:0:0', 'npu:1:0']);
  });

  it('marks the second chip a duplicate when both chips report the same module power, so the total adds it once', async () => {
    const api = new FakeDcmi([[0, [{ powerW: 180.4, aicorePct: 1 }, { powerW: 180.4, aicorePct: 1 }]]]);
    const p = await probe(api);
    expect(p.get('npu:0:1')).toMatchObject({ state: 'ok', info: { duplicateOf: 'npu:0:0' }, reason: expect.stringMatching(/a mirror, never added to a total$/) });
    const rule = totalRule([...p.values()].filter((x) => x.state === 'ok').map((x) => x.info));
    expect(rule.ids).toEqual(['npu:0:0']);
  });

  it('keeps both chips as gauges when they report different powers (per-chip power)', async () => {
    const p = await probe(new FakeDcmi([[0, [{ powerW: 100 }, { powerW: 90 }]]]));
    expect([p.get('npu:0:0')?.state, p.get('npu:0:1')?.state, p.get('npu:0:1')?.info.duplicateOf]).toEqual(['ok', 'ok', undefined]);
  });

  it('turns failing calls into states, reasons and fixes', async () => {
    const ctx = sourceContext({ env: { PATH: '' } });
    const api = new FakeDcmi();
    api.initCode = -8002;
    expect(await probeDcmi(ctx, { api })).toEqual({ usable: false, state: 'permission', reason: 'dcmi_init: operation not permitted (DCMI_ERR_CODE_OPER_NOT_PERMITTED, -8002)', fix: NPU_PERMISSION_FIX });
    api.initCode = -8008;
    expect(await probeDcmi(ctx, { api })).toMatchObject({ usable: false, state: 'error', fix: expect.stringMatching(/Ascend driver is loaded .*\/dev\/davinci_manager/) });
    api.initCode = 0;
    api.cards = new Map();
    expect(await probeDcmi(ctx, { api })).toEqual({ usable: false, state: 'absent', reason: 'DCMI lists no NPU card', fix: null });
    const none = new FakeDcmi([[0, [{ powerCode: -8002, aicorePct: 5 }]]]);
    // No power readable at all: unusable, so npu-smi is tried, with the reason of the first chip.
    expect(await probeDcmi(ctx, { api: none })).toEqual({
      usable: false,
      state: 'permission',
      reason: 'no NPU power readable: the power of Ascend NPU 0: operation not permitted (DCMI_ERR_CODE_OPER_NOT_PERMITTED, -8002)',
      fix: NPU_PERMISSION_FIX,
    });
    const some = new FakeDcmi([[0, [{ powerCode: -8002, aicoreCode: -8255, temperatureC: 40 }]], [3, [{ powerW: 50 }]], [5, [{ powerW: 60 }]]]);
    some.idsCodes.set(3, -8005);
    const p = await probe(some);
    expect(p.get('npu:0')).toMatchObject({ state: 'permission', fix: NPU_PERMISSION_FIX });
    expect(p.get('npu:0:aicore')).toMatchObject({ state: 'absent', reason: 'the AI Core busy % of Ascend NPU 0: not supported (DCMI_ERR_CODE_NOT_SUPPORT, -8255)' });
    expect(p.get('npu:3')).toMatchObject({ state: 'error', reason: 'NPU 3: internal error (DCMI_ERR_CODE_INNER_ERR, -8005)' });
    // Card ids need not be 0, 1…: a container sees a subset.
    expect(p.get('npu:5')?.state).toBe('ok');
  });

  it('answers a hung power call at its deadline, keeps the last good value, then calls it stale', async () => {
    const clock = new ManualClock();
    const api = new FakeDcmi([[0, [{ powerW: 95.5, aicorePct: 10, temperatureC: 40 }]]]);
    const p = await probe(api, { clock, readTimeoutMs: 200 });
    const power = p.get('npu:0')!.source!;
    await power.start!();
    expect(await power.read()).toMatchObject({ ok: true, value: 95.5 });
    api.hangPower = true;
    await clock.advance(100 + 200);
    // The poll got no answer at all (the call timed out, the lane refuses the calls behind it): the last good value stands.
    expect(await power.read()).toMatchObject({ ok: true, value: 95.5 });
    expect(api.calls.filter((c) => c === 'dcmi_get_device_power_info(0,0)')).toHaveLength(3);
    await clock.advance(5000);
    expect(await power.read()).toEqual({ ok: false, reason: expect.stringMatching(/^stale: last good reading .* s ago \(DCMI has not returned from the power of Ascend NPU 0 for .* s \(a hung driver\?\)/) });
  });

  it('names every documented code and classifies the container refusal as absent with a fix', () => {
    expect(dcmiCodeName(-8013)).toBe('DCMI_ERR_CODE_NOT_SUPPORT_IN_CONTAINER');
    expect(dcmiCodeName(-9999)).toBe('DCMI error -9999');
    expect(classifyDcmi(-8013, 'dcmi_init')).toMatchObject({ state: 'absent', fix: expect.stringMatching(/WATTBENCH_DCMI_LIBRARY=off/) });
    expect(classifyDcmi(-8006, 'x')).toEqual({ state: 'error', reason: 'x: timed out (DCMI_ERR_CODE_TIME_OUT, -8006)', fix: null });
  });
});

describe('Ascend: DCMI first, npu-smi as the fallback', () => {
  async function ascend(dcmi: DcmiOptions, smi: boolean): Promise<Probe[]> {
    const tools = await fakeTools(smi ? ['npu-smi'] : []);
    cleanups.push(tools.cleanup);
    const probes = await probeAscendNpus(sourceContext({ env: tools.env }), { dcmi, smi: { timeoutMs: 3000 } });
    cleanups.push(async () => void (await Promise.all(probes.map((p) => p.source?.close?.()))));
    return probes;
  }

  it('uses DCMI when it works, and never runs npu-smi', async () => {
    const probes = await ascend({ api: new FakeDcmi(), clock: new ManualClock() }, true);
    expect(probes.find((p) => p.info.id === 'npu:0')?.info.description).toMatch(/from DCMI/);
  });

  it('falls back to npu-smi without the library, each probe saying why DCMI was not used', async () => {
    const probes = await ascend({ library: '/nonexistent/libdcmi.so' }, true);
    expect(probes.find((p) => p.info.id === 'npu:0')).toMatchObject({ state: 'ok', reason: expect.stringMatching(/^read through npu-smi, DCMI not used: \/nonexistent\/libdcmi\.so not found/) });
  });

  it('shows DCMI\'s diagnosis when DCMI fails and npu-smi has nothing either', async () => {
    const api = new FakeDcmi();
    api.initCode = -8002;
    const probes = await ascend({ api }, false);
    expect(probes).toHaveLength(1);
    expect(probes[0]).toMatchObject({ state: 'permission', reason: expect.stringMatching(/^DCMI: dcmi_init: operation not permitted .*; npu-smi: /), fix: NPU_PERMISSION_FIX });
    expect(withDcmiReason([], { usable: false, state: 'absent', reason: 'off', fix: null })).toEqual([]);
  });
});

/** The probe order: each card's power gauges, then each chip's telemetry. */
function order(id: string): number {
  return ['npu:0', 'npu:0:aicore', 'npu:0:temp', 'npu:1', 'npu:1:aicore', 'npu:1:temp'].indexOf(id);
}
