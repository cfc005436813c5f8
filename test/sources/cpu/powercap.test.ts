import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { probePowercap } from '../../../src/sources/cpu/powercap.js';
import { sourceContext } from '../../../src/sources/discover.js';
import { seamReader, sysfs } from '../../helpers/fake-files.js';

const byId = async (root: string, files?: Parameters<typeof sourceContext>[0]['files']) => {
  const probes = await probePowercap(sourceContext({ sysfs: root, ...(files ? { files } : {}) }));
  return new Map(probes.map((p) => [p.info.id, p]));
};

describe('powercap probing', () => {
  it('finds the laptop zones with scopes and marks the mmio mirror', async () => {
    const p = await byId(sysfs('intel-laptop'));
    expect([...p.keys()].sort()).toEqual(
      ['rapl-mmio:package-0', 'rapl:package-0', 'rapl:package-0:core', 'rapl:package-0:uncore', 'rapl:psys'].sort(),
    );
    expect(p.get('rapl:package-0')?.info.scope).toBe('cpu-package');
    expect(p.get('rapl:package-0:core')?.info.scope).toBe('cpu-core');
    expect(p.get('rapl:package-0:uncore')?.info.scope).toBe('cpu-uncore');
    expect(p.get('rapl:psys')?.info.scope).toBe('psys');
    expect(p.get('rapl-mmio:package-0')?.info.duplicateOf).toBe('rapl:package-0');
    expect(p.get('rapl:package-0')?.info.duplicateOf).toBeUndefined();
    expect(p.get('rapl:package-0')?.info.maxRange).toBe(262143328850);
    expect(p.get('rapl:package-0')?.state).toBe('ok');
    const read = await p.get('rapl:package-0')?.source?.read();
    expect(read).toEqual({ ok: true, value: 123456789 });
  });

  it('finds both Xeon packages with their DRAM subzones and ranges', async () => {
    const p = await byId(sysfs('xeon-2s'));
    expect([...p.keys()]).toEqual(['rapl:package-0', 'rapl:package-0:dram', 'rapl:package-1', 'rapl:package-1:dram']);
    expect(p.get('rapl:package-1:dram')?.info.scope).toBe('dram');
    expect(p.get('rapl:package-1:dram')?.info.maxRange).toBe(65712999613);
    expect(p.get('rapl:package-1')?.info.maxRange).toBe(262143999938);
  });

  it('finds an AMD package and its core zone', async () => {
    const p = await byId(sysfs('amd-zen'));
    expect([...p.keys()]).toEqual(['rapl:package-0', 'rapl:package-0:core']);
    expect(p.get('rapl:package-0:core')?.info.scope).toBe('cpu-core');
  });

  it('reports absent powercap on a VM with a reason', async () => {
    const probes = await probePowercap(sourceContext({ sysfs: sysfs('vm') }));
    expect(probes).toHaveLength(1);
    expect(probes[0]?.state).toBe('absent');
    expect(probes[0]?.reason).toMatch(/no .*class\/powercap/);
    expect(probes[0]?.source).toBeUndefined();
  });

  it('gives the permission state and the persistent fix when energy_uj is root-only', async () => {
    const files = seamReader({ fail: (path) => (path.endsWith('energy_uj') ? 'EACCES' : null) });
    const p = await byId(sysfs('intel-laptop'), files);
    const pkg = p.get('rapl:package-0');
    expect(pkg?.state).toBe('permission');
    expect(pkg?.source).toBeUndefined();
    expect(pkg?.reason).toMatch(/EACCES reading .*intel-rapl:0\/energy_uj/);
    expect(pkg?.fix).toMatch(/udev\/rules\.d/);
    expect(pkg?.fix).toMatch(/chmod g\+r/);
    expect(pkg?.fix).toMatch(/usermod -aG power/);
  });

  describe('on generated trees', () => {
    let dir = '';
    afterEach(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });
    const zone = async (path: string, name: string, energy: string) => {
      await mkdir(path, { recursive: true });
      await writeFile(join(path, 'name'), `${name}\n`);
      await writeFile(join(path, 'energy_uj'), `${energy}\n`);
      await writeFile(join(path, 'max_energy_range_uj'), '262143328850\n');
    };

    it('parses zone ids as hex, so intel-rapl:a comes after intel-rapl:9', async () => {
      dir = await mkdtemp(join(tmpdir(), 'wb-hex-'));
      const root = join(dir, 'class', 'powercap');
      for (let i = 0; i < 11; i++) await zone(join(root, `intel-rapl:${i.toString(16)}`), `package-${i}`, String(1000 + i));
      const probes = await probePowercap(sourceContext({ sysfs: dir }));
      expect(probes.map((p) => p.info.id)).toEqual(Array.from({ length: 11 }, (_, i) => `rapl:package-${i}`));
      expect(await probes[10]?.source?.read()).toEqual({ ok: true, value: 1010 });
    });

    it('marks a die zone that mirrors another die of the same package', async () => {
      dir = await mkdtemp(join(tmpdir(), 'wb-die-'));
      const root = join(dir, 'class', 'powercap');
      await zone(join(root, 'intel-rapl:0'), 'package-0-die-0', '777');
      await zone(join(root, 'intel-rapl:1'), 'package-0-die-1', '777');
      await zone(join(root, 'intel-rapl:2'), 'package-1-die-0', '888');
      await zone(join(root, 'intel-rapl:3'), 'package-1-die-1', '999');
      const p = new Map((await probePowercap(sourceContext({ sysfs: dir }))).map((x) => [x.info.id, x]));
      expect(p.get('rapl:package-0-die-1')?.info.duplicateOf).toBe('rapl:package-0-die-0');
      expect(p.get('rapl:package-0-die-1')?.reason).toMatch(/mirrors/);
      expect(p.get('rapl:package-1-die-1')?.info.duplicateOf).toBeUndefined();
    });

    it('keeps a zone whose range is unreadable, noting that wraps cannot be corrected', async () => {
      dir = await mkdtemp(join(tmpdir(), 'wb-range-'));
      const root = join(dir, 'class', 'powercap', 'intel-rapl:0');
      await mkdir(root, { recursive: true });
      await writeFile(join(root, 'name'), 'package-0\n');
      await writeFile(join(root, 'energy_uj'), '5\n');
      const [probe] = await probePowercap(sourceContext({ sysfs: dir }));
      expect(probe?.state).toBe('ok');
      expect(probe?.info.maxRange).toBeNull();
      expect(probe?.reason).toMatch(/wraps cannot be corrected/);
    });
  });
});
