import { describe, expect, it } from 'vitest';
import { windowWarnings } from '../../src/runner/warnings.js';
import type { Measurement } from '../../src/sampler/window.js';
import { readOnBattery } from '../../src/sources/system/power-supply.js';
import { sourceContext } from '../../src/sources/discover.js';
import { seamReader, sysfs } from '../helpers/fake-files.js';

const m = (over: Partial<Measurement>): Measurement => ({
  startedAt: '',
  durationS: 1,
  energyJ: 1,
  powerW: 1,
  quality: 'measured',
  source: 'x',
  cpuUtilPct: 50,
  stealPct: 0,
  processCpuS: null,
  freqMhz: null,
  tempC: null,
  sources: [],
  warnings: [],
  ...over,
});

describe('window warnings', () => {
  it('says nothing when our threads explain the load', () => {
    expect(windowWarnings(m({ cpuUtilPct: 55 }), 1, 2, null)).toEqual([]);
    expect(windowWarnings(m({ cpuUtilPct: 100 }), 2, 2, null)).toEqual([]);
  });
  it('flags other work on the machine, steal, low frequency and heat', () => {
    const w = windowWarnings(m({ cpuUtilPct: 90, stealPct: 12, freqMhz: 2000, tempC: 97 }), 1, 2, 3000);
    expect(w.join('\n')).toMatch(/busy with other work: 90% CPU used, ~50% expected from 1 thread/);
    expect(w.join('\n')).toMatch(/hypervisor stole 12\.0%/);
    expect(w.join('\n')).toMatch(/2000 MHz, 33% below the 3000 MHz seen earlier/);
    expect(w.join('\n')).toMatch(/97 °C/);
  });
});

describe('battery state', () => {
  it('is on battery when the mains supply is offline', async () => {
    expect(await readOnBattery(sourceContext({ sysfs: sysfs('intel-laptop') }))).toBe(true);
  });
  it('is on mains when the supply is online, and unknown without supplies', async () => {
    const files = seamReader({ text: (p) => (p.endsWith('AC/online') ? '1\n' : null) });
    expect(await readOnBattery(sourceContext({ sysfs: sysfs('intel-laptop'), files }))).toBe(false);
    expect(await readOnBattery(sourceContext({ sysfs: sysfs('vm') }))).toBeNull();
  });
});
