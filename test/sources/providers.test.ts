import { describe, expect, it } from 'vitest';
import { providerOrder } from '../../src/sources/discover.js';
import { PROVIDERS } from '../../src/sources/providers.js';

describe('the provider registry', () => {
  it('lists every interface once, in the order sources are shown, each with its family', () => {
    expect(PROVIDERS.map((p) => `${p.family}/${p.id}`)).toEqual([
      'cpu/powercap',
      'cpu/perf',
      'platform/powermetrics',
      'platform/windows-emi',
      'cpu/procstat',
      'cpu/children',
      'cpu/cpufreq',
      'cpu/thermal',
      'system/hwmon',
      'system/battery',
      'accelerators/nvidia',
      'accelerators/amd',
      'accelerators/npu',
      'bmc/ipmi',
      'meters/meters',
      'bmc/bmc-meters',
      'debug/debug',
      'estimate/estimate',
    ]);
  });

  it('is a valid order: perf follows powercap, the estimate follows everything, the rest run at once', () => {
    const follows = providerOrder(PROVIDERS);
    expect(follows.get('perf')).toEqual(['powercap']);
    expect(follows.get('estimate')).toEqual(PROVIDERS.slice(0, -1).map((p) => p.id));
    const dependent = [...follows].filter(([, ids]) => ids.length > 0).map(([id]) => id);
    expect(dependent).toEqual(['perf', 'estimate']);
  });
});

describe('the debug provider', () => {
  it('adds the scripted source only when asked for, and the estimate then yields to it', async () => {
    const { discoverSources } = await import('../../src/sources/discover.js');
    const { sysfs, procfs } = await import('../helpers/fake-files.js');
    const base = { sysfs: sysfs('vm'), procfs: procfs('basic'), env: { PATH: '' } };
    const without = await discoverSources(base);
    expect(without.some((p) => p.info.id === 'debug:wall')).toBe(false);
    const withDebug = await discoverSources({ ...base, debug: { script: '20' } });
    const ids = withDebug.map((p) => p.info.id);
    expect(ids.indexOf('debug:wall')).toBe(ids.length - 2);
    expect(withDebug.at(-1)?.reason).toMatch(/^not used: measured sources are available/);
  });
});
