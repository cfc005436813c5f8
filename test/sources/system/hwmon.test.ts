import { afterEach, describe, expect, it } from 'vitest';
import { sourceContext } from '../../../src/sources/discover.js';
import { hwmonChannels, hwmonScope, parseSysfsNumber, probeHwmon, UNCOUNTED_SCOPE } from '../../../src/sources/system/hwmon.js';
import { fidelityOf, type Probe } from '../../../src/sources/types.js';
import { totalRule } from '../../../src/sampler/total.js';
import { FIXTURES, seamReader } from '../../helpers/fake-files.js';

const tree = (name: string): string => `${FIXTURES}sysfs-hwmon/${name}`;

const opened: Array<ReturnType<typeof sourceContext>> = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.files.close?.()));
});
const track = (ctx: ReturnType<typeof sourceContext>): ReturnType<typeof sourceContext> => (opened.push(ctx), ctx);

async function probe(name: string, files?: ReturnType<typeof seamReader>): Promise<Map<string, Probe>> {
  const ctx = sourceContext({ sysfs: tree(name), ...(files ? { files } : {}) });
  opened.push(ctx);
  const probes = await probeHwmon(ctx);
  return new Map(probes.map((p) => [p.info.id, p]));
}

async function value(p: Probe | undefined): Promise<unknown> {
  return p?.source?.read();
}

describe('hwmon parsing', () => {
  it('groups attribute files into channels and ignores everything else', () => {
    const ch = hwmonChannels(['name', 'power1_average', 'power1_average_interval', 'power1_label', 'in1_input', 'curr1_input', 'uevent', 'power2_', 'energyX_input']);
    expect(ch.map((c) => `${c.type}${c.index}:${[...c.attrs].sort().join(',')}`)).toEqual([
      'curr1:input',
      'in1:input',
      'power1:average,average_interval,label',
    ]);
  });

  it('parses sysfs numbers and refuses garbage, NaN and huge values', () => {
    expect(parseSysfsNumber('176000\n')).toBe(176000);
    expect(parseSysfsNumber('-40')).toBe(-40);
    for (const bad of ['', 'NaN', '1e999', '12abc', '\u0000\u00ff', '99999999999999999999999']) expect(parseSysfsNumber(bad)).toBeNull();
  });

  it('keeps rails of unknown coverage out of totals', () => {
    expect(hwmonScope('ina226', 'power', null).scope).toBe(UNCOUNTED_SCOPE);
    expect(hwmonScope('ina3221', 'vi', 'VDD_IN').scope).toBe('psys');
    expect(hwmonScope('ina3221', 'vi', 'VDD_SOC').scope).toBe(UNCOUNTED_SCOPE);
    expect(hwmonScope('amd_energy', 'energy', 'Esocket1').scope).toBe('cpu-package');
    expect(hwmonScope('amd_energy', 'energy', 'Ecore017').scope).toBe('cpu-core');
    expect(hwmonScope('power_meter', 'power', null).scope).toBe(UNCOUNTED_SCOPE);
    expect(totalRule([{ id: 'x', kind: 'gauge', scope: UNCOUNTED_SCOPE, quality: 'measured', description: '' }]).ids).toEqual([]);
  });
});

describe('hwmon probing', () => {
  it('reads an INA226 power1_input in watts and computes INA219 power from in1 × curr1', async () => {
    const p = await probe('ina226');
    expect([...p.keys()].sort()).toEqual(['hwmon:ina219:power1', 'hwmon:ina226:power1']);
    const ina226 = p.get('hwmon:ina226:power1');
    expect(ina226?.state).toBe('ok');
    expect(ina226?.info).toMatchObject({ kind: 'gauge', scope: UNCOUNTED_SCOPE, quality: 'measured', updatePeriodS: 0.035 });
    expect(ina226?.info.description).toMatch(/power1_input, µW, instantaneous/);
    expect(await value(ina226)).toEqual({ ok: true, value: 0.176 });
    const ina219 = await value(p.get('hwmon:ina219:power1'));
    expect(ina219).toMatchObject({ ok: true });
    expect((ina219 as { value: number }).value).toBeCloseTo(6, 9);
  });

  it('turns Jetson INA3221 rails into V×I gauges, VDD_IN as the module total, NC rails skipped, the second chip told apart', async () => {
    const p = await probe('ina3221-jetson');
    expect([...p.keys()].sort()).toEqual([
      'hwmon:ina3221:VDD_CPU_GPU_CV',
      'hwmon:ina3221:VDD_IN',
      'hwmon:ina3221:VDD_SOC',
      'hwmon:ina3221@41:VDDQ_VDD2_1V8AO',
    ]);
    const vin = p.get('hwmon:ina3221:VDD_IN');
    expect(vin?.info).toMatchObject({ kind: 'gauge', scope: 'psys', updatePeriodS: 1.1 });
    expect(((await value(vin)) as { value: number }).value).toBeCloseTo(5.08 * 1.004, 9);
    expect(p.get('hwmon:ina3221:VDD_SOC')?.info.scope).toBe(UNCOUNTED_SCOPE);
    expect(((await value(p.get('hwmon:ina3221:VDD_SOC'))) as { value: number }).value).toBeCloseTo(5.072 * 0.56, 9);
    const rule = totalRule([...p.values()].map((x) => x.info));
    expect(rule.ids).toEqual(['hwmon:ina3221:VDD_IN']);
  });

  it('gives powerN_average fidelity averaged over powerN_average_interval, and powerN_input instant', async () => {
    const meter = (await probe('acpi-power-meter')).get('hwmon:power_meter:power1');
    expect(meter?.info).toMatchObject({ kind: 'gauge', fidelity: 'averaged', averagingS: 1, updatePeriodS: 1 });
    const ina226 = (await probe('ina226')).get('hwmon:ina226:power1');
    expect(ina226?.info.fidelity).toBeUndefined();
    expect(fidelityOf(ina226!.info)).toBe('instant');
  });

  it('uses the magnitude of a negative INA current', async () => {
    const files = seamReader({ text: (path) => (path.endsWith('hwmon1/curr1_input') ? '-1004\n' : null) });
    const p = await probe('ina3221-jetson', files);
    expect(((await value(p.get('hwmon:ina3221:VDD_IN'))) as { value: number }).value).toBeCloseTo(5.08 * 1.004, 9);
  });

  it('marks amd_energy Esocket as the mirror of the readable RAPL package, Ecore as core, zenpower rails and xe pkg out of totals', async () => {
    const p = await probe('amd-server');
    const socket = p.get('hwmon:amd_energy:Esocket0');
    expect(socket?.info).toMatchObject({ kind: 'counter', scope: 'cpu-package', duplicateOf: 'rapl:package-0', joulesPerUnit: 1e-6, maxRange: null });
    expect(socket?.reason).toMatch(/same socket counter as rapl:package-0/);
    expect(await value(socket)).toEqual({ ok: true, value: 987654321012 });
    expect(p.get('hwmon:amd_energy:Ecore000')?.info.scope).toBe('cpu-core');
    expect(p.get('hwmon:amd_energy:Ecore001')?.info.scope).toBe('cpu-core');
    expect(p.get('hwmon:zenpower:SVI2_P_Core')?.info.scope).toBe('cpu-core');
    expect(p.get('hwmon:zenpower:SVI2_P_SoC')?.info.scope).toBe('cpu-uncore');
    expect(await value(p.get('hwmon:zenpower:SVI2_P_Core'))).toEqual({ ok: true, value: 45 });
    expect(p.get('hwmon:xe:card')?.info).toMatchObject({ kind: 'counter', scope: 'gpu' });
    expect(p.get('hwmon:xe:pkg')?.info.scope).toBe(UNCOUNTED_SCOPE);
    expect(p.get('hwmon:xe:pkg')?.reason).toMatch(/inside card/);
    const rule = totalRule([...p.values()].map((x) => x.info));
    expect(rule.ids).toEqual(['hwmon:xe:card']);
  });

  it('keeps amd_energy Esocket as the package when RAPL cannot be read', async () => {
    const files = seamReader({ fail: (path) => (path.includes('powercap') && path.endsWith('energy_uj') ? 'EACCES' : null) });
    const socket = (await probe('amd-server', files)).get('hwmon:amd_energy:Esocket0');
    expect(socket?.info.duplicateOf).toBeUndefined();
    expect(socket?.info.scope).toBe('cpu-package');
  });

  it('gives the permission state and a udev fix for root-only amd_energy files', async () => {
    const files = seamReader({ fail: (path) => (/hwmon0\/energy\d+_input$/.test(path) ? 'EACCES' : null) });
    const socket = (await probe('amd-server', files)).get('hwmon:amd_energy:Esocket0');
    expect(socket?.state).toBe('permission');
    expect(socket?.source).toBeUndefined();
    expect(socket?.reason).toMatch(/^EACCES reading .*energy3_input/);
    expect(socket?.fix).toMatch(/udev.*amd_energy.*chmod g\+r/);
  });

  it('skips amdgpu (probed by amd-gpu.ts) and says absent when nothing measures power', async () => {
    for (const name of ['amdgpu-avg', 'desktop']) {
      const probes = await probeHwmon(track(sourceContext({ sysfs: tree(name) })));
      expect(probes).toHaveLength(1);
      expect(probes[0]?.state).toBe('absent');
      expect(probes[0]?.reason).toMatch(/no hwmon power/);
    }
  });

  it('says absent without a hwmon class folder', async () => {
    const probes = await probeHwmon(track(sourceContext({ sysfs: `${FIXTURES}sysfs/vm` })));
    expect(probes).toHaveLength(1);
    expect(probes[0]?.state).toBe('absent');
    expect(probes[0]?.source).toBeUndefined();
    expect(probes[0]?.reason).toMatch(/class\/hwmon/);
  });

  it('answers a failed or garbage read with a reason, never 0', async () => {
    let text: string | null = null;
    let fail: string | null = null;
    const files = seamReader({ text: (path) => (path.endsWith('hwmon0/power1_input') ? text : null), fail: (path) => (path.endsWith('hwmon0/power1_input') ? fail : null) });
    const src = (await probe('ina226', files)).get('hwmon:ina226:power1')?.source;
    text = 'garbage\u0000';
    expect(await src?.read()).toMatchObject({ ok: false, reason: expect.stringMatching(/not a number/) });
    text = '-5';
    expect(await src?.read()).toMatchObject({ ok: false, reason: expect.stringMatching(/negative power/) });
    text = null;
    fail = 'ENODATA';
    expect(await src?.read()).toMatchObject({ ok: false, reason: expect.stringMatching(/^ENODATA reading/) });
  });
});
