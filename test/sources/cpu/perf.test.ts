import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sourceContext } from '../../../src/sources/discover.js';
import { parsePerfStatLine, PERF_FIX, probePerf, type PerfOptions } from '../../../src/sources/cpu/perf.js';
import type { CounterSource, FileReader, Probe, Source } from '../../../src/sources/types.js';
import { FIXTURES, seamReader } from '../../helpers/fake-files.js';
import { fakeTools } from '../../helpers/fake-tools.js';

const PERF = join(FIXTURES, 'perf');
const fixtureLines = async (name: string): Promise<string[]> => (await readFile(join(PERF, name), 'utf8')).split('\n').filter((l) => l.trim() !== '');

describe('perf stat -x, line parser', () => {
  it('reads per-socket interval lines in J', async () => {
    const lines = (await fixtureLines('stat-xeon-2s.txt')).map(parsePerfStatLine);
    expect(lines.every((l) => l !== null)).toBe(true);
    expect(lines[0]).toEqual({ timeS: 0.100834201, socket: 0, pmu: 'power', event: 'energy-pkg', value: 10.52, unit: 'Joules', status: 'counted' });
    expect(lines[3]).toMatchObject({ socket: 1, event: 'energy-ram', value: 2.05 });
  });

  it('reads <not supported> and <not counted> as statuses without a value', async () => {
    const lines = (await fixtureLines('stat-laptop.txt')).map(parsePerfStatLine);
    expect(lines[4]).toMatchObject({ event: 'energy-ram', value: null, status: 'not-supported' });
    expect(lines[12]).toMatchObject({ event: 'energy-pkg', value: null, status: 'not-counted', timeS: 0.30170295 });
  });

  it('reads aggregated lines without interval or socket columns', () => {
    expect(parsePerfStatLine('43.26,Joules,power/energy-pkg/,1001047305,100.00,,')).toMatchObject({ timeS: null, socket: null, value: 43.26 });
    expect(parsePerfStatLine('<not supported>,Joules,power/energy-pkg/,0,100.00,,')).toMatchObject({ socket: null, status: 'not-supported' });
    expect(parsePerfStatLine('     1.001083018,30.55,Joules,power/energy-pkg/,1001047305,100.00,,')).toMatchObject({ timeS: 1.001083018, socket: null, value: 30.55 });
  });

  it('gives null for headers, garbage, negative, NaN and infinite values without throwing', () => {
    for (const bad of [
      '',
      '#           time socket cpus             counts unit events',
      '\u0001\u00ff garbage ,,,, [[[',
      '1.0,S0,1,-5.00,Joules,power/energy-pkg/,1,100.00,,',
      '1.0,S0,1,NaN,Joules,power/energy-pkg/,1,100.00,,',
      '1.0,S0,1,1e999,Joules,power/energy-pkg/,1,100.00,,',
      'x,S0,1,1.00,Joules,power/energy-pkg/,1,100.00,,',
      '1.0,socket0,1,1.00,Joules,power/energy-pkg/,1,100.00,,',
      '1.0,S0,1,1.00,Joules',
      ',,,,,,,,,',
      'A'.repeat(5000),
    ]) {
      expect(parsePerfStatLine(bad)).toBeNull();
    }
    expect(parsePerfStatLine(undefined as unknown as string)).toBeNull();
  });
});

describe('perf probe', () => {
  const cleanups: Array<() => Promise<void>> = [];
  const opened: Source[] = [];
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close?.();
    for (const c of cleanups.splice(0)) await c();
  });

  const probe = async (
    env: Record<string, string>,
    where: { sysfs?: string; procfs?: string; files?: FileReader } = {},
    options: PerfOptions = {},
  ): Promise<Map<string, Probe>> => {
    const tools = await fakeTools(['perf'], { FAKE_PERF_PERIOD_MS: '20', ...env });
    cleanups.push(tools.cleanup);
    const ctx = sourceContext({
      sysfs: join(PERF, where.sysfs ?? 'sysfs-xeon-2s'),
      procfs: join(PERF, where.procfs ?? 'procfs-paranoid-0'),
      env: tools.env,
      intervalMs: 100,
      ...(where.files ? { files: where.files } : {}),
    });
    const probes = await probePerf(ctx, { platform: 'linux', timeoutMs: 2000, ...options });
    return new Map(probes.map((p) => [p.info.id, p]));
  };
  const started = async (p: Probe | undefined): Promise<CounterSource> => {
    const source = p?.source;
    if (!source) throw new Error(`no source: ${p?.reason}`);
    opened.push(source);
    await source.start?.();
    return source as CounterSource;
  };

  it('is absent off Linux', async () => {
    const probes = await probePerf(sourceContext({ env: { PATH: '/nonexistent' } }), { platform: 'darwin' });
    expect(probes.map((p) => [p.state, p.reason])).toEqual([['absent', 'perf power events exist on Linux only (this is darwin)']]);
  });

  it('is absent without a power PMU', async () => {
    const p = await probe({}, { sysfs: 'nowhere' });
    expect(p.get('perf')?.state).toBe('absent');
    expect(p.get('perf')?.reason).toMatch(/no perf power PMU/);
  });

  it('skips events whose unit is not Joules', async () => {
    const files = seamReader({ text: (path) => (path.endsWith('.unit') ? 'counts\n' : null) });
    const p = await probe({}, { files });
    expect(p.get('perf')?.state).toBe('absent');
    expect(p.get('perf')?.reason).toMatch(/no Joule event .*energy-pkg: unit "counts"/);
  });

  it('is absent with an install fix when perf is missing or does not match the kernel', async () => {
    const missing = await probePerf(sourceContext({ sysfs: join(PERF, 'sysfs-amd'), env: { PATH: '/nonexistent' } }), { platform: 'linux' });
    expect(missing[0]?.state).toBe('absent');
    expect(missing[0]?.reason).toMatch(/perf not found on PATH/);
    expect(missing[0]?.fix).toMatch(/linux-tools-\$\(uname -r\)/);
    const wrapper = await probe({ FAKE_PERF_MODE: 'no-kernel-perf' });
    expect(wrapper.get('perf')?.state).toBe('absent');
    expect(wrapper.get('perf')?.reason).toBe('WARNING: perf not found for kernel 6.8.0-45');
  });

  it('finds one counter per socket and event on a 2-socket Xeon', async () => {
    const p = await probe({});
    expect([...p.keys()]).toEqual(['perf:package-0', 'perf:package-0:dram', 'perf:package-1', 'perf:package-1:dram']);
    expect(p.get('perf:package-1')?.info).toMatchObject({ kind: 'counter', scope: 'cpu-package', quality: 'measured', joulesPerUnit: 1, maxRange: null, updatePeriodS: 0.1 });
    expect(p.get('perf:package-0:dram')?.info.scope).toBe('dram');
    expect(p.get('perf:package-0')?.info.description).toMatch(/power\/energy-pkg\/ on socket 0 .*scale 2\.3283064365386963e-10 J/);
    expect([...p.values()].every((x) => x.state === 'ok' && x.info.duplicateOf === undefined)).toBe(true);
  });

  it('marks perf sources as mirrors of the powercap ids it is given, and only then', async () => {
    const p = await probe({}, {}, { powercapIds: ['rapl:package-0', 'rapl:package-0:dram', 'rapl-tpmi:package-1', 'rapl:psys'] });
    expect(p.get('perf:package-0')?.info.duplicateOf).toBe('rapl:package-0');
    expect(p.get('perf:package-0:dram')?.info.duplicateOf).toBe('rapl:package-0:dram');
    expect(p.get('perf:package-1')?.info.duplicateOf).toBe('rapl-tpmi:package-1');
    expect(p.get('perf:package-1:dram')?.info.duplicateOf).toBeUndefined();
    expect(p.get('perf:package-0')?.reason).toBe('mirrors rapl:package-0; never added to a total');
  });

  it('gives laptop domains their scopes and reports <not supported> DRAM as an error', async () => {
    const p = await probe({ FAKE_PERF_MACHINE: 'laptop' }, { sysfs: 'sysfs-laptop' });
    expect([...p.keys()]).toEqual(['perf:package-0', 'perf:package-0:dram', 'perf:package-0:core', 'perf:package-0:uncore', 'perf:psys']);
    expect(p.get('perf:package-0:core')?.info.scope).toBe('cpu-core');
    expect(p.get('perf:package-0:uncore')?.info.scope).toBe('cpu-uncore');
    expect(p.get('perf:psys')?.info.scope).toBe('psys');
    expect(p.get('perf:package-0:dram')?.state).toBe('error');
    expect(p.get('perf:package-0:dram')?.reason).toBe('perf prints <not supported> for power/energy-ram/ on socket 0');
  });

  it('streams per-interval joules into running totals', async () => {
    const p = await probe({});
    expect(await p.get('perf:package-1')?.source?.read()).toEqual({ ok: false, reason: 'perf stream not started' });
    const pkg1 = await started(p.get('perf:package-1'));
    const dram0 = await started(p.get('perf:package-0:dram'));
    // The fake cycles through the fixture's intervals: every total is a prefix sum of this sequence.
    const per = [9.87, 9.91, 9.8];
    const sums = Array.from({ length: 30 }, (_, n) => Array.from({ length: n + 1 }, (_, i) => per[i % 3] as number).reduce((a, b) => a + b, 0));
    let first = 0;
    await vi.waitFor(async () => {
      const r = await pkg1.read();
      expect(r.ok).toBe(true);
      first = r.ok ? r.value : 0;
    });
    await vi.waitFor(async () => {
      const r = await pkg1.read();
      expect(r.ok && r.value > first).toBe(true);
      expect(sums.some((s) => r.ok && Math.abs(s - r.value) < 1e-9)).toBe(true);
    });
    const d = await dram0.read();
    expect(d.ok && d.value >= 2.31 - 1e-9).toBe(true);
    expect(d.ok && typeof d.atS).toBe('number');
  });

  it('stops answering for an event after a <not counted> interval while the others go on', async () => {
    const p = await probe({ FAKE_PERF_MACHINE: 'laptop' }, { sysfs: 'sysfs-laptop' });
    const pkg = await started(p.get('perf:package-0'));
    const psys = await started(p.get('perf:psys'));
    await vi.waitFor(async () => {
      const r = await pkg.read();
      expect(!r.ok && r.reason).toMatch(/<not counted> for power\/energy-pkg\/ on socket 0 in the interval ending at .* s: the running total would be short/);
    });
    expect((await psys.read()).ok).toBe(true);
  });

  it('reports permission with the sysctl and setcap fix under perf_event_paranoid', async () => {
    const p = await probe({ FAKE_PERF_MODE: 'permission' }, { procfs: 'procfs-paranoid-2' });
    expect(p.get('perf')?.state).toBe('permission');
    expect(p.get('perf')?.reason).toBe('perf may not open CPU-wide RAPL events: perf_event_paranoid is 2 and this process has no CAP_PERFMON');
    expect(p.get('perf')?.fix).toBe(PERF_FIX);
    expect(PERF_FIX).toContain("echo 'kernel.perf_event_paranoid = 0' | sudo tee /etc/sysctl.d/60-wattbench-perf.conf");
    expect(PERF_FIX).toContain('setcap cap_perfmon+ep');
  });

  it('blames paranoia for unusable output only when this process lacks CAP_PERFMON', async () => {
    const restricted = await probe({ FAKE_PERF_MODE: 'garbage' }, { procfs: 'procfs-paranoid-4' });
    expect(restricted.get('perf')?.state).toBe('permission');
    expect(restricted.get('perf')?.reason).toMatch(/perf_event_paranoid is 4/);
    const capable = await probe({ FAKE_PERF_MODE: 'garbage' }, { procfs: 'procfs-perfmon' });
    expect(capable.get('perf')?.state).toBe('error');
    expect(capable.get('perf')?.reason).toMatch(/printed no power event line/);
  });

  it('times out a probe that hangs', async () => {
    const p = await probe({ FAKE_PERF_MODE: 'hang' }, {}, { timeoutMs: 300 });
    expect(p.get('perf')?.state).toBe('error');
    expect(p.get('perf')?.reason).toMatch(/no answer within 300 ms/);
  });

  it('says why when the stream hangs before its first interval', async () => {
    const p = await probe({ FAKE_PERF_MODE: 'hang-stream' }, {}, { timeoutMs: 700 });
    const pkg = await started(p.get('perf:package-0'));
    expect(await pkg.read()).toEqual({ ok: false, reason: expect.stringMatching(/perf printed nothing within 800 ms/) });
  });

  it('says why after perf dies mid-stream instead of answering its last total', async () => {
    const p = await probe({ FAKE_PERF_MODE: 'die' });
    const pkg = await started(p.get('perf:package-0'));
    await vi.waitFor(async () => {
      const r = await pkg.read();
      expect(!r.ok && r.reason).toMatch(/perf exited \(code 1\): Error: failed to read counter/);
    });
  });

  it('refuses a stale total when the stream turns to garbage', async () => {
    const p = await probe({ FAKE_PERF_MODE: 'garbage-stream' }, {}, { staleAfterS: 0.15 });
    const pkg = await started(p.get('perf:package-0'));
    await vi.waitFor(async () => {
      const r = await pkg.read();
      expect(!r.ok && r.reason).toMatch(/^stale: .*last line unreadable/);
    });
    await pkg.close?.();
    expect(await pkg.read()).toEqual({ ok: false, reason: 'stopped by wattbench' });
  });
});
