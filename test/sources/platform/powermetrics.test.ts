import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sourceContext } from '../../../src/sources/discover.js';
import { parsePlist } from '../../../src/sources/platform/plist.js';
import { parsePowermetricsPlist, parsePowermetricsText, POWERMETRICS_SUDOERS_LINE, probePowermetrics } from '../../../src/sources/platform/powermetrics.js';
import type { GaugeSource, Probe, Source } from '../../../src/sources/types.js';
import { FIXTURES } from '../../helpers/fake-files.js';
import { fakeTools } from '../../helpers/fake-tools.js';

const fixture = (name: string): Promise<string> => readFile(join(FIXTURES, 'powermetrics', name), 'utf8');

describe('powermetrics text parser', () => {
  it('reads the Apple-silicon mW lines and keeps the processor summary GPU figure over the GPU section repeat', async () => {
    const s = parsePowermetricsText(await fixture('text-combined.txt'));
    expect(s).toEqual({ elapsedS: 1.0028, cpuW: 0.457, gpuW: 0.029, aneW: 0, dramW: null, combinedW: 0.486, packageW: null });
  });

  it('sums CPU + GPU + ANE when the Combined line is missing', async () => {
    const s = parsePowermetricsText(await fixture('text-no-combined.txt'));
    expect(s?.cpuW).toBe(1.203);
    expect(s?.gpuW).toBe(0.057);
    expect(s?.combinedW).toBeCloseTo(1.26, 9);
  });

  it('reads the Intel-Mac package line in W', async () => {
    const s = parsePowermetricsText(await fixture('intel.txt'));
    expect(s?.packageW).toBe(48.61);
    expect(s?.cpuW).toBeNull();
    expect(s?.combinedW).toBeNull();
    expect(s?.elapsedS).toBeCloseTo(1.00457, 9);
  });

  it('reads only the first of several samples', async () => {
    const one = await fixture('text-combined.txt');
    const other = (await fixture('text-no-combined.txt')).slice((await fixture('text-no-combined.txt')).indexOf('***'));
    expect(parsePowermetricsText(`${one}${other}`)?.cpuW).toBe(0.457);
  });

  it('gives null or skips garbage, negative, huge and NaN figures without throwing', () => {
    expect(parsePowermetricsText('')).toBeNull();
    expect(parsePowermetricsText('\u0000\u00ff\ufffd random bytes ,,, [[[')).toBeNull();
    expect(parsePowermetricsText('CPU Power: -5 mW\nGPU Power: NaN mW\nANE Power: 1e99 mW')).toBeNull();
    expect(parsePowermetricsText('CPU Power: 12')).toBeNull();
    expect(parsePowermetricsText('CPU Power: 1.2.3 mW\nGPU Power: 7 mW')?.gpuW).toBe(0.007);
    expect(parsePowermetricsText(undefined as unknown as string)).toBeNull();
  });
});

describe('powermetrics plist parser', () => {
  it('reads both NUL-separated Ventura samples in W with their elapsed time', async () => {
    const [a, b] = (await fixture('ventura-two.plist')).split('\0');
    expect(parsePowermetricsPlist(a as string)).toEqual({ elapsedS: 1.0028, cpuW: 0.4573, gpuW: 0.029, aneW: 0, dramW: null, combinedW: 0.4863, packageW: null });
    const second = parsePowermetricsPlist(b as string);
    expect(second?.cpuW).toBe(3.1205);
    expect(second?.gpuW).toBe(0.84525);
    expect(second?.aneW).toBe(0.0125);
    expect(second?.combinedW).toBe(3.97825);
  });

  it('turns Monterey energies (mJ over elapsed_ns) into W and sums the missing combined figure', async () => {
    const s = parsePowermetricsPlist(await fixture('monterey.plist'));
    expect(s?.elapsedS).toBe(0.5);
    expect(s?.cpuW).toBeCloseTo(1.2, 9);
    expect(s?.gpuW).toBeCloseTo(0.05, 9);
    expect(s?.aneW).toBe(0);
    expect(s?.dramW).toBeCloseTo(0.08, 9);
    expect(s?.combinedW).toBeCloseTo(1.25, 9);
  });

  it('gives null for a plist without power keys, truncated XML and garbage', async () => {
    expect(parsePowermetricsPlist(await fixture('intel-no-power.plist'))).toBeNull();
    const ventura = await fixture('ventura-two.plist');
    expect(parsePowermetricsPlist(ventura.slice(0, 200))).toBeNull();
    expect(parsePowermetricsPlist('\u0001\u00ff<<garbage>> [[[ ,,,')).toBeNull();
    expect(parsePowermetricsPlist('<plist><dict><key>processor</key><dict><key>cpu_power</key><real>-3</real></dict></dict></plist>')).toBeNull();
    expect(parsePowermetricsPlist('<plist><dict><key>processor</key><dict><key>cpu_power</key><real>nan</real></dict></dict></plist>')).toBeNull();
  });

  it('keeps what it can of a truncated sample', async () => {
    const ventura = await fixture('ventura-two.plist');
    const cut = ventura.slice(0, ventura.indexOf('<key>gpu_energy</key>'));
    expect(parsePowermetricsPlist(cut)?.cpuW).toBe(0.4573);
  });
});

describe('plist reader', () => {
  it('reads nested values, entities and empty elements leniently', () => {
    const v = parsePlist('junk<plist><dict><key>a&amp;b</key><string>x &lt; y</string><key>n</key><integer>42</integer><key>t</key><true/><key>e</key><array/><key>__proto__</key><real>1.5</real><key>u</key><unknown><x/></unknown><key>d</key><date>2023-11-28T10:28:55Z</date></dict></plist>');
    expect(v).toEqual(Object.assign(Object.create(null), { 'a&b': 'x < y', n: 42, t: true, e: [], ['__proto__']: 1.5, d: '2023-11-28T10:28:55Z' }));
  });

  it('survives deep nesting and random bytes', () => {
    expect(parsePlist('<array>'.repeat(10_000))).not.toBeUndefined();
    let seed = 7;
    const bytes = Array.from({ length: 4000 }, () => String.fromCharCode((seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256)).join('');
    expect(() => parsePlist(bytes)).not.toThrow();
    expect(() => parsePlist(`<dict>${bytes}<key>`)).not.toThrow();
    // Garbage made of tag openers stays linear (a quadratic scan would hang here).
    expect(parsePlist('<'.repeat(1_000_000))).toBeNull();
    expect(parsePlist('<!--'.repeat(250_000))).toBeNull();
    expect(parsePlist('<a>'.repeat(300_000))).toBeNull();
  });
});

describe('powermetrics probe', () => {
  const cleanups: Array<() => Promise<void>> = [];
  const opened: Source[] = [];
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close?.();
    for (const c of cleanups.splice(0)) await c();
  });

  const probe = async (env: Record<string, string>, options: Parameters<typeof probePowermetrics>[1] = {}, extra?: (dir: string) => Promise<void>) => {
    const tools = await fakeTools(['powermetrics'], { FAKE_POWERMETRICS_PERIOD_MS: '20', ...env });
    cleanups.push(tools.cleanup);
    await extra?.(tools.dir);
    const probes = await probePowermetrics(sourceContext({ env: tools.env, intervalMs: 100 }), { platform: 'darwin', root: true, timeoutMs: 2000, ...options });
    return new Map(probes.map((p) => [p.info.id, p]));
  };
  const started = async (p: Probe | undefined): Promise<GaugeSource> => {
    const source = p?.source;
    if (!source) throw new Error(`no source: ${p?.reason}`);
    opened.push(source);
    await source.start?.();
    return source as GaugeSource;
  };

  it('is absent off macOS without running anything', async () => {
    const probes = await probePowermetrics(sourceContext({ env: { PATH: '/nonexistent' } }), { platform: 'linux' });
    expect(probes).toHaveLength(1);
    expect(probes[0]?.state).toBe('absent');
    expect(probes[0]?.reason).toMatch(/macOS only/);
  });

  it('is absent when powermetrics is not on PATH', async () => {
    const probes = await probePowermetrics(sourceContext({ env: { PATH: '/nonexistent' } }), { platform: 'darwin', root: true });
    expect(probes[0]?.state).toBe('absent');
    expect(probes[0]?.reason).toMatch(/powermetrics not found/);
  });

  it('finds CPU, GPU and ANE gauges with disjoint scopes and streams the plist samples', async () => {
    const p = await probe({});
    expect([...p.keys()]).toEqual(['apple:cpu', 'apple:gpu', 'apple:ane']);
    expect(p.get('apple:cpu')?.info).toMatchObject({ kind: 'gauge', scope: 'cpu-package', quality: 'measured', updatePeriodS: 0.2 });
    expect(p.get('apple:cpu')?.info).toMatchObject({ fidelity: 'averaged', averagingS: 0.2 });
    expect(p.get('apple:gpu')?.info.scope).toBe('gpu');
    expect(p.get('apple:ane')?.info.scope).toBe('npu');
    expect(p.get('apple:cpu')?.info.description).toMatch(/plist processor\.cpu_power.*averaged over each 200 ms sample/);
    expect([...p.values()].every((x) => x.state === 'ok' && !x.info.duplicateOf)).toBe(true);

    expect(await p.get('apple:cpu')?.source?.read()).toEqual({ ok: false, reason: 'powermetrics stream not started' });
    const cpu = await started(p.get('apple:cpu'));
    const gpu = await started(p.get('apple:gpu'));
    await vi.waitFor(async () => {
      const r = await cpu.read();
      expect(r.ok && r.value).toBe(3.1205);
    });
    const g = await gpu.read();
    expect(g.ok).toBe(true);
    expect(g.ok && typeof g.atS).toBe('number');
    // Both sources share one process: closing one keeps the other reading.
    await cpu.close?.();
    await cpu.close?.();
    expect((await gpu.read()).ok).toBe(true);
    await gpu.close?.();
    const after = await gpu.read();
    expect(after).toEqual({ ok: false, reason: 'stopped by wattbench' });
  });

  it('reads Monterey energies and exposes DRAM', async () => {
    const p = await probe({ FAKE_POWERMETRICS_DATA: 'monterey' });
    expect([...p.keys()]).toEqual(['apple:cpu', 'apple:gpu', 'apple:ane', 'apple:dram']);
    expect(p.get('apple:dram')?.info.scope).toBe('dram');
    expect(p.get('apple:dram')?.info.description).toMatch(/dram_energy/);
  });

  it('falls back to text output on an Intel Mac and streams the package line', async () => {
    const p = await probe({ FAKE_POWERMETRICS_DATA: 'intel' });
    expect([...p.keys()]).toEqual(['apple:package']);
    expect(p.get('apple:package')?.info.scope).toBe('cpu-package');
    expect(p.get('apple:package')?.info.description).toMatch(/text "Intel energy model derived package power/);
    const pkg = await started(p.get('apple:package'));
    await vi.waitFor(async () => {
      const r = await pkg.read();
      expect(r.ok && r.value).toBe(48.61);
    });
  });

  it('treats a CPU power of 0 mW as unsupported', async () => {
    const p = await probe({ FAKE_POWERMETRICS_DATA: 'text-zero-cpu' });
    expect(p.get('apple:cpu')?.state).toBe('error');
    expect(p.get('apple:cpu')?.reason).toMatch(/0 mW.*unsupported/);
    expect(p.get('apple:cpu')?.source).toBeUndefined();
  });

  it('reports permission with the sudoers line when powermetrics refuses a non-root user', async () => {
    const p = await probe({ FAKE_POWERMETRICS_MODE: 'permission' });
    const only = p.get('apple');
    expect(only?.state).toBe('permission');
    expect(only?.reason).toMatch(/needs root: powermetrics must be invoked as the superuser/);
    expect(only?.fix).toContain(POWERMETRICS_SUDOERS_LINE);
    expect(POWERMETRICS_SUDOERS_LINE).toBe('%admin ALL=(root) NOPASSWD: /usr/bin/powermetrics');
  });

  describe('through sudo -n when not root', () => {
    // A stand-in for sudo in the test's own temporary folder: it never prompts, like `sudo -n`.
    const fakeSudo = async (dir: string): Promise<void> => {
      const script = `#!/usr/bin/env node
import { spawn } from 'node:child_process';
const args = process.argv.slice(2);
if (args[0] !== '-n') { process.stderr.write('sudo: would prompt\\n'); process.exit(1); }
if (process.env.FAKE_SUDO_MODE === 'password') { process.stderr.write('sudo: a password is required\\n'); process.exit(1); }
const child = spawn(args[1], args.slice(2), { stdio: 'inherit' });
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code) => process.exit(code ?? 1));
`;
      await writeFile(join(dir, 'sudo'), script, { mode: 0o755 });
    };

    it('reports permission with the sudoers fix when sudo wants a password', async () => {
      const p = await probe({ FAKE_SUDO_MODE: 'password' }, { root: false }, fakeSudo);
      expect(p.get('apple')?.state).toBe('permission');
      expect(p.get('apple')?.reason).toMatch(/a password is required/);
      expect(p.get('apple')?.fix).toContain('/etc/sudoers.d/powermetrics');
      expect(p.get('apple')?.fix).toContain(POWERMETRICS_SUDOERS_LINE);
    });

    it('streams through sudo -n when the sudoers line is in place', async () => {
      const p = await probe({ FAKE_SUDO_MODE: 'nopasswd' }, { root: false }, fakeSudo);
      expect(p.get('apple:cpu')?.state).toBe('ok');
      expect(p.get('apple:cpu')?.reason).toMatch(/sudo -n/);
      const cpu = await started(p.get('apple:cpu'));
      await vi.waitFor(async () => expect((await cpu.read()).ok).toBe(true));
    });
  });

  it('times out a probe that hangs', async () => {
    const p = await probe({ FAKE_POWERMETRICS_MODE: 'hang' }, { timeoutMs: 300 });
    expect(p.get('apple')?.state).toBe('error');
    expect(p.get('apple')?.reason).toMatch(/no answer within 300 ms/);
  });

  it('reports garbage output as an error', async () => {
    const p = await probe({ FAKE_POWERMETRICS_MODE: 'garbage' });
    expect(p.get('apple')?.state).toBe('error');
    expect(p.get('apple')?.reason).toMatch(/no power figure/);
  });

  it('says why when the stream hangs before its first sample', async () => {
    const p = await probe({ FAKE_POWERMETRICS_MODE: 'hang-stream' }, { timeoutMs: 1000 });
    const cpu = await started(p.get('apple:cpu'));
    const r = await cpu.read();
    expect(r).toEqual({ ok: false, reason: expect.stringMatching(/printed nothing within 1200 ms/) });
  });

  it('says why after the tool dies mid-stream instead of answering its last value', async () => {
    const p = await probe({ FAKE_POWERMETRICS_MODE: 'die' });
    const cpu = await started(p.get('apple:cpu'));
    await vi.waitFor(async () => {
      const r = await cpu.read();
      expect(r.ok).toBe(false);
      expect(!r.ok && r.reason).toMatch(/exited \(code 3\): powermetrics: unable to sample/);
    });
  });

  it('refuses a stale value when the stream turns to garbage', async () => {
    const p = await probe({ FAKE_POWERMETRICS_MODE: 'garbage-stream' }, { staleAfterS: 0.15 });
    const cpu = await started(p.get('apple:cpu'));
    await vi.waitFor(async () => {
      const r = await cpu.read();
      expect(!r.ok && r.reason).toMatch(/^stale: .*last record unreadable/);
    });
  });
});
