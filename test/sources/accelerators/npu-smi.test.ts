import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sourceContext } from '../../../src/sources/discover.js';
import { parseNpuAicore, parseNpuKeyValues, parseNpuPower, parseNpuSmiInfo } from '../../../src/sources/accelerators/npu-smi-parse.js';
import { NPU_PERMISSION_FIX, probeNpu } from '../../../src/sources/accelerators/npu-smi.js';
import type { Probe } from '../../../src/sources/types.js';
import { totalRule } from '../../../src/sampler/total.js';
import { FIXTURES } from '../../helpers/fake-files.js';
import { fakeTools } from '../../helpers/fake-tools.js';

const fixture = (name: string): Promise<string> => readFile(`${FIXTURES}npu-smi/${name}`, 'utf8');
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function probeWith(env: Record<string, string>, withTool = true, timeoutMs?: number): Promise<{ probes: Probe[]; log: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'wb-npu-'));
  const log = join(dir, 'calls.log');
  const tools = await fakeTools(withTool ? ['npu-smi'] : [], { FAKE_NPU_SMI_LOG: log, ...env });
  cleanups.push(tools.cleanup, () => rm(dir, { recursive: true, force: true }));
  const probes = await probeNpu(sourceContext({ env: tools.env }), timeoutMs === undefined ? {} : { timeoutMs });
  cleanups.push(async () => {
    await Promise.all(probes.map((p) => p.source?.close?.()));
  });
  return { probes, log };
}

const calls = async (log: string): Promise<string[]> => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean);
const byId = (probes: Probe[], id: string): Probe => {
  const p = probes.find((x) => x.info.id === id);
  if (!p) throw new Error(`no probe ${id} in ${probes.map((x) => x.info.id).join(', ')}`);
  return p;
};

describe('npu-smi parsers', () => {
  it('reads the 910B table: two lines per chip, used/total pairs, and no rows from the process table', async () => {
    const t = parseNpuSmiInfo(await fixture('info-910b.txt'));
    expect(t?.version).toBe('24.1.0.3');
    expect(t?.layout).toBe('910b');
    expect(t?.chips.map((c) => [c.npuId, c.chipId, c.name, c.health, c.busId, c.powerW, c.aicorePct])).toEqual([
      [0, 0, '910B3', 'OK', '0000:C1:00.0', 94.7, 0],
      [1, 0, '910B3', 'Warning', '0000:C2:00.0', 270, 87],
    ]);
  });

  it('reads the Atlas A3 layout with Phy-ID and the second chip of each NPU showing "-"', async () => {
    const t = parseNpuSmiInfo(await fixture('info-a3.txt'));
    expect(t?.layout).toBe('a3');
    expect(t?.chips.map((c) => [c.npuId, c.chipId, c.chipSecondId, c.powerW, c.powerText, c.aicorePct])).toEqual([
      [0, 0, 0, 163.6, '163.6', 0],
      [0, 1, 1, null, '-', 0],
      [1, 0, 2, 164.5, '164.5', 12],
      [1, 1, 3, null, '-', 5],
    ]);
  });

  it('reads the 310/310P layout (Chip Device, no HBM), a numeric chip name, NA power and ids not starting at 0', async () => {
    const p = parseNpuSmiInfo(await fixture('info-310p.txt'));
    expect(p?.layout).toBe('310');
    expect(p?.chips.map((c) => [c.npuId, c.chipId, c.chipSecondId, c.powerW, c.aicorePct])).toEqual([
      [0, 0, 0, 15.8, 0],
      [1, 0, 1, 16.1, 3],
    ]);
    const old = parseNpuSmiInfo(await fixture('info-310.txt'));
    expect(old?.chips.map((c) => [c.npuId, c.name, c.powerW])).toEqual([[0, '310', 12.8]]);
    const na = parseNpuSmiInfo(await fixture('info-na.txt'));
    expect(na?.chips.map((c) => [c.npuId, c.powerW, c.powerText, c.aicorePct])).toEqual([
      [6, null, 'NA', null],
    ]);
  });

  it('returns null or skips values on garbage, truncation, huge and negative numbers', async () => {
    expect(parseNpuSmiInfo('')).toBeNull();
    expect(parseNpuSmiInfo('\u0000\uffff| 0 | 1 |\n+--\n| x |')).toBeNull();
    expect(parseNpuSmiInfo(undefined as unknown as string)).toBeNull();
    const full = await fixture('info-910b.txt');
    // Cut inside the second chip: the first chip is still read, the half chip is not.
    const truncated = full.split('\n').slice(0, 10).join('\n');
    expect(parseNpuSmiInfo(truncated)?.chips.map((c) => c.npuId)).toEqual([0]);
    const odd = full.replace('94.7', '99999999999999999999').replace('270.0', '-5.0').replace('| 87 ', '| NaN');
    expect(parseNpuSmiInfo(odd)?.chips.map((c) => [c.powerW, c.aicorePct])).toEqual([
      [null, 0],
      [null, null],
    ]);
    expect(parseNpuPower('\u0001\u0002garbage::: : :')).toEqual([]);
    expect(parseNpuPower('Power(W) : 1e309')).toEqual([{ chipId: null, key: 'Power(W)', text: '1e309', value: null }]);
    expect(parseNpuAicore('Aicore Usage Rate(%) : 140')[0]?.value).toBeNull();
  });

  it('reads -t power keys that vary by chip, refuses a rated figure, and splits chips', async () => {
    expect(parseNpuPower(await fixture('power-910b.txt'))).toEqual([{ chipId: null, key: 'NPU Real-time Power(W)', text: '91.8', value: 91.8 }]);
    expect(parseNpuPower(await fixture('power-310p.txt'))[0]?.value).toBe(14.2);
    expect(parseNpuPower(await fixture('power-na.txt'))[0]?.value).toBeNull();
    expect(parseNpuPower(await fixture('power-310-rated.txt'))).toEqual([]);
    expect(parseNpuPower(await fixture('power-a3-chips.txt')).map((v) => [v.chipId, v.value])).toEqual([
      [0, 163.6],
      [1, null],
    ]);
  });

  it('reads Aicore Usage Rate(%) from -t usages, per chip, whether Chip ID heads or closes a block', async () => {
    expect(parseNpuAicore(await fixture('usages-910b.txt'))).toEqual([{ chipId: null, key: 'Aicore Usage Rate(%)', text: '42', value: 42 }]);
    expect(parseNpuAicore(await fixture('usages-a3.txt')).map((v) => [v.chipId, v.value])).toEqual([
      [0, 12],
      [1, 5],
    ]);
    const trailing = parseNpuKeyValues('\tAicore Usage Rate(%) : 3\n\tChip ID : 0\n\tAicore Usage Rate(%) : 9\n\tChip ID : 1\n');
    expect(trailing.map((b) => [b.chipId, b.entries])).toEqual([
      [0, [['Aicore Usage Rate(%)', '3']]],
      [1, [['Aicore Usage Rate(%)', '9']]],
    ]);
    expect(parseNpuKeyValues('\tPCIe Bus Info : 0000:01:00.0\n')[0]?.entries).toEqual([['PCIe Bus Info', '0000:01:00.0']]);
  });
});

describe('probeNpu', () => {
  it('finds one gauge and one AI Core utilization per 910B card and polls only `npu-smi info`', async () => {
    const { probes, log } = await probeWith({ FAKE_NPU_SMI_MODE: '910b' });
    expect(probes.map((p) => [p.info.id, p.info.kind, p.info.scope, p.state])).toEqual([
      ['npu:0', 'gauge', 'npu', 'ok'],
      ['npu:0:aicore', 'utilization', 'npu', 'ok'],
      ['npu:1', 'gauge', 'npu', 'ok'],
      ['npu:1:aicore', 'utilization', 'npu', 'ok'],
    ]);
    expect(byId(probes, 'npu:1').reason).toMatch(/health Warning/);
    expect(byId(probes, 'npu:0').info.description).toMatch(/910B3 NPU 0 power: W, real-time.*npu-smi info.*24\.1\.0\.3.*every 1 s/);
    expect(byId(probes, 'npu:0').info.minIntervalS).toBe(1);

    const gauge = byId(probes, 'npu:1').source;
    const util = byId(probes, 'npu:1:aicore').source;
    expect(await gauge?.read()).toMatchObject({ ok: false, reason: expect.stringMatching(/not started/) });
    await Promise.all([gauge?.start?.(), util?.start?.()]);
    expect(await gauge?.read()).toMatchObject({ ok: true, value: 270 });
    expect(await util?.read()).toMatchObject({ ok: true, value: 87 });
    // One call to probe and one shared first poll for both sources: no per-chip `-t power`.
    expect(await calls(log)).toEqual(['info', 'info']);
    await gauge?.close?.();
    await gauge?.close?.();
    expect(await util?.read()).toMatchObject({ ok: true, value: 87 });
    await util?.close?.();
    expect(await util?.read()).toMatchObject({ ok: false });
  });

  it('counts each Atlas A3 module once: the chip showing "-" is absent and named in the module gauge', async () => {
    const { probes } = await probeWith({ FAKE_NPU_SMI_MODE: 'a3' });
    expect(probes.filter((p) => p.info.kind === 'gauge').map((p) => [p.info.id, p.state])).toEqual([
      ['npu:0:0', 'ok'],
      ['npu:0:1', 'absent'],
      ['npu:1:0', 'ok'],
      ['npu:1:1', 'absent'],
    ]);
    expect(byId(probes, 'npu:0:1').reason).toMatch(/"-".*counted in npu:0:0/);
    expect(byId(probes, 'npu:0:0').info.description).toMatch(/whole module \(chips 0 and 1\)/);
    expect(byId(probes, 'npu:0:0').reason).toBe('chip 1 shows no power of its own and is counted here');
    expect(byId(probes, 'npu:1:1:aicore').state).toBe('ok');
    const usable = probes.filter((p) => p.state === 'ok').map((p) => p.info);
    expect(totalRule(usable).ids).toEqual(['npu:0:0', 'npu:1:0']);
    await byId(probes, 'npu:1:1:aicore').source?.start?.();
    expect(await byId(probes, 'npu:1:1:aicore').source?.read()).toMatchObject({ ok: true, value: 5 });
  });

  it('falls back to -t power and -t usages for a card whose table shows NA, and polls only those', async () => {
    const { probes, log } = await probeWith({ FAKE_NPU_SMI_MODE: 'na', FAKE_NPU_SMI_POWER: '310p' });
    expect(probes.map((p) => [p.info.id, p.state])).toEqual([
      ['npu:6', 'ok'],
      ['npu:6:aicore', 'ok'],
    ]);
    expect(byId(probes, 'npu:6').info.description).toMatch(/Power Dissipation\(W\).*-t power -i 6/);
    const before = (await calls(log)).length;
    await byId(probes, 'npu:6').source?.start?.();
    expect(await byId(probes, 'npu:6').source?.read()).toMatchObject({ ok: true, value: 14.2 });
    expect(await byId(probes, 'npu:6:aicore').source?.read()).toMatchObject({ ok: false, reason: expect.stringMatching(/not started/) });
    // The table has nothing these sources need, so the cycle skips `npu-smi info`.
    expect((await calls(log)).slice(before)).toEqual(['info -t power -i 6', 'info -t usages -i 6']);
  });

  it('marks a card unusable, never 0, when both the table and -t power say NA', async () => {
    const { probes } = await probeWith({ FAKE_NPU_SMI_MODE: 'na', FAKE_NPU_SMI_POWER: 'na', FAKE_NPU_SMI_USAGES: 'fail' });
    const p = byId(probes, 'npu:6');
    expect(p.state).toBe('error');
    expect(p.source).toBeUndefined();
    expect(p.reason).toMatch(/NPU 6 reports no power: Power\(W\) is "NA".*"NA"/);
    expect(byId(probes, 'npu:6:aicore').reason).toMatch(/does not support querying usages/);
  });

  it('asks a multi-chip card once when its table shows NA and counts the module on the chip that reports it', async () => {
    const { probes } = await probeWith({ FAKE_NPU_SMI_MODE: 'a3-na', FAKE_NPU_SMI_POWER: 'a3-chips' });
    expect(probes.filter((p) => p.info.kind === 'gauge').map((p) => [p.info.id, p.state])).toEqual([
      ['npu:2:0', 'ok'],
      ['npu:2:1', 'absent'],
    ]);
    expect(byId(probes, 'npu:2:1').reason).toMatch(/"NA".*counted in npu:2:0/);
    await byId(probes, 'npu:2:0').source?.start?.();
    expect(await byId(probes, 'npu:2:0').source?.read()).toMatchObject({ ok: true, value: 163.6 });
  });

  it('reads the 310P layout from the table', async () => {
    const { probes } = await probeWith({ FAKE_NPU_SMI_MODE: '310p' });
    expect(probes.filter((p) => p.state === 'ok').map((p) => p.info.id)).toEqual(['npu:0', 'npu:0:aicore', 'npu:1', 'npu:1:aicore']);
    expect(byId(probes, 'npu:1').info.description).toMatch(/Ascend 310P3 NPU 1/);
  });

  it('reports absent, error, permission, timeout and garbage as one probe with a reason', async () => {
    const [absent, error, permission, hang, garbage] = await Promise.all([
      probeWith({}, false).then((r) => r.probes),
      probeWith({ FAKE_NPU_SMI_MODE: 'error' }).then((r) => r.probes),
      probeWith({ FAKE_NPU_SMI_MODE: 'permission' }).then((r) => r.probes),
      probeWith({ FAKE_NPU_SMI_MODE: 'hang' }, true, 300).then((r) => r.probes),
      probeWith({ FAKE_NPU_SMI_MODE: 'garbage' }).then((r) => r.probes),
    ]);
    expect(absent).toMatchObject([{ info: { id: 'npu' }, state: 'absent', reason: expect.stringMatching(/npu-smi not found on PATH/) }]);
    expect(error).toMatchObject([{ state: 'error', reason: expect.stringMatching(/exit 255.*dcmi module initialize failed/) }]);
    expect(permission).toMatchObject([{ state: 'permission', fix: NPU_PERMISSION_FIX, reason: expect.stringMatching(/Permission denied/) }]);
    expect(NPU_PERMISSION_FIX).toMatch(/usermod -aG HwHiAiUser/);
    expect(hang).toMatchObject([{ state: 'error', reason: expect.stringMatching(/no answer within 300 ms/) }]);
    expect(garbage).toMatchObject([{ state: 'error', reason: expect.stringMatching(/printed no NPU table/) }]);
    expect(garbage[0]?.reason).not.toMatch(/[\u0000-\u001f\ufffd]/);
  });

  it('gives a reason, not a stale value, once npu-smi stops listing a card while polling', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wb-npu-mode-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const modeFile = join(dir, 'mode');
    const { probes } = await probeWith({ FAKE_NPU_SMI_MODE: '910b', FAKE_NPU_SMI_MODE_FILE: modeFile });
    const gauge = byId(probes, 'npu:0').source;
    await gauge?.start?.();
    expect(await gauge?.read()).toMatchObject({ ok: true, value: 94.7 });
    await writeFile(modeFile, 'na');
    // The next poll sees the chip gone: wait for it (no time is asserted).
    await expect.poll(() => gauge?.read(), { timeout: 10_000 }).toMatchObject({ ok: false, reason: expect.stringMatching(/no longer lists NPU 0 chip 0/) });
  });
});
