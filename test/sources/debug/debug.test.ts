import { describe, expect, it } from 'vitest';
import { Session } from '../../../src/runner/session.js';
import { DEBUG_SOURCE_ID, parsePowerScript, probeDebug, scriptEnergyJ } from '../../../src/sources/debug/debug.js';
import { discoverSources, sourceContext } from '../../../src/sources/discover.js';
import { procfs, sysfs } from '../../helpers/fake-files.js';
import { ManualClock } from '../../helpers/manual-clock.js';

const vm = { sysfs: sysfs('vm'), procfs: procfs('basic') };

describe('power scripts', () => {
  it('reads a constant and a list of steps', () => {
    expect(parsePowerScript('20')).toEqual({ ok: true, steps: [{ powerW: 20, atS: 0 }] });
    expect(parsePowerScript('10@0, 30@2,0@2.5')).toEqual({
      ok: true,
      steps: [
        { powerW: 10, atS: 0 },
        { powerW: 30, atS: 2 },
        { powerW: 0, atS: 2.5 },
      ],
    });
  });

  it('says which step is wrong', () => {
    expect(parsePowerScript('')).toMatchObject({ ok: false, reason: expect.stringMatching(/"" is not watts/) });
    expect(parsePowerScript('-1')).toMatchObject({ ok: false, reason: expect.stringMatching(/"-1" is not watts >= 0/) });
    expect(parsePowerScript('abc@0')).toMatchObject({ ok: false });
    expect(parsePowerScript('10@0,20')).toMatchObject({ ok: false, reason: expect.stringMatching(/"20" needs a start/) });
    expect(parsePowerScript('10@1')).toMatchObject({ ok: false, reason: expect.stringMatching(/first step must start at 0 s/) });
    expect(parsePowerScript('10@0,20@3,5@3')).toMatchObject({ ok: false, reason: expect.stringMatching(/step 3 starts at 3 s, not after/) });
    expect(parsePowerScript('10@0,20@x')).toMatchObject({ ok: false });
  });

  it('integrates the steps exactly', () => {
    const steps = [
      { powerW: 10, atS: 0 },
      { powerW: 30, atS: 2 },
    ];
    expect(scriptEnergyJ(steps, -1)).toBe(0);
    expect(scriptEnergyJ(steps, 0)).toBe(0);
    expect(scriptEnergyJ(steps, 1)).toBe(10);
    expect(scriptEnergyJ(steps, 2)).toBe(20);
    expect(scriptEnergyJ(steps, 3.5)).toBe(20 + 45);
  });
});

describe('the debug source', () => {
  it('is a wall counter labelled as debug, reading the injected clock', async () => {
    const clock = new ManualClock();
    const probe = await probeDebug(sourceContext(vm), { script: '10@0,30@2', clock });
    expect(probe).toMatchObject({ state: 'ok', info: { id: DEBUG_SOURCE_ID, kind: 'counter', scope: 'system-wall', joulesPerUnit: 1 } });
    expect(probe.info.description).toMatch(/^DEBUG, not a measurement: power follows the script 10@0,30@2$/);
    expect(await probe.source!.read()).toEqual({ ok: true, value: 0, atS: 1000 });
    await clock.advance(3000);
    expect(await probe.source!.read()).toEqual({ ok: true, value: 50, atS: 1003 });
  });

  it('is an error with its reason and fix, never a source, for a bad script', async () => {
    const probe = await probeDebug(sourceContext(vm), { script: '5@1' });
    expect(probe.state).toBe('error');
    expect(probe.source).toBeUndefined();
    expect(probe.reason).toMatch(/first step must start at 0 s/);
    expect(probe.fix).toMatch(/W@S/);
  });

  it('is discovered only when asked for, and then puts the estimate aside', async () => {
    const without = await discoverSources({ ...vm, estimate: { tdpW: 100 } });
    expect(without.some((p) => p.info.id === DEBUG_SOURCE_ID)).toBe(false);
    const probes = await discoverSources({ ...vm, estimate: { tdpW: 100 }, debug: { script: '20' } });
    expect(probes.find((p) => p.info.id === DEBUG_SOURCE_ID)?.state).toBe('ok');
    expect(probes.find((p) => p.info.id === 'estimate:cpu')?.reason).toMatch(/^not used: measured sources are available/);
  });

  it('gives a session window the script energy exactly, labelled as scripted', async () => {
    const clock = new ManualClock();
    const session = await Session.open({ ...vm, clock, debug: { script: '10@0,30@2' }, intervalMs: 100 });
    try {
      expect(session.meter.rule.ids).toEqual([DEBUG_SOURCE_ID]);
      await clock.advance(1000);
      const open = await session.meter.open();
      await clock.advance(2000);
      const m = await session.meter.close(open);
      // 1 s at 10 W, then 1 s at 30 W.
      expect(m.durationS).toBeCloseTo(2, 9);
      expect(m.energyJ).toBeCloseTo(40, 9);
      expect(m.powerW).toBeCloseTo(20, 9);
      expect(m.source).toBe(DEBUG_SOURCE_ID);
      expect(m.quality).toBe('measured');
      expect(m.warnings).toContain(`energy is SCRIPTED by the debug source (${DEBUG_SOURCE_ID}), not measured`);
      const series = m.sources.find((s) => s.id === DEBUG_SOURCE_ID)?.series ?? [];
      expect(series.map(([, w]) => w)).toEqual([...Array<number>(10).fill(10), ...Array<number>(10).fill(30)]);
    } finally {
      await session.close();
    }
  });
});
