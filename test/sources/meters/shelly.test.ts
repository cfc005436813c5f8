import { afterEach, describe, expect, it, vi } from 'vitest';
import { sourceContext } from '../../../src/sources/discover.js';
import { meterTimings } from '../../../src/sources/meters/types.js';
import { parseShellyGen1, parseShellyGen2, probeShelly } from '../../../src/sources/meters/shelly.js';
import type { Probe } from '../../../src/sources/types.js';
import { plugFixture, startFakePlug, type FakePlug, type Reply } from '../../fixtures/plugs/fake-plug.js';

const GEN2_PATH = '/rpc/Switch.GetStatus?id=0';
const timings = meterTimings({ timeoutMs: 400, periodMs: 50 });

describe('Shelly parsers', () => {
  it('reads apower (W) and aenergy.total (Wh) from Gen2 Switch.GetStatus', () => {
    expect(parseShellyGen2(plugFixture('shelly-gen2-switch-metering.json'))).toEqual({ powerW: 87.4, energy: 2690.73 });
    expect(parseShellyGen2(plugFixture('shelly-gen2-switch-idle.json'))).toEqual({ powerW: 0, energy: 0 });
    // An `errors` array (overtemp) and missing voltage/freq do not hide the reading.
    expect(parseShellyGen2(plugFixture('shelly-gen2-switch-errors.json'))).toEqual({ powerW: 1834.2, energy: 15.002 });
    expect(parseShellyGen2(plugFixture('shelly-gen2-switch-no-aenergy.json'))).toEqual({ powerW: 12.5, energy: null });
  });

  it('gives null power for a Gen2 switch without metering and for an RPC error', () => {
    expect(parseShellyGen2(plugFixture('shelly-gen2-switch-no-pm.json'))).toEqual({ powerW: null, energy: null });
    expect(parseShellyGen2(plugFixture('shelly-gen2-rpc-error.json'))).toEqual({ powerW: null, energy: null });
  });

  it('reads meters[0].power (W) and total (watt-minutes) from Gen1 /status', () => {
    expect(parseShellyGen1(plugFixture('shelly-gen1-status.json'))).toEqual({ powerW: 41.27, energy: 123456 });
    expect(parseShellyGen1(plugFixture('shelly-gen1-invalid.json'))).toEqual({ powerW: null, energy: null });
    expect(parseShellyGen1(plugFixture('shelly-gen1-no-meters.json'))).toEqual({ powerW: null, energy: null });
  });

  it.each([
    ['truncated JSON', plugFixture('truncated.json')],
    ['HTML', plugFixture('not-json.html')],
    ['an array', '[1,2,3]'],
    ['null', 'null'],
    ['a number', '87.4'],
    ['empty', ''],
    ['bytes', '\u0000\u00ff\u0001{'],
  ])('returns null for %s', (_, text) => {
    expect(parseShellyGen2(text)).toBeNull();
    expect(parseShellyGen1(text)).toBeNull();
  });

  it.each([
    ['negative', '{"apower":-3.5,"aenergy":{"total":-1}}'],
    ['a string', '{"apower":"87.4","aenergy":{"total":"12"}}'],
    ['huge', '{"apower":1e300,"aenergy":{"total":1e300}}'],
    ['null', '{"apower":null,"aenergy":null}'],
    ['an object', '{"apower":{},"aenergy":[1]}'],
  ])('refuses a %s value instead of inventing one', (_, text) => {
    expect(parseShellyGen2(text)).toEqual({ powerW: null, energy: null });
  });
});

describe('probeShelly', () => {
  const plugs: FakePlug[] = [];
  const probes: Probe[] = [];
  afterEach(async () => {
    await Promise.all(probes.splice(0).map((p) => p.source?.close?.()));
    await Promise.all(plugs.splice(0).map((p) => p.close()));
  });
  const plug = async (route: (url: string, n: number) => Reply): Promise<FakePlug> => {
    const p = await startFakePlug((url, n, req) => route(url, n));
    plugs.push(p);
    return p;
  };
  const probe = async (p: FakePlug, env: Record<string, string> = {}): Promise<Probe[]> => {
    const found = await probeShelly(sourceContext({ env: { PATH: process.env.PATH, ...env } }), p.url, timings);
    probes.push(...found);
    return found;
  };
  const gen2 = (fixture: string) => (url: string): Reply => (url === GEN2_PATH ? { body: plugFixture(fixture) } : { status: 404, body: 'Not Found' });

  it('makes the Gen2 energy counter the source that counts and the power gauge its mirror', async () => {
    const p = await plug(gen2('shelly-gen2-switch-metering.json'));
    const [counter, gauge] = await probe(p);
    const id = `shelly:${p.host}`;
    expect(counter?.info).toMatchObject({ id, kind: 'counter', scope: 'system-wall', quality: 'measured', joulesPerUnit: 3600, maxRange: null });
    expect(counter?.info.duplicateOf).toBeUndefined();
    expect(counter?.info.description).toMatch(/aenergy\.total from http:\/\/127\.0\.0\.1:\d+\/rpc\/Switch\.GetStatus \(Shelly Gen2\+\), cumulative Wh/);
    expect(counter?.state).toBe('ok');
    expect(counter?.reason).toMatch(/^87\.4 W now; energy from aenergy\.total \(Wh\), which restarts when the plug reboots/);
    expect(gauge?.info).toMatchObject({ id: `${id}:power`, kind: 'gauge', scope: 'system-wall', duplicateOf: id, updatePeriodS: 1 });
    expect(gauge?.info.description).toMatch(/apower .* W, instantaneous/);
    expect(gauge?.state).toBe('ok');
  });

  it('answers reads from the poller after start(), and refuses them before', async () => {
    let total = 2690.73;
    const p = await plug((url) => {
      if (url !== GEN2_PATH) return { status: 404, body: '' };
      total += 0.001;
      return { body: JSON.stringify({ id: 0, apower: 87.4, aenergy: { total, by_minute: [0, 0, 0], minute_ts: 0 } }) };
    });
    const [counter, gauge] = await probe(p);
    expect(await counter?.source?.read()).toEqual({ ok: false, reason: expect.stringMatching(/^not started/) });
    await counter?.source?.start?.();
    await gauge?.source?.start?.();
    const c = await counter?.source?.read();
    const g = await gauge?.source?.read();
    expect(c).toMatchObject({ ok: true, atS: expect.any(Number) });
    expect((c as { value: number }).value).toBeCloseTo(2690.732, 6);
    expect(g).toMatchObject({ ok: true, value: 87.4 });
    // Both sources share one poller: start() twice did not double the requests (probe + first poll).
    expect(p.seen.length).toBe(2);
    await vi.waitFor(async () => expect((await counter?.source?.read()) as { value: number }).toMatchObject({ value: expect.closeTo(2690.733, 6) }), { timeout: 2000, interval: 20 });
    await counter?.source?.close?.();
    await counter?.source?.close?.();
  });

  it('gives only the gauge, under the bare id, when the Gen2 answer has no aenergy', async () => {
    const p = await plug(gen2('shelly-gen2-switch-no-aenergy.json'));
    const found = await probe(p);
    expect(found.map((f) => [f.info.id, f.info.kind, f.info.duplicateOf])).toEqual([[`shelly:${p.host}`, 'gauge', undefined]]);
    expect(found[0]?.reason).toMatch(/12\.5 W now; energy integrated from power \(no aenergy\.total/);
  });

  it('says a Gen2 switch without metering cannot be used', async () => {
    const p = await plug(gen2('shelly-gen2-switch-no-pm.json'));
    const found = await probe(p);
    expect(found).toHaveLength(1);
    expect(found[0]?.state).toBe('error');
    expect(found[0]?.reason).toMatch(/reports no apower: this Shelly does not meter power/);
    expect(found[0]?.fix).toMatch(/Shelly that meters power/);
    expect(found[0]?.source).toBeUndefined();
  });

  it('passes on an RPC error message', async () => {
    const p = await plug(gen2('shelly-gen2-rpc-error.json'));
    const found = await probe(p);
    expect(found[0]?.state).toBe('error');
    expect(found[0]?.reason).toMatch(/answered RPC error -105: Argument 'id', value 0 not found!/);
    const as500 = await plug((url) => (url === GEN2_PATH ? { status: 500, body: plugFixture('shelly-gen2-rpc-error.json') } : { status: 404, body: '' }));
    const [only] = await probe(as500);
    expect(only?.state).toBe('error');
    expect(only?.reason).toMatch(/\/rpc\/Switch\.GetStatus answered HTTP 500 \(RPC error -105: Argument 'id', value 0 not found!\)$/);
  });

  it('falls back to Gen1 /status, where the gauge counts and the watt-minute counter mirrors it', async () => {
    const p = await plug((url) => (url === '/status' ? { body: plugFixture('shelly-gen1-status.json') } : { status: 404, body: 'Not Found' }));
    const [gauge, counter] = await probe(p);
    const id = `shelly:${p.host}`;
    expect(p.seen.map((s) => s.url)).toEqual([GEN2_PATH, '/status']);
    expect(gauge?.info).toMatchObject({ id, kind: 'gauge', scope: 'system-wall' });
    expect(gauge?.info.duplicateOf).toBeUndefined();
    expect(gauge?.info.description).toMatch(/meters\[0\]\.power from http:\/\/127\.0\.0\.1:\d+\/status \(Shelly Gen1\)/);
    expect(counter?.info).toMatchObject({ id: `${id}:energy`, kind: 'counter', joulesPerUnit: 60, duplicateOf: id });
    expect(counter?.reason).toMatch(/watt-minutes, too coarse/);
    await gauge?.source?.start?.();
    expect(await gauge?.source?.read()).toMatchObject({ ok: true, value: 41.27 });
    expect(await counter?.source?.read()).toMatchObject({ ok: true, value: 123456 });
  });

  it('reports a Gen1 meter that failed its self-check, and one without meters', async () => {
    const invalid = await plug((url) => (url === '/status' ? { body: plugFixture('shelly-gen1-invalid.json') } : { status: 404, body: '' }));
    expect((await probe(invalid))[0]?.reason).toMatch(/is_valid is false/);
    const none = await plug((url) => (url === '/status' ? { body: plugFixture('shelly-gen1-no-meters.json') } : { status: 404, body: '' }));
    expect((await probe(none))[0]).toMatchObject({ state: 'error', reason: expect.stringMatching(/lists no meters/) });
  });

  it('says what a 404 on both paths means', async () => {
    const p = await plug(() => ({ status: 404, body: '' }));
    const [only] = await probe(p);
    expect(only?.state).toBe('error');
    expect(only?.reason).toMatch(/\/rpc\/Switch\.GetStatus answered HTTP 404, and .*\/status has no meter either: not a Shelly/);
  });

  it('reports garbage JSON as an error with what came back', async () => {
    const p = await plug(() => ({ body: plugFixture('truncated.json') }));
    const [only] = await probe(p);
    expect(only?.state).toBe('error');
    expect(only?.reason).toMatch(/answered something that is not a JSON object: "\{\\"id\\":0/);
  });

  it('gives up on a plug that never answers, within the timeout', async () => {
    const p = await plug(() => 'hang');
    const [only] = await probe(p);
    expect(only?.state).toBe('error');
    expect(only?.reason).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/rpc\/Switch\.GetStatus gave no answer within 400 ms$/);
  });

  it('reports an unreachable plug', async () => {
    const p = await plug(() => ({ body: '' }));
    await p.close();
    const [only] = await probe(p);
    expect(only?.state).toBe('error');
    expect(only?.reason).toMatch(/ECONNREFUSED/);
  });

  it('turns reads stale, without blocking, when the plug stops answering', async () => {
    // Answers the probe and the first poll, then hangs every request.
    const p = await plug((url, n) => (n < 2 ? { body: plugFixture('shelly-gen2-switch-metering.json') } : 'hang'));
    const [counter, gauge] = await probe(p);
    await counter?.source?.start?.();
    expect(await gauge?.source?.read()).toMatchObject({ ok: true, value: 87.4 });
    await vi.waitFor(
      async () => {
        const r = await gauge?.source?.read();
        expect(r).toEqual({ ok: false, reason: expect.stringMatching(/^stale: last good reading \d+\.\d s ago \(.*gave no answer within 400 ms\)$/) });
      },
      { timeout: 3000, interval: 20 },
    );
    expect(await counter?.source?.read()).toMatchObject({ ok: false, reason: expect.stringMatching(/^stale/) });
  });

  describe('credentials', () => {
    const SECRET = 's3cret-Pa55';
    const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    // A Gen1 plug with a password: every path needs Basic auth, then /rpc is simply missing.
    const gen1WithPassword = (url: string, authorization: string | undefined): Reply => {
      if (authorization !== basic('admin', SECRET)) return { status: 401, body: '401 Unauthorized' };
      return url === '/status' ? { body: plugFixture('shelly-gen1-status.json') } : { status: 404, body: '' };
    };
    const securePlug = async (): Promise<FakePlug> => {
      const p = await startFakePlug((url, n, req) => gen1WithPassword(url, req.headers.authorization));
      plugs.push(p);
      return p;
    };
    const leaks = (found: Probe[]): string => JSON.stringify(found.map((f) => [f.info, f.reason, f.fix]));

    it('sends Basic auth from WATTBENCH_SHELLY_USER/PASSWORD and never shows the password', async () => {
      const p = await securePlug();
      const found = await probe(p, { WATTBENCH_SHELLY_USER: 'admin', WATTBENCH_SHELLY_PASSWORD: SECRET });
      expect(found.map((f) => f.state)).toEqual(['ok', 'ok']);
      expect(p.seen.every((s) => s.authorization === basic('admin', SECRET))).toBe(true);
      expect(p.seen.some((s) => s.url.includes(SECRET))).toBe(false);
      expect(leaks(found)).not.toContain(SECRET);
      await found[0]?.source?.start?.();
      expect(await found[0]?.source?.read()).toMatchObject({ ok: true, value: 41.27 });
    });

    it('uses admin as the user when only the password is set', async () => {
      const p = await securePlug();
      const found = await probe(p, { WATTBENCH_SHELLY_PASSWORD: SECRET });
      expect(found[0]?.state).toBe('ok');
    });

    it('asks for credentials, with the exact variables to set, when none are given', async () => {
      const p = await securePlug();
      const [only] = await probe(p);
      expect(only?.state).toBe('permission');
      expect(only?.reason).toMatch(/answered HTTP 401: the plug asks for a password$/);
      expect(only?.fix).toMatch(/^export WATTBENCH_SHELLY_USER=admin WATTBENCH_SHELLY_PASSWORD=/);
      expect(p.seen.every((s) => s.authorization === undefined)).toBe(true);
    });

    it('says the credentials were refused, without showing them', async () => {
      const p = await securePlug();
      const found = await probe(p, { WATTBENCH_SHELLY_USER: 'root', WATTBENCH_SHELLY_PASSWORD: 'wrong-Secret-42' });
      expect(found[0]?.state).toBe('permission');
      expect(found[0]?.reason).toMatch(/refused the credentials from WATTBENCH_SHELLY_USER\/WATTBENCH_SHELLY_PASSWORD .*digest/);
      expect(leaks(found)).not.toContain('wrong-Secret-42');
      expect(leaks(found)).not.toContain(Buffer.from('root:wrong-Secret-42').toString('base64'));
    });
  });
});
