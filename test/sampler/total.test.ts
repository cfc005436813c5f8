import { describe, expect, it } from 'vitest';
import { totalRule } from '../../src/sampler/total.js';
import { discoverSources } from '../../src/sources/discover.js';
import { selectSources } from '../../src/sources/select.js';
import type { SourceInfo } from '../../src/sources/types.js';
import { procfs, sysfs } from '../helpers/fake-files.js';

const infosOf = async (tree: string): Promise<SourceInfo[]> =>
  selectSources(await discoverSources({ sysfs: sysfs(tree), procfs: procfs('basic') })).map((s) => s.info);

describe('total rule', () => {
  it('uses psys alone on a laptop: no package, core, uncore or mmio mirror on top', async () => {
    const rule = totalRule(await infosOf('intel-laptop'));
    expect(rule.ids).toEqual(['rapl:psys']);
    expect(rule.quality).toBe('measured');
  });

  it('adds both packages and both DRAM zones on a 2-socket Xeon', async () => {
    const rule = totalRule(await infosOf('xeon-2s'));
    expect(rule.ids.sort()).toEqual(['rapl:package-0', 'rapl:package-0:dram', 'rapl:package-1', 'rapl:package-1:dram']);
  });

  it('uses the AMD package and never its core zone', async () => {
    expect(totalRule(await infosOf('amd-zen')).ids).toEqual(['rapl:package-0']);
  });

  it('falls back to the estimate, labelled, on a VM', async () => {
    const rule = totalRule(await infosOf('vm'));
    expect(rule).toMatchObject({ ids: ['estimate:cpu'], quality: 'estimated' });
    expect(rule.description).toMatch(/ESTIMATED/);
  });

  it('never adds an estimate to measurements, and prefers a wall meter over components', () => {
    const i = (id: string, scope: SourceInfo['scope'], quality: SourceInfo['quality'] = 'measured'): SourceInfo => ({
      id,
      kind: 'counter',
      scope,
      quality,
      description: '',
    });
    expect(totalRule([i('rapl:package-0', 'cpu-package'), i('estimate:cpu', 'cpu-package', 'estimated'), i('nvidia:0', 'gpu')]).ids).toEqual([
      'rapl:package-0',
      'nvidia:0',
    ]);
    expect(totalRule([i('rapl:package-0', 'cpu-package'), i('shelly:x', 'system-wall')]).ids).toEqual(['shelly:x']);
    expect(totalRule([]).quality).toBe('none');
    const gpuOnly = totalRule([i('nvidia:0', 'gpu'), i('estimate:cpu', 'cpu-package', 'estimated')]);
    expect(gpuOnly.ids).toEqual(['nvidia:0']);
    expect(gpuOnly.description).toMatch(/CPU energy NOT included/);
  });
});

describe('choosing sources', () => {
  it('narrows energy sources with include, drops any with exclude, and keeps the estimate out when something measured remains', async () => {
    const probes = await discoverSources({ sysfs: sysfs('xeon-2s'), procfs: procfs('basic') });
    const ids = (choice: Parameters<typeof selectSources>[1]) => selectSources(probes, choice).map((s) => s.info.id);
    expect(ids({ include: ['rapl:package-1'] })).toEqual(expect.arrayContaining(['rapl:package-1', 'rapl:package-1:dram', 'procstat:cpu']));
    expect(ids({ include: ['rapl:package-1'] })).not.toContain('rapl:package-0');
    expect(ids({ exclude: ['rapl:package-0', 'procstat'] })).not.toContain('rapl:package-0:dram');
    expect(ids({ exclude: ['rapl:package-0', 'procstat'] })).not.toContain('procstat:cpu');
    expect(ids({ exclude: ['rapl'] })).toContain('estimate:cpu');
    expect(ids({})).not.toContain('estimate:cpu');
  });
});
