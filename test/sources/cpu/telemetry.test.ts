import { describe, expect, it } from 'vitest';
import { probeCpufreq, readGovernor } from '../../../src/sources/cpu/cpufreq.js';
import { probeThermal } from '../../../src/sources/cpu/thermal.js';
import { sourceContext } from '../../../src/sources/discover.js';
import { sysfs } from '../../helpers/fake-files.js';

describe('cpufreq and thermal', () => {
  it('averages scaling_cur_freq over CPUs in MHz', async () => {
    const probe = await probeCpufreq(sourceContext({ sysfs: sysfs('intel-laptop') }));
    expect(probe.state).toBe('ok');
    expect(await probe.source?.read()).toEqual({ ok: true, value: 2700 });
    expect(await readGovernor(sourceContext({ sysfs: sysfs('intel-laptop') }))).toBe('powersave');
  });

  it('is absent on a VM without cpufreq', async () => {
    const probe = await probeCpufreq(sourceContext({ sysfs: sysfs('vm') }));
    expect(probe.state).toBe('absent');
    expect(probe.reason).toMatch(/no readable cpufreq/);
    expect(await readGovernor(sourceContext({ sysfs: sysfs('vm') }))).toBeNull();
  });

  it('reports the hottest readable zone in °C and skips an unreadable one', async () => {
    const probe = await probeThermal(sourceContext({ sysfs: sysfs('intel-laptop') }));
    expect(probe.state).toBe('ok');
    expect(probe.info.description).toMatch(/x86_pkg_temp, acpitz/);
    expect(await probe.source?.read()).toEqual({ ok: true, value: 52 });
  });

  it('is absent without thermal zones', async () => {
    const probe = await probeThermal(sourceContext({ sysfs: sysfs('vm') }));
    expect(probe.state).toBe('absent');
  });
});
