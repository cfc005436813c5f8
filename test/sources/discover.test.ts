import { describe, expect, it } from 'vitest';
import { discoverSources, providerOrder, runProviders, sourceContext } from '../../src/sources/discover.js';
import type { Provider } from '../../src/sources/providers.js';
import type { Probe } from '../../src/sources/types.js';
import { procfs, sysfs } from '../helpers/fake-files.js';
import { fakeTools } from '../helpers/fake-tools.js';

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

  it('lists the probes in the order of the provider registry: cpu, platform, system, accelerators, bmc, meters, estimate', async () => {
    const tools = await fakeTools(['nvidia-smi', 'amd-smi', 'npu-smi', 'ipmitool', 'perf', 'powermetrics', 'typeperf', 'fake-wattmeter']);
    const probes: Probe[] = [];
    try {
      probes.push(
        ...(await discoverSources({
          sysfs: sysfs('intel-laptop'),
          procfs: procfs('basic'),
          env: tools.env,
          // A BMC given first on the command line still comes after the plugs and commands, as before the registry.
          meters: [
            { type: 'redfish', url: 'ftp://bmc.lan' },
            { type: 'command', argv: ['fake-wattmeter', '12'] },
            { type: 'command', argv: ['/nonexistent/meter'] },
          ],
        })),
      );
      expect(probes.map((p) => [p.info.id, p.state])).toEqual([
        ['rapl:package-0', 'ok'],
        ['rapl:package-0:core', 'ok'],
        ['rapl:package-0:uncore', 'ok'],
        ['rapl:psys', 'ok'],
        ['rapl-mmio:package-0', 'ok'],
        ['perf', 'absent'],
        ['apple', 'absent'],
        ['windows-emi', 'absent'],
        ['procstat:cpu', 'ok'],
        ['process:children', 'ok'],
        ['cpufreq', 'ok'],
        ['thermal', 'ok'],
        ['hwmon', 'absent'],
        ['battery:BAT0', 'absent'],
        ['nvidia:0', 'ok'],
        ['nvidia:0:util', 'ok'],
        ['nvidia:0:sm-clock', 'ok'],
        ['nvidia:0:temp', 'ok'],
        ['nvidia:1', 'ok'],
        ['nvidia:1:util', 'ok'],
        ['nvidia:1:sm-clock', 'ok'],
        ['nvidia:1:temp', 'ok'],
        ['amdgpu:0', 'ok'],
        ['npu:0', 'ok'],
        ['npu:0:aicore', 'ok'],
        ['npu:1', 'ok'],
        ['npu:1:aicore', 'ok'],
        ['ipmi:dcmi', 'ok'],
        ['meter:fake-wattmeter', 'ok'],
        ['meter:meter', 'absent'],
        ['redfish', 'error'],
        ['estimate:cpu', 'ok'],
      ]);
    } finally {
      await Promise.all(probes.map((p) => p.source?.close?.()));
      await tools.cleanup();
    }
  });

  it('still takes BMCs in the deprecated redfish list, after those in meters', async () => {
    const probes = await discoverSources({
      sysfs: sysfs('vm'),
      procfs: procfs('basic'),
      env: { PATH: '/nonexistent' },
      meters: [{ type: 'redfish', url: 'ftp://first.lan' }],
      redfish: [{ url: 'ftp://second.lan' }],
    });
    const bmc = probes.filter((p) => p.info.id.startsWith('redfish'));
    expect(bmc.map((p) => p.reason)).toEqual([expect.stringContaining('first.lan'), expect.stringContaining('second.lan')]);
  });
});

/** A promise with its resolve function outside, so a test decides when a probe finishes. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const probe = (id: string): Probe => ({ info: { id, kind: 'gauge', scope: 'system-wall', quality: 'measured', description: id }, state: 'absent', reason: null, fix: null });

describe('runProviders', () => {
  const ctx = sourceContext({ sysfs: '/nonexistent', procfs: '/nonexistent' });

  it('starts providers that follow none together, a dependent one after its prerequisites, and returns probes in list order', async () => {
    const started: string[] = [];
    const gates = new Map(['a', 'b', 'c', 'd'].map((id) => [id, deferred<void>()]));
    const seen: Record<string, string[]> = {};
    const provider = (id: string, after?: Provider['after']): Provider => ({
      family: 'cpu',
      id,
      ...(after ? { after } : {}),
      async probe(_ctx, facts) {
        started.push(id);
        if (after === 'all') seen[id] = facts.earlier().map((p) => p.info.id);
        else if (after) seen[id] = after.flatMap((x) => facts.probesOf(x).map((p) => p.info.id));
        await gates.get(id)?.promise;
        return [probe(`${id}:0`), probe(`${id}:1`)];
      },
    });
    const result = runProviders([provider('a'), provider('b', ['a']), provider('c'), provider('d'), provider('e', 'all')], ctx, {});
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual(['a', 'c', 'd']);
    gates.get('d')?.resolve();
    gates.get('c')?.resolve();
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual(['a', 'c', 'd']);
    gates.get('a')?.resolve();
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual(['a', 'c', 'd', 'b']);
    gates.get('b')?.resolve();
    const probes = await result;
    expect(started).toEqual(['a', 'c', 'd', 'b', 'e']);
    expect(probes.map((p) => p.info.id)).toEqual(['a:0', 'a:1', 'b:0', 'b:1', 'c:0', 'c:1', 'd:0', 'd:1', 'e:0', 'e:1']);
    expect(seen).toEqual({ b: ['a:0', 'a:1'], e: ['a:0', 'a:1', 'b:0', 'b:1', 'c:0', 'c:1', 'd:0', 'd:1'] });
  });

  it('refuses a provider that reads probes it does not follow', async () => {
    const sneaky: Provider = { family: 'cpu', id: 'b', probe: async (_ctx, facts) => facts.probesOf('a') };
    await expect(runProviders([{ family: 'cpu', id: 'a', probe: async () => [] }, sneaky], ctx, {})).rejects.toThrow(/"b" reads "a" without following it/);
  });

  it('checks the list before running anything', () => {
    const p = (id: string, after?: string[]): Provider => ({ family: 'cpu', id, ...(after ? { after } : {}), probe: async () => [] });
    expect(() => providerOrder([p('a'), p('a')])).toThrow(/two source providers are named "a"/);
    expect(() => providerOrder([p('b', ['a']), p('a')])).toThrow(/"b" follows "a", which is not before it/);
    expect(providerOrder([p('a'), p('b', ['a']), { ...p('c'), after: 'all' }])).toEqual(
      new Map([
        ['a', []],
        ['b', ['a']],
        ['c', ['a', 'b']],
      ]),
    );
  });
});
