import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sourceContext } from '../../../src/sources/discover.js';
import type { GaugeSource, Probe, Source } from '../../../src/sources/types.js';
import {
  emiChannelScope,
  parseTypeperf,
  parseTypeperfHeader,
  parseTypeperfValue,
  probeWindowsEmi,
  splitTypeperfCsv,
  type WindowsEmiOptions,
} from '../../../src/sources/platform/windows-emi.js';
import { FIXTURES } from '../../helpers/fake-files.js';
import { fakeTools } from '../../helpers/fake-tools.js';

const fixture = (name: string): Promise<string> => readFile(join(FIXTURES, 'windows', name), 'utf8');

describe('typeperf CSV parser', () => {
  it('reads the header columns and the rows of an Intel capture', async () => {
    const parsed = parseTypeperf(await fixture('typeperf-intel.csv'));
    expect(parsed?.columns).toEqual([
      { channel: 'rapl_package0_dram', counter: 'power' },
      { channel: 'rapl_package0_pkg', counter: 'power' },
      { channel: 'rapl_package0_pp0', counter: 'power' },
      { channel: 'rapl_package0_pp1', counter: 'power' },
      { channel: '_total', counter: 'power' },
    ]);
    expect(parsed?.rows).toHaveLength(3);
    expect(parsed?.rows[1]).toEqual([1301.2, 17011.904, 11020.3, 398.5, 29731.904]);
  });

  it('reads decimal-comma values the same as decimal-point ones', async () => {
    const de = parseTypeperf(await fixture('typeperf-decimal-comma.csv'));
    const en = parseTypeperf(await fixture('typeperf-intel.csv'));
    expect(de?.rows).toEqual(en?.rows);
    expect(de?.rows[0]?.[1]).toBe(15342.1182);
  });

  it('reads Energy, Power and Time columns of \\Energy Meter(*)\\* with blank first-sample cells as null', async () => {
    const all = parseTypeperf(await fixture('typeperf-all.csv'));
    expect(all?.columns.map((c) => c?.counter)).toEqual(['energy', 'power', 'time', 'energy', 'power', 'time']);
    expect(all?.rows[0]?.[1]).toBeNull();
    expect(all?.rows[1]?.[1]).toBe(15342.1182);
    expect(all?.rows[1]?.[0]).toBe(5892483720333);
  });

  it('parses numbers in every locale typeperf may print, and nothing else', () => {
    expect(parseTypeperfValue('702.709363')).toBe(702.709363);
    expect(parseTypeperfValue('702,709363')).toBe(702.709363);
    expect(parseTypeperfValue('1.234,5')).toBe(1234.5);
    expect(parseTypeperfValue('1,234.5')).toBe(1234.5);
    expect(parseTypeperfValue('1\u00a0234,5')).toBe(1234.5);
    for (const bad of [' ', '', '-5', 'NaN', '1e999', 'abc', '1,2,3', undefined]) expect(parseTypeperfValue(bad)).toBeNull();
  });

  it('splits quoted cells with doubled quotes and refuses unbalanced ones', () => {
    expect(splitTypeperfCsv('"a","b ""c""",d\r')).toEqual(['a', 'b "c"', 'd']);
    expect(splitTypeperfCsv('"a,b')).toBeNull();
  });

  it('gives null for garbage and error text without throwing', async () => {
    expect(parseTypeperf(await fixture('typeperf-no-counters.txt'))).toBeNull();
    expect(parseTypeperf('\u0001\u00ff garbage ,,,, [[[')).toBeNull();
    expect(parseTypeperfHeader('"(PDH-CSV 4.0)","\\\\H\\Processor(_Total)\\% Processor Time"')).toEqual([null]);
    const text = await fixture('typeperf-intel.csv');
    expect(parseTypeperf(text.slice(0, text.indexOf('"05/14') + 40))?.rows).toEqual([]);
    expect(parseTypeperf(text.slice(0, text.indexOf('"05/14') + 60))?.rows).toEqual([]);
    expect(parseTypeperf(undefined as unknown as string)).toBeNull();
  });

  it('keeps package-level channels and drops _total and per-core sums', () => {
    expect(emiChannelScope('rapl_package0_pkg')).toBe('cpu-package');
    expect(emiChannelScope('RAPL_Package0_DRAM')).toBe('dram');
    expect(emiChannelScope('rapl_package0_pp0')).toBe('cpu-core');
    expect(emiChannelScope('rapl_package0_pp1')).toBe('cpu-uncore');
    expect(emiChannelScope('_total')).toBeNull();
    expect(emiChannelScope('rapl_package0_core0_core')).toBeNull();
    expect(emiChannelScope('something_else')).toBeNull();
  });
});

describe('Windows Energy Meter probe', () => {
  const cleanups: Array<() => Promise<void>> = [];
  const opened: Source[] = [];
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close?.();
    for (const c of cleanups.splice(0)) await c();
  });

  const probe = async (env: Record<string, string>, options: WindowsEmiOptions = {}): Promise<Map<string, Probe>> => {
    const tools = await fakeTools(['typeperf'], { FAKE_TYPEPERF_PERIOD_MS: '20', ...env });
    cleanups.push(tools.cleanup);
    const probes = await probeWindowsEmi(sourceContext({ env: tools.env }), { platform: 'win32', timeoutMs: 2000, ...options });
    return new Map(probes.map((p) => [p.info.id, p]));
  };
  const started = async (p: Probe | undefined): Promise<GaugeSource> => {
    const source = p?.source;
    if (!source) throw new Error(`no source: ${p?.reason}`);
    opened.push(source);
    await source.start?.();
    return source as GaugeSource;
  };

  it('is absent off Windows and when typeperf is missing', async () => {
    const off = await probeWindowsEmi(sourceContext({ env: { PATH: '/nonexistent' } }), { platform: 'linux' });
    expect(off.map((p) => [p.info.id, p.state])).toEqual([['windows-emi', 'absent']]);
    expect(off[0]?.reason).toMatch(/Windows only/);
    const missing = await probeWindowsEmi(sourceContext({ env: { PATH: '/nonexistent' } }), { platform: 'win32' });
    expect(missing[0]?.state).toBe('absent');
    expect(missing[0]?.reason).toMatch(/typeperf not found/);
  });

  it('is absent when there are no Energy Meter counters', async () => {
    const p = await probe({ FAKE_TYPEPERF_MODE: 'no-counters' });
    expect(p.get('windows-emi')?.state).toBe('absent');
    expect(p.get('windows-emi')?.reason).toMatch(/no Energy Meter counters .*Error: No valid counters\./);
  });

  it('reports permission with the group fix when access is denied', async () => {
    const p = await probe({ FAKE_TYPEPERF_MODE: 'access-denied' });
    expect(p.get('windows-emi')?.state).toBe('permission');
    expect(p.get('windows-emi')?.fix).toMatch(/Performance Monitor Users/);
  });

  it('finds Intel package, DRAM, PP0 and PP1 channels but never _total, and streams watts', async () => {
    const p = await probe({});
    expect([...p.keys()]).toEqual(['windows-emi:rapl_package0_dram', 'windows-emi:rapl_package0_pkg', 'windows-emi:rapl_package0_pp0', 'windows-emi:rapl_package0_pp1']);
    expect(p.get('windows-emi:rapl_package0_pkg')?.info).toMatchObject({ kind: 'gauge', scope: 'cpu-package', quality: 'measured', updatePeriodS: 1 });
    // PDH's figure is the mean power of each 1-s sample: an averaged gauge.
    expect(p.get('windows-emi:rapl_package0_pkg')?.info).toMatchObject({ fidelity: 'averaged', averagingS: 1 });
    expect(p.get('windows-emi:rapl_package0_dram')?.info.scope).toBe('dram');
    expect(p.get('windows-emi:rapl_package0_pp0')?.info.scope).toBe('cpu-core');
    expect(p.get('windows-emi:rapl_package0_pp1')?.info.scope).toBe('cpu-uncore');
    expect(p.get('windows-emi:rapl_package0_pkg')?.reason).toMatch(/not sources: _total/);
    const pkg = await started(p.get('windows-emi:rapl_package0_pkg'));
    await vi.waitFor(async () => {
      const r = await pkg.read();
      expect(r.ok && [15.3421182, 17.011904, 16.50225].includes(r.value)).toBe(true);
    });
    await pkg.close?.();
    expect(await pkg.read()).toEqual({ ok: false, reason: 'stopped by wattbench' });
  });

  it('streams a decimal-comma locale in watts', async () => {
    const p = await probe({ FAKE_TYPEPERF_DATA: 'decimal-comma' });
    const dram = await started(p.get('windows-emi:rapl_package0_dram'));
    await vi.waitFor(async () => {
      const r = await dram.read();
      expect(r.ok && [1.23456789, 1.3012, 1.288].includes(r.value)).toBe(true);
    });
  });

  it('keeps only the package channel on AMD, never the per-core channels', async () => {
    const p = await probe({ FAKE_TYPEPERF_DATA: 'amd' });
    expect([...p.keys()]).toEqual(['windows-emi:rapl_package0_pkg']);
    expect(p.get('windows-emi:rapl_package0_pkg')?.reason).toMatch(/rapl_package0_core0_core.*_total/);
  });

  it('picks the Power columns out of \\Energy Meter(*)\\*, past blank first samples', async () => {
    const p = await probe({ FAKE_TYPEPERF_DATA: 'all' });
    expect([...p.keys()]).toEqual(['windows-emi:rapl_package0_pkg', 'windows-emi:rapl_package0_dram']);
    expect(p.get('windows-emi:rapl_package0_pkg')?.state).toBe('ok');
  });

  it('times out a probe that hangs and reports garbage as an error', async () => {
    const hang = await probe({ FAKE_TYPEPERF_MODE: 'hang' }, { timeoutMs: 300 });
    expect(hang.get('windows-emi')?.state).toBe('error');
    expect(hang.get('windows-emi')?.reason).toMatch(/no answer within 300 ms/);
    const garbage = await probe({ FAKE_TYPEPERF_MODE: 'garbage' });
    const only = garbage.get('windows-emi:rapl_package0_pkg');
    expect(only?.state).toBe('error');
    expect(only?.reason).toMatch(/no value in 0 typeperf sample/);
  });

  it('says why when the stream hangs before its first line', async () => {
    const p = await probe({ FAKE_TYPEPERF_MODE: 'hang-stream' }, { timeoutMs: 700 });
    const pkg = await started(p.get('windows-emi:rapl_package0_pkg'));
    expect(await pkg.read()).toEqual({ ok: false, reason: expect.stringMatching(/typeperf printed nothing within 700 ms/) });
  });

  it('says why after typeperf dies mid-stream instead of answering its last value', async () => {
    const p = await probe({ FAKE_TYPEPERF_MODE: 'die' });
    const pkg = await started(p.get('windows-emi:rapl_package0_pkg'));
    await vi.waitFor(async () => {
      const r = await pkg.read();
      expect(!r.ok && r.reason).toMatch(/typeperf exited \(code 1\): Error: The specified object was not found/);
    });
  });

  it('refuses a stale value when the stream turns to garbage', async () => {
    const p = await probe({ FAKE_TYPEPERF_MODE: 'garbage-stream' }, { staleAfterS: 0.15 });
    const pkg = await started(p.get('windows-emi:rapl_package0_pkg'));
    await vi.waitFor(async () => {
      const r = await pkg.read();
      expect(!r.ok && r.reason).toMatch(/^stale: .*last line unreadable/);
    });
  });
});
