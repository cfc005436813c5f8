import { afterEach, describe, expect, it, vi } from 'vitest';
import { sourceContext } from '../../../src/sources/discover.js';
import { meterTimings } from '../../../src/sources/meters/types.js';
import { parseTasmotaStatus8, probeTasmota, tasmotaWarning } from '../../../src/sources/meters/tasmota.js';
import type { Probe } from '../../../src/sources/types.js';
import { plugFixture, startFakePlug, type FakePlug, type Reply } from '../../fixtures/plugs/fake-plug.js';

const timings = meterTimings({ timeoutMs: 400, periodMs: 50 });

describe('Tasmota parsers', () => {
  it('reads Power (W) and Total (kWh) from the single-value Status 8 form', () => {
    expect(parseTasmotaStatus8(plugFixture('tasmota-status8.json'))).toEqual({ powerW: 1, energyKWh: 4.957, channels: 1 });
    // Older firmware adds a Period field; it changes nothing.
    expect(parseTasmotaStatus8(plugFixture('tasmota-status8-period.json'))).toEqual({ powerW: 96, energyKWh: 152.318, channels: 1 });
  });

  it('sums the channels of the array form', () => {
    expect(parseTasmotaStatus8(plugFixture('tasmota-status8-array.json'))).toEqual({ powerW: 11, energyKWh: 31.043, channels: 3 });
    expect(parseTasmotaStatus8(plugFixture('tasmota-status8-2ch-totals.json'))).toEqual({ powerW: 100, energyKWh: 3.75, channels: 2 });
  });

  it('accepts a bare ENERGY object as telemetry sends it', () => {
    expect(parseTasmotaStatus8('{"Time":"2024-05-05T13:27:21","ENERGY":{"Total":2.5,"Power":[7,3]}}')).toEqual({ powerW: 10, energyKWh: 2.5, channels: 2 });
  });

  it('gives null readings for a Tasmota without energy monitoring', () => {
    expect(parseTasmotaStatus8(plugFixture('tasmota-no-energy.json'))).toEqual({ powerW: null, energyKWh: null, channels: 0 });
  });

  it.each([
    ['negative power', '{"StatusSNS":{"ENERGY":{"Power":-4,"Total":1}}}', { powerW: null, energyKWh: 1, channels: 0 }],
    ['one bad channel', '{"StatusSNS":{"ENERGY":{"Power":[3,"x",1],"Total":[1,-2]}}}', { powerW: null, energyKWh: null, channels: 0 }],
    ['an empty array', '{"StatusSNS":{"ENERGY":{"Power":[],"Total":[]}}}', { powerW: null, energyKWh: null, channels: 0 }],
    ['huge power', '{"StatusSNS":{"ENERGY":{"Power":1e300,"Total":1e300}}}', { powerW: null, energyKWh: null, channels: 0 }],
    ['strings', '{"StatusSNS":{"ENERGY":{"Power":"60","Total":"1.5"}}}', { powerW: null, energyKWh: null, channels: 0 }],
  ])('refuses %s instead of inventing a value', (_, text, reading) => {
    expect(parseTasmotaStatus8(text)).toEqual(reading);
  });

  it.each([
    ['truncated JSON', '{"StatusSNS":{"Time":"2020-12-23T08:28:42","ENERGY":{"Total":4.9'],
    ['HTML', plugFixture('not-json.html')],
    ['an array', '[{"ENERGY":{}}]'],
    ['empty', ''],
    ['bytes', '\u0000\u0001\u00ff'],
  ])('returns null for %s', (_, text) => {
    expect(parseTasmotaStatus8(text)).toBeNull();
  });

  it('finds the warning a password-protected Tasmota answers with', () => {
    expect(tasmotaWarning(plugFixture('tasmota-need-password.json'))).toBe('Need user=<username>&password=<password>');
    expect(tasmotaWarning(plugFixture('tasmota-status8.json'))).toBeNull();
    expect(tasmotaWarning('not json')).toBeNull();
  });
});

describe('probeTasmota', () => {
  const plugs: FakePlug[] = [];
  const probes: Probe[] = [];
  afterEach(async () => {
    await Promise.all(probes.splice(0).map((p) => p.source?.close?.()));
    await Promise.all(plugs.splice(0).map((p) => p.close()));
  });
  const plug = async (route: (url: string, n: number) => Reply): Promise<FakePlug> => {
    const p = await startFakePlug((url, n) => route(url, n));
    plugs.push(p);
    return p;
  };
  const probe = async (p: FakePlug, env: Record<string, string> = {}): Promise<Probe[]> => {
    const found = await probeTasmota(sourceContext({ env: { PATH: process.env.PATH, ...env } }), p.url, timings);
    probes.push(...found);
    return found;
  };

  it('makes the power gauge the source that counts and the kWh counter its mirror', async () => {
    const p = await plug(() => ({ body: plugFixture('tasmota-status8.json') }));
    const [gauge, counter] = await probe(p);
    const id = `tasmota:${p.host}`;
    expect(p.seen.map((s) => s.url)).toEqual(['/cm?cmnd=Status%208']);
    expect(gauge?.info).toMatchObject({ id, kind: 'gauge', scope: 'system-wall', quality: 'measured', updatePeriodS: 1 });
    expect(gauge?.info.duplicateOf).toBeUndefined();
    expect(gauge?.info.description).toMatch(/^StatusSNS\.ENERGY\.Power from http:\/\/127\.0\.0\.1:\d+\/cm \(Tasmota Status 8\), W/);
    expect(gauge?.reason).toMatch(/^1 W now; energy integrated from power; tasmota:.*:energy mirrors it$/);
    expect(counter?.info).toMatchObject({ id: `${id}:energy`, kind: 'counter', scope: 'system-wall', joulesPerUnit: 3.6e6, maxRange: null, duplicateOf: id });
    expect(counter?.reason).toMatch(/1 Wh steps/);
    expect(counter?.state).toBe('ok');
  });

  it('reads from the poller after start(): W from the gauge, kWh from the counter', async () => {
    const p = await plug(() => ({ body: plugFixture('tasmota-status8-array.json') }));
    const [gauge, counter] = await probe(p);
    expect(gauge?.info.description).toMatch(/Power \(sum of 3 channels\)/);
    expect(await gauge?.source?.read()).toMatchObject({ ok: false, reason: expect.stringMatching(/^not started/) });
    await gauge?.source?.start?.();
    expect(await gauge?.source?.read()).toMatchObject({ ok: true, value: 11, atS: expect.any(Number) });
    expect(await counter?.source?.read()).toMatchObject({ ok: true, value: 31.043 });
  });

  it('gives only the gauge when there is no Total', async () => {
    const p = await plug(() => ({ body: '{"StatusSNS":{"ENERGY":{"Power":42}}}' }));
    const found = await probe(p);
    expect(found.map((f) => [f.info.id, f.info.kind, f.state])).toEqual([[`tasmota:${p.host}`, 'gauge', 'ok']]);
  });

  it('says a Tasmota without energy monitoring cannot be used', async () => {
    const p = await plug(() => ({ body: plugFixture('tasmota-no-energy.json') }));
    const [only, more] = await probe(p);
    expect(more).toBeUndefined();
    expect(only?.state).toBe('error');
    expect(only?.reason).toMatch(/\/cm reports no StatusSNS\.ENERGY: this Tasmota has no power monitoring configured$/);
  });

  it('reports garbage JSON and HTTP errors', async () => {
    const garbage = await plug(() => ({ body: '{"StatusSNS":{"ENERGY":{"Power":1' }));
    expect((await probe(garbage))[0]).toMatchObject({ state: 'error', reason: expect.stringMatching(/not a JSON object: "\{\\"StatusSNS/) });
    const broken = await plug(() => ({ status: 500, body: 'oops' }));
    expect((await probe(broken))[0]).toMatchObject({ state: 'error', reason: expect.stringMatching(/\/cm answered HTTP 500$/) });
  });

  it('gives up on a plug that never answers, and turns reads stale when one stops answering', async () => {
    const dead = await plug(() => 'hang');
    expect((await probe(dead))[0]).toMatchObject({ state: 'error', reason: expect.stringMatching(/\/cm gave no answer within 400 ms$/) });

    const p = await plug((url, n) => (n < 2 ? { body: plugFixture('tasmota-status8-period.json') } : 'hang'));
    const [gauge] = await probe(p);
    await gauge?.source?.start?.();
    expect(await gauge?.source?.read()).toMatchObject({ ok: true, value: 96 });
    await vi.waitFor(
      async () => expect(await gauge?.source?.read()).toEqual({ ok: false, reason: expect.stringMatching(/^stale: .*\/cm gave no answer within 400 ms\)$/) }),
      { timeout: 3000, interval: 20 },
    );
  });

  describe('credentials', () => {
    const SECRET = 'p@ss w0rd&x=1';
    // Tasmota with a web password answers 200 and a WARNING instead of data.
    const guarded = (url: string): Reply => {
      const q = new URL(url, 'http://plug').searchParams;
      if (q.get('user') !== 'admin' || q.get('password') !== SECRET) return { body: plugFixture('tasmota-need-password.json') };
      return q.get('cmnd') === 'Status 8' ? { body: plugFixture('tasmota-status8.json') } : { body: '{"Command":"Unknown"}' };
    };
    const leaks = (found: Probe[]): string => JSON.stringify(found.map((f) => [f.info, f.reason, f.fix]));

    it('sends user and password from the environment as query parameters, and never shows them', async () => {
      const p = await plug(guarded);
      const found = await probe(p, { WATTBENCH_TASMOTA_USER: 'admin', WATTBENCH_TASMOTA_PASSWORD: SECRET });
      expect(found.map((f) => f.state)).toEqual(['ok', 'ok']);
      expect(p.seen[0]?.url).toBe(`/cm?cmnd=Status%208&user=admin&password=${encodeURIComponent(SECRET)}`);
      expect(leaks(found)).not.toContain('w0rd');
      expect(leaks(found)).not.toContain(encodeURIComponent(SECRET));
      await found[0]?.source?.start?.();
      expect(await found[0]?.source?.read()).toMatchObject({ ok: true, value: 1 });
      expect(p.seen.length).toBe(2);
      expect(p.seen[1]?.url).toContain(encodeURIComponent(SECRET));
    });

    it('never sends a request, nor quotes the URL, when the base URL is invalid', async () => {
      const ctx = sourceContext({ env: { WATTBENCH_TASMOTA_PASSWORD: SECRET } });
      const found = await probeTasmota(ctx, 'http://[bad', timings);
      expect(found).toEqual([expect.objectContaining({ state: 'error', reason: 'not a valid plug URL' })]);
      expect(found[0]?.info.id).toBe('tasmota:invalid');
      expect(leaks(found)).not.toContain('w0rd');
    });

    it('uses admin as the user when only the password is set', async () => {
      const p = await plug(guarded);
      expect((await probe(p, { WATTBENCH_TASMOTA_PASSWORD: SECRET }))[0]?.state).toBe('ok');
    });

    it('asks for credentials, with the variables to set, when the plug has a web password', async () => {
      const p = await plug(guarded);
      const [only] = await probe(p);
      expect(only?.state).toBe('permission');
      expect(only?.reason).toMatch(/\/cm has a web password: "Need user=<username>&password=<password>"$/);
      expect(only?.fix).toMatch(/^export WATTBENCH_TASMOTA_USER=admin WATTBENCH_TASMOTA_PASSWORD=/);
      expect(p.seen[0]?.url).toBe('/cm?cmnd=Status%208');
    });

    it('says the credentials were refused, without showing them, also on HTTP 401', async () => {
      const p = await plug(guarded);
      const found = await probe(p, { WATTBENCH_TASMOTA_PASSWORD: 'Wrong-Secret-9' });
      expect(found[0]?.state).toBe('permission');
      expect(found[0]?.reason).toMatch(/refused the credentials from WATTBENCH_TASMOTA_USER\/WATTBENCH_TASMOTA_PASSWORD/);
      expect(leaks(found)).not.toContain('Wrong-Secret-9');

      const strict = await plug(() => ({ status: 401, body: '' }));
      const r401 = await probe(strict, { WATTBENCH_TASMOTA_PASSWORD: 'Wrong-Secret-9' });
      expect(r401[0]).toMatchObject({ state: 'permission', reason: expect.stringMatching(/\(HTTP 401\)$/) });
      expect(leaks(r401)).not.toContain('Wrong-Secret-9');
    });
  });
});
