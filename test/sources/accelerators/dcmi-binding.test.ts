import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { probeDcmi, type DcmiOptions } from '../../../src/sources/accelerators/dcmi.js';
import { sourceContext } from '../../../src/sources/discover.js';
import type { Probe } from '../../../src/sources/types.js';
import { ScopedEnv } from '../../helpers/scoped-env.js';
import { buildFakeDcmi, C_COMPILER, NO_COMPILER } from '../../fixtures/dcmi/build.js';

/**
 * The koffi binding against the fake libdcmi.so compiled from test/fixtures/dcmi/fake-dcmi.c: the vendor's
 * signatures, called through the FFI for real. The fake reads its settings from this process's environment at each call.
 */
const skip = C_COMPILER === null;
const title = (t: string): string => (skip ? `${t} (${NO_COMPILER})` : t);

let lib: Awaited<ReturnType<typeof buildFakeDcmi>> | null = null;
beforeAll(async () => {
  if (!skip) lib = await buildFakeDcmi();
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

async function probe(options: DcmiOptions = {}) {
  const r = await probeDcmi(sourceContext({ env: { PATH: '' } }), { library: lib!.path, ...options });
  if (r.usable) open.push(...r.probes);
  return r;
}
const byId = (r: Awaited<ReturnType<typeof probe>>): Map<string, Probe> => {
  if (!r.usable) throw new Error(r.reason);
  return new Map(r.probes.map((p) => [p.info.id, p]));
};

describe('DCMI binding (koffi) on the compiled fake library', () => {
  it.skipIf(skip)(title('lists the cards, reads power in 0.1 W as watts, AI Core % and temperature'), async () => {
    fakeEnv({ FAKE_DCMI_POWER_W: '95.5,71.2', FAKE_DCMI_AICORE: '42,7', FAKE_DCMI_TEMP: '48,39' });
    const p = byId(await probe());
    expect([...p.keys()]).toEqual(['npu:0', 'npu:0:aicore', 'npu:0:temp', 'npu:1', 'npu:1:aicore', 'npu:1:temp']);
    expect(p.get('npu:0')!.info.description).toBe(`Ascend NPU 0 power (W, instantaneous, 0.1 W steps) from DCMI (${lib!.path}), polled every 0.1 s`);
    await Promise.all([...p.values()].map((x) => x.source!.start!()));
    expect(await p.get('npu:0')!.source!.read()).toMatchObject({ ok: true, value: 95.5 });
    expect(await p.get('npu:1')!.source!.read()).toMatchObject({ ok: true, value: 71.2 });
    expect(await p.get('npu:1:aicore')!.source!.read()).toMatchObject({ ok: true, value: 7 });
    expect(await p.get('npu:0:temp')!.source!.read()).toMatchObject({ ok: true, value: 48 });
  });

  it.skipIf(skip)(title('counts an A3 module once: power on chip 0, chip 1 refused and counted there'), async () => {
    fakeEnv({ FAKE_DCMI_CARDS: '1', FAKE_DCMI_CHIPS: '2', FAKE_DCMI_POWER_W: '180.4', FAKE_DCMI_POWER: '0,-8255' });
    const p = byId(await probe());
    expect(p.get('npu:0:0')).toMatchObject({ state: 'ok', reason: 'chip 1 shows no power of its own and is counted here' });
    expect(p.get('npu:0:1')).toMatchObject({ state: 'absent', reason: expect.stringMatching(/DCMI_ERR_CODE_NOT_SUPPORT, -8255\): DCMI reports one power per module, on chip 0, so this chip is counted in npu:0:0/) });
    expect(p.get('npu:0:1:aicore')?.state).toBe('ok');
  });

  it.skipIf(skip)(title('turns the library\'s failure codes into states, reasons and fixes'), async () => {
    fakeEnv({ FAKE_DCMI_INIT: '-8002' });
    expect(await probe()).toMatchObject({ usable: false, state: 'permission', reason: 'dcmi_init: operation not permitted (DCMI_ERR_CODE_OPER_NOT_PERMITTED, -8002)', fix: expect.stringMatching(/HwHiAiUser/) });
    fakeEnv({ FAKE_DCMI_INIT: '0', FAKE_DCMI_POWER: '0,-8008' });
    expect(byId(await probe()).get('npu:1')).toMatchObject({ state: 'error', reason: 'the power of Ascend NPU 1: device does not exist (DCMI_ERR_CODE_DEVICE_NOT_EXIST, -8008)' });
  });

  it.skipIf(skip)(title('answers a read with the last good value while a power call blocks, never waiting for it'), async () => {
    const p = byId(await probe({ readTimeoutMs: 100 }));
    const power = p.get('npu:0')!.source!;
    await power.start!();
    fakeEnv({ FAKE_DCMI_POWER_DELAY_MS: '600' });
    await new Promise((r) => setTimeout(r, 250));
    // The poll behind it is stuck in the foreign call; the read answers at once from the last poll.
    expect(await power.read()).toMatchObject({ ok: true, value: 95.5 });
    fakeEnv({ FAKE_DCMI_POWER_DELAY_MS: '0' });
  });
});
