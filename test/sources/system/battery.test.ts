import { afterEach, describe, expect, it } from 'vitest';
import { batteryPowerW, probeBattery, statusReason } from '../../../src/sources/system/battery.js';
import { sourceContext } from '../../../src/sources/discover.js';
import type { Probe } from '../../../src/sources/types.js';
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
  const probes = await probeBattery(ctx);
  return new Map(probes.map((p) => [p.info.id, p]));
}

describe('battery parsing', () => {
  it('turns power_now or voltage × current into watts, using magnitudes', () => {
    expect(batteryPowerW({ powerUw: 27758000 })).toBeCloseTo(27.758, 9);
    expect(batteryPowerW({ voltageUv: 12600000, currentUa: 756000 })).toBeCloseTo(9.5256, 9);
    // Linux 6.16+ reports current_now negative while discharging.
    expect(batteryPowerW({ voltageUv: 12600000, currentUa: -756000 })).toBeCloseTo(9.5256, 9);
    expect(batteryPowerW({ powerUw: 0 })).toBeNull();
    expect(batteryPowerW({ powerUw: Number.NaN })).toBeNull();
    expect(batteryPowerW({ voltageUv: 12600000 })).toBeNull();
  });

  it('accepts only Discharging as a measure of the machine', () => {
    expect(statusReason('Discharging')).toBeNull();
    expect(statusReason('Charging')).toMatch(/charging: its power is the charger's, not the machine's/);
    expect(statusReason('Not charging')).toMatch(/not charging/);
    expect(statusReason('Full')).toMatch(/full/);
    expect(statusReason('Unknown')).toMatch(/direction of power is not known/);
  });
});

describe('battery probing', () => {
  it('reads an energy-based battery from power_now and skips a mouse battery', async () => {
    const p = await probe('battery-energy');
    expect([...p.keys()].sort()).toEqual(['battery:BAT0', 'battery:BAT1']);
    const bat0 = p.get('battery:BAT0');
    expect(bat0?.state).toBe('ok');
    expect(bat0?.info).toMatchObject({ kind: 'gauge', scope: 'battery', quality: 'measured', minIntervalS: 1 });
    expect(bat0?.info.description).toMatch(/power_now \(µW\) while discharging, instantaneous/);
    const r = await bat0?.source?.read();
    expect(r?.ok).toBe(true);
    expect((r as { value: number }).value).toBeCloseTo(27.758, 9);
  });

  it('lists an idle second battery as absent with its reason, so it cannot make the total unknown', async () => {
    const bat1 = (await probe('battery-energy')).get('battery:BAT1');
    expect(bat1?.state).toBe('absent');
    expect(bat1?.source).toBeUndefined();
    expect(bat1?.reason).toMatch(/status is "Unknown".*only while running on battery/);
  });

  it('computes a charge-based (Dell) battery from voltage_now × current_now', async () => {
    const bat0 = (await probe('battery-charge')).get('battery:BAT0');
    expect(bat0?.state).toBe('ok');
    expect(bat0?.info.description).toMatch(/voltage_now \(µV\) × .*current_now \(µA\)/);
    expect(((await bat0?.source?.read()) as { value: number }).value).toBeCloseTo(0.756 * 12.6, 9);
  });

  it('treats a battery that is Not charging with power_now 0 as not measuring the machine, never as 0 W', async () => {
    const bat0 = (await probe('battery-not-charging')).get('battery:BAT0');
    expect(bat0?.state).toBe('absent');
    expect(bat0?.source).toBeUndefined();
    expect(bat0?.reason).toMatch(/not charging and not discharging/);
  });

  it('refuses reads once the charger is plugged in, and a zero while discharging', async () => {
    let status = 'Discharging';
    let power = '27758000';
    const files = seamReader({
      text: (path) => (path.endsWith('BAT0/status') ? `${status}\n` : path.endsWith('BAT0/power_now') ? `${power}\n` : null),
    });
    const src = (await probe('battery-energy', files)).get('battery:BAT0')?.source;
    status = 'Charging';
    expect(await src?.read()).toEqual({ ok: false, reason: "battery is charging: its power is the charger's, not the machine's" });
    status = 'Not charging';
    power = '0';
    expect(await src?.read()).toMatchObject({ ok: false, reason: expect.stringMatching(/not charging/) });
    status = 'Discharging';
    expect(await src?.read()).toMatchObject({ ok: false, reason: expect.stringMatching(/no discharge power yet/) });
    power = 'garbage';
    expect(await src?.read()).toMatchObject({ ok: false, reason: expect.stringMatching(/not a number/) });
  });

  it('reports the permission state when the battery cannot be read', async () => {
    const files = seamReader({ fail: (path) => (path.endsWith('BAT0/status') ? 'EACCES' : null) });
    const bat0 = (await probe('battery-charge', files)).get('battery:BAT0');
    expect(bat0?.state).toBe('permission');
    expect(bat0?.reason).toMatch(/^EACCES reading .*BAT0\/status/);
  });

  it('says absent on a desktop and without power_supply', async () => {
    for (const sysfs of [tree('desktop'), `${FIXTURES}sysfs/vm`]) {
      const probes = await probeBattery(track(sourceContext({ sysfs })));
      expect(probes).toHaveLength(1);
      expect(probes[0]?.info.id).toBe('battery');
      expect(probes[0]?.state).toBe('absent');
      expect(probes[0]?.reason).toMatch(/power_supply/);
    }
  });
});
