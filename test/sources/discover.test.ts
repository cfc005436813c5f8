import { describe, expect, it } from 'vitest';
import { discoverSources } from '../../src/sources/discover.js';
import { procfs, sysfs } from '../helpers/fake-files.js';

describe('discoverSources', () => {
  it('on a VM tree: RAPL absent, the estimate usable and labelled', async () => {
    const probes = await discoverSources({ sysfs: sysfs('vm'), procfs: procfs('basic') });
    const byId = new Map(probes.map((p) => [p.info.id, p]));
    expect(byId.get('rapl')?.state).toBe('absent');
    expect(byId.get('procstat:cpu')?.state).toBe('ok');
    const est = byId.get('estimate:cpu');
    expect(est?.state).toBe('ok');
    expect(est?.info.quality).toBe('estimated');
    expect(est?.info.model?.params.tdp_w).toBe(8);
    expect(est?.reason).toMatch(/no readable power sensor/);
  });

  it('on a laptop tree: measured sources present, so the estimate says it is not used', async () => {
    const probes = await discoverSources({ sysfs: sysfs('intel-laptop'), procfs: procfs('basic') });
    const est = probes.find((p) => p.info.id === 'estimate:cpu');
    expect(est?.reason).toMatch(/not used: measured sources are available/);
    expect(probes.filter((p) => p.state === 'ok').map((p) => p.info.id)).toContain('rapl:psys');
  });
});
