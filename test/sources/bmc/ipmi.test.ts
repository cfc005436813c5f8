import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sourceContext } from '../../../src/sources/discover.js';
import { IPMI_DRIVER_FIX, IPMI_PERMISSION_FIX, parseDcmiPowerReading, probeIpmi, type IpmiOptions } from '../../../src/sources/bmc/ipmi.js';
import type { Probe } from '../../../src/sources/types.js';
import { FIXTURES } from '../../helpers/fake-files.js';
import { fakeTools } from '../../helpers/fake-tools.js';

const fixture = (name: string): Promise<string> => readFile(`${FIXTURES}ipmi/${name}`, 'utf8');
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function probeWith(env: Record<string, string>, options: IpmiOptions = {}, withTool = true): Promise<{ probes: Probe[]; log: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'wb-ipmi-'));
  const log = join(dir, 'calls.log');
  const tools = await fakeTools(withTool ? ['ipmitool'] : [], { FAKE_IPMITOOL_LOG: log, ...env });
  cleanups.push(tools.cleanup, () => rm(dir, { recursive: true, force: true }));
  const probes = await probeIpmi(sourceContext({ env: tools.env }), options);
  cleanups.push(async () => {
    await Promise.all(probes.map((p) => p.source?.close?.()));
  });
  return { probes, log };
}

describe('ipmitool dcmi power reading parser', () => {
  it('reads the padded lines of a normal answer', async () => {
    expect(parseDcmiPowerReading(await fixture('normal.txt'))).toEqual({
      powerW: 215,
      minW: 162,
      maxW: 276,
      averageW: 176,
      timestamp: 'Wed Feb 15 12:49:51 2017',
      samplingPeriodS: 1131466,
      state: 'activated',
      deactivated: false,
    });
  });

  it('reads the Supermicro variant with the sampling period on the timestamp line', async () => {
    const r = parseDcmiPowerReading(await fixture('supermicro.txt'));
    expect(r).toMatchObject({ powerW: 98, averageW: 101, timestamp: '10/12/23 13:29:17 CEST', samplingPeriodS: 65530, deactivated: false });
  });

  it('recognises the deactivated answer, also when only zeros and 1970 give it away', async () => {
    const text = await fixture('deactivated.txt');
    expect(parseDcmiPowerReading(text)).toMatchObject({ powerW: 0, timestamp: 'Thu Jan  1 00:00:00 1970', state: 'deactivated', deactivated: true });
    const noState = text.replace(/.*Power reading state.*\n/, '');
    expect(parseDcmiPowerReading(noState)).toMatchObject({ state: null, deactivated: true });
  });

  it('returns null or null fields for garbage, truncation, negatives and huge numbers', async () => {
    expect(parseDcmiPowerReading('')).toBeNull();
    expect(parseDcmiPowerReading('\u00ff\u0000\u001b[2J\nInst')).toBeNull();
    expect(parseDcmiPowerReading(42 as unknown as string)).toBeNull();
    expect(parseDcmiPowerReading('Instantaneous power reading: -12 Watts')?.powerW).toBeNull();
    expect(parseDcmiPowerReading('Instantaneous power reading: 1e400 Watts')?.powerW).toBeNull();
    expect(parseDcmiPowerReading('Instantaneous power reading: 99999999999 Watts')?.powerW).toBeNull();
    const truncated = (await fixture('normal.txt')).split('\n').slice(0, 3).join('\n');
    expect(parseDcmiPowerReading(truncated)).toMatchObject({ powerW: 215, averageW: null, timestamp: null, deactivated: false });
  });
});

describe('probeIpmi', () => {
  it('polls the local BMC as a system-wall gauge', async () => {
    const { probes, log } = await probeWith({ FAKE_IPMITOOL_MODE: 'supermicro' });
    expect(probes).toHaveLength(1);
    const p = probes[0] as Probe;
    expect(p.info).toMatchObject({ id: 'ipmi:dcmi', kind: 'gauge', scope: 'system-wall', quality: 'measured', updatePeriodS: 1 });
    expect(p.info.description).toMatch(/instantaneous.*ipmitool dcmi power reading.*\/dev\/ipmi0/);
    expect(p.state).toBe('ok');
    expect(await p.source?.read()).toMatchObject({ ok: false, reason: expect.stringMatching(/not started/) });
    await Promise.all([p.source?.start?.(), p.source?.start?.()]);
    expect(await p.source?.read()).toMatchObject({ ok: true, value: 98 });
    expect((await readFile(log, 'utf8')).trim().split('\n')).toEqual(['dcmi power reading', 'dcmi power reading']);
    await p.source?.close?.();
    await p.source?.close?.();
    expect(await p.source?.read()).toMatchObject({ ok: false });
  });

  it('refuses the deactivated answer with its reason', async () => {
    const [p] = (await probeWith({ FAKE_IPMITOOL_MODE: 'deactivated' })).probes;
    expect(p).toMatchObject({ state: 'error', reason: expect.stringMatching(/^DCMI power reading is deactivated.*1970/) });
    expect(p?.source).toBeUndefined();
  });

  it('maps permission, missing device, unsupported DCMI, missing tool, hang and garbage to states', async () => {
    const [permission, nodevice, invalid, absent, hang, garbage] = await Promise.all([
      probeWith({ FAKE_IPMITOOL_MODE: 'permission' }),
      probeWith({ FAKE_IPMITOOL_MODE: 'nodevice' }),
      probeWith({ FAKE_IPMITOOL_MODE: 'invalid' }),
      probeWith({}, {}, false),
      probeWith({ FAKE_IPMITOOL_MODE: 'hang' }, { timeoutMs: 300 }),
      probeWith({ FAKE_IPMITOOL_MODE: 'garbage' }),
    ]).then((all) => all.map((r) => r.probes[0]));
    expect(permission).toMatchObject({ state: 'permission', fix: IPMI_PERMISSION_FIX, reason: expect.stringMatching(/Permission denied/) });
    expect(IPMI_PERMISSION_FIX).toContain('KERNEL=="ipmi*", GROUP="ipmi", MODE="0660"');
    expect(nodevice).toMatchObject({ state: 'absent', fix: IPMI_DRIVER_FIX, reason: expect.stringMatching(/No such file/) });
    expect(invalid).toMatchObject({ state: 'error', reason: expect.stringMatching(/does not answer DCMI.*Invalid command \(c1\)/) });
    expect(absent).toMatchObject({ state: 'absent', reason: expect.stringMatching(/ipmitool not found on PATH/) });
    expect(hang).toMatchObject({ state: 'error', reason: expect.stringMatching(/no answer within 300 ms/) });
    expect(garbage).toMatchObject({ state: 'error', reason: expect.stringMatching(/printed no power reading/) });
    expect(garbage?.reason).not.toMatch(/[\u0000-\u001f\ufffd]/);
  });

  it('asks a remote BMC with the password in the environment, never on the command line', async () => {
    const env = { WATTBENCH_IPMI_USER: 'monitor', WATTBENCH_IPMI_PASSWORD: 's3cret-pw', FAKE_IPMITOOL_PASSWORD: 's3cret-pw' };
    const { probes, log } = await probeWith(env, { host: '10.0.0.9' });
    expect(probes[0]).toMatchObject({ info: { id: 'ipmi:dcmi:10.0.0.9' }, state: 'ok' });
    const argv = await readFile(log, 'utf8');
    expect(argv).toContain('-I lanplus -H 10.0.0.9 -U monitor -E dcmi power reading');
    expect(argv).not.toContain('s3cret-pw');

    const wrong = (await probeWith({ ...env, FAKE_IPMITOOL_PASSWORD: 'other' }, { host: '10.0.0.9' })).probes[0];
    expect(wrong).toMatchObject({ state: 'error', reason: expect.stringMatching(/Unable to establish IPMI v2/) });
    expect(JSON.stringify(wrong)).not.toContain('s3cret-pw');
  });
});
