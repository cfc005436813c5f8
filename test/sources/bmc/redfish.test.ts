import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sourceContext } from '../../../src/sources/discover.js';
import {
  REDFISH_CERTIFICATE_FIX,
  REDFISH_CREDENTIALS_FIX,
  parseRedfishChassis,
  parseRedfishEnvironment,
  parseRedfishMembers,
  parseRedfishPower,
  probeRedfish,
  type RedfishOptions,
} from '../../../src/sources/bmc/redfish.js';
import type { Probe } from '../../../src/sources/types.js';
import { totalRule } from '../../../src/sampler/total.js';
import { FIXTURES } from '../../helpers/fake-files.js';

const fixture = (name: string): Promise<string> => readFile(`${FIXTURES}redfish/${name}`, 'utf8');

type Routes = Record<string, string | number | ((req: IncomingMessage, res: ServerResponse) => void)>;
interface Fake {
  base: string;
  port: number;
  requests: Array<{ path: string; auth: string | undefined }>;
}

const servers: Server[] = [];
const opened: Probe[][] = [];
afterEach(async () => {
  for (const probes of opened.splice(0)) await Promise.all(probes.map((p) => p.source?.close?.()));
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

/** A BMC on 127.0.0.1: each route is a JSON body, a status code, or a handler; Basic auth when `auth` is given. */
async function bmc(routes: Routes, options: { auth?: string; tls?: boolean } = {}): Promise<Fake> {
  const requests: Fake['requests'] = [];
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const path = req.url ?? '';
    requests.push({ path, auth: req.headers.authorization });
    if (options.auth && req.headers.authorization !== `Basic ${Buffer.from(options.auth).toString('base64')}`) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="bmc"' }).end();
      return;
    }
    const route = routes[path];
    if (typeof route === 'function') route(req, res);
    else if (typeof route === 'number') res.writeHead(route).end();
    else if (route === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'content-type': 'application/json' }).end(route);
  };
  const server = options.tls
    ? createHttpsServer({ key: await fixture('tls/key.pem'), cert: await fixture('tls/cert.pem') }, handler)
    : createHttpServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { base: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`, port, requests };
}

async function probe(options: RedfishOptions, env: Record<string, string> = {}): Promise<Probe[]> {
  const probes = await probeRedfish(sourceContext({ env }), { timeoutMs: 2000, ...options });
  opened.push(probes);
  return probes;
}

const legacyRoutes = async (): Promise<Routes> => ({
  '/redfish/v1/Chassis': await fixture('chassis-collection.json'),
  '/redfish/v1/Chassis/1U': await fixture('chassis-legacy.json'),
  '/redfish/v1/Chassis/1U/Power': await fixture('power-legacy.json'),
});

const environmentRoutes = async (metrics: string): Promise<Routes> => ({
  '/redfish/v1/Chassis': await fixture('chassis-collection.json'),
  '/redfish/v1/Chassis/1U': await fixture('chassis-environment.json'),
  '/redfish/v1/Chassis/1U/EnvironmentMetrics': await fixture(metrics),
  '/redfish/v1/Chassis/1U/Power': await fixture('power-legacy.json'),
});

describe('Redfish parsers', () => {
  it('reads chassis members and links', async () => {
    expect(parseRedfishMembers(await fixture('chassis-collection.json'))).toEqual(['/redfish/v1/Chassis/1U']);
    expect(parseRedfishChassis(await fixture('chassis-environment.json'))).toEqual({
      id: '1U',
      chassisType: 'RackMount',
      containedBy: null,
      powerPath: '/redfish/v1/Chassis/1U/Power',
      environmentPath: '/redfish/v1/Chassis/1U/EnvironmentMetrics',
    });
  });

  it('reads PowerControl[0] only, and a null PowerConsumedWatts as no value with a reason', async () => {
    expect(parseRedfishPower(await fixture('power-legacy.json'))).toEqual({ powerW: 590, energyKwh: null, note: null });
    const nulled = parseRedfishPower(await fixture('power-null.json'));
    expect(nulled?.powerW).toBeNull();
    expect(nulled?.note).toMatch(/PowerConsumedWatts is null.*Oem/);
  });

  it('reads PowerWatts and EnergykWh from EnvironmentMetrics', async () => {
    expect(parseRedfishEnvironment(await fixture('environment-metrics.json'))).toEqual({ powerW: 374, energyKwh: 3638, note: null });
    expect(parseRedfishEnvironment(await fixture('environment-metrics-lenovo.json'))).toEqual({ powerW: 176, energyKwh: null, note: null });
  });

  it('never throws on garbage, wrong types, negatives or huge numbers', () => {
    for (const bad of ['', 'null', '[1,2]', '{"Members": 3', '\u0000\uffff', '42']) {
      expect(parseRedfishMembers(bad)).toBeNull();
      expect(parseRedfishPower(bad)).toBeNull();
      expect(parseRedfishEnvironment(bad)).toBeNull();
      expect(parseRedfishChassis(bad)).toBeNull();
    }
    expect(parseRedfishMembers('{"Members": [{"@odata.id": 5}, {}, null, {"@odata.id": "/redfish/v1/Chassis/A"}]}')).toEqual(['/redfish/v1/Chassis/A']);
    expect(parseRedfishPower('{"PowerControl": [{"PowerConsumedWatts": -5}]}')?.powerW).toBeNull();
    expect(parseRedfishPower('{"PowerControl": [{"PowerConsumedWatts": "590"}]}')?.powerW).toBeNull();
    expect(parseRedfishPower('{"PowerControl": [{"PowerConsumedWatts": 1e300}]}')?.powerW).toBeNull();
    expect(parseRedfishPower('{"PowerControl": []}')?.note).toMatch(/no PowerControl/);
    expect(parseRedfishEnvironment('{"PowerWatts": {"Reading": null}, "EnergykWh": {"Reading": -1}}')).toMatchObject({ powerW: null, energyKwh: null });
  });
});

describe('probeRedfish', () => {
  it('discovers the chassis and polls the legacy Power resource as a system-wall gauge', async () => {
    const fake = await bmc(await legacyRoutes());
    const probes = await probe({ url: fake.base });
    const id = `redfish:127.0.0.1:${fake.port}/1U`;
    expect(probes.map((p) => [p.info.id, p.info.kind, p.info.scope, p.state])).toEqual([[id, 'gauge', 'system-wall', 'ok']]);
    expect(probes[0]?.info.description).toMatch(/PowerControl\[0\]\.PowerConsumedWatts.*\/redfish\/v1\/Chassis\/1U\/Power, polled every 1 s/);
    // The chassis names no EnvironmentMetrics, so none is asked for.
    expect(fake.requests.map((r) => r.path)).toEqual(['/redfish/v1/Chassis', '/redfish/v1/Chassis/1U', '/redfish/v1/Chassis/1U/Power']);
    const source = probes[0]?.source;
    expect(await source?.read()).toMatchObject({ ok: false, reason: expect.stringMatching(/not started/) });
    await source?.start?.();
    expect(await source?.read()).toMatchObject({ ok: true, value: 590 });
    expect(fake.requests.at(-1)?.path).toBe('/redfish/v1/Chassis/1U/Power');
    expect(fake.requests.every((r) => r.auth === undefined)).toBe(true);
  });

  it('uses PowerWatts when EnergykWh counts whole kWh, keeping the counter as a mirror out of the total', async () => {
    const fake = await bmc(await environmentRoutes('environment-metrics.json'));
    const probes = await probe({ url: fake.base });
    const id = `redfish:127.0.0.1:${fake.port}/1U`;
    expect(probes.map((p) => [p.info.id, p.info.kind, p.info.duplicateOf, p.state])).toEqual([
      [id, 'gauge', undefined, 'ok'],
      [`${id}:energy`, 'counter', id, 'ok'],
    ]);
    expect(probes[0]?.reason).toMatch(/without Wh resolution.*PowerWatts is used/);
    expect(probes[1]?.info).toMatchObject({ joulesPerUnit: 3.6e6, maxRange: null });
    expect(totalRule(probes.map((p) => p.info)).ids).toEqual([id]);
    await Promise.all(probes.map((p) => p.source?.start?.()));
    expect(await probes[0]?.source?.read()).toMatchObject({ ok: true, value: 374 });
    expect(await probes[1]?.source?.read()).toMatchObject({ ok: true, value: 3638 });
  });

  it('prefers the EnergykWh counter (joulesPerUnit 3.6e6) when it shows Wh resolution', async () => {
    const fake = await bmc(await environmentRoutes('environment-metrics-fine.json'));
    const probes = await probe({ url: fake.base });
    const id = `redfish:127.0.0.1:${fake.port}/1U`;
    expect(probes.map((p) => [p.info.id, p.info.kind, p.info.duplicateOf])).toEqual([
      [id, 'counter', undefined],
      [`${id}:power`, 'gauge', id],
    ]);
    expect(probes[0]?.info.description).toMatch(/cumulative energy.*kWh, EnergykWh\.Reading/);
    await probes[0]?.source?.start?.();
    expect(await probes[0]?.source?.read()).toMatchObject({ ok: true, value: 3638.412 });
    // The legacy resource is not asked for once EnvironmentMetrics answers.
    expect(fake.requests.some((r) => r.path.endsWith('/Power'))).toBe(false);
  });

  it('marks a null PowerConsumedWatts unusable and keeps contained chassis out of the total', async () => {
    const chassis = (id: string, extra: object): string => JSON.stringify({ '@odata.id': `/redfish/v1/Chassis/${id}`, Id: id, ...extra });
    const fake = await bmc({
      '/redfish/v1/Chassis': JSON.stringify({
        Members: ['HGX_GPU_SXM_1', 'HGX_Baseboard_0', '1U', 'Drives'].map((id) => ({ '@odata.id': `/redfish/v1/Chassis/${id}` })),
      }),
      '/redfish/v1/Chassis/1U': await fixture('chassis-environment.json'),
      '/redfish/v1/Chassis/1U/EnvironmentMetrics': await fixture('environment-metrics-lenovo.json'),
      '/redfish/v1/Chassis/HGX_Baseboard_0': chassis('HGX_Baseboard_0', {
        Power: { '@odata.id': '/redfish/v1/Chassis/HGX_Baseboard_0/Power' },
        Links: { ContainedBy: { '@odata.id': '/redfish/v1/Chassis/1U' } },
      }),
      '/redfish/v1/Chassis/HGX_Baseboard_0/Power': JSON.stringify({ PowerControl: [{ PowerConsumedWatts: 1210 }] }),
      '/redfish/v1/Chassis/HGX_GPU_SXM_1': chassis('HGX_GPU_SXM_1', {
        Power: { '@odata.id': '/redfish/v1/Chassis/HGX_GPU_SXM_1/Power' },
        Links: { ContainedBy: { '@odata.id': '/redfish/v1/Chassis/HGX_Baseboard_0' } },
      }),
      '/redfish/v1/Chassis/HGX_GPU_SXM_1/Power': await fixture('power-null.json'),
      '/redfish/v1/Chassis/Drives': chassis('Drives', { ChassisType: 'StorageEnclosure' }),
    });
    const probes = await probe({ url: fake.base });
    const host = `redfish:127.0.0.1:${fake.port}`;
    expect(probes.map((p) => [p.info.id, p.state, p.info.duplicateOf])).toEqual([
      [`${host}/1U`, 'ok', undefined],
      [`${host}/HGX_GPU_SXM_1`, 'error', undefined],
      [`${host}/HGX_Baseboard_0`, 'ok', `${host}/1U`],
    ]);
    expect(probes[1]?.reason).toMatch(/PowerConsumedWatts is null/);
    expect(probes[1]?.source).toBeUndefined();
    expect(probes[2]?.reason).toMatch(/inside another chassis/);
    expect(totalRule(probes.filter((p) => p.state === 'ok').map((p) => p.info)).ids).toEqual([`${host}/1U`]);
  });

  it('takes credentials from the environment only and never puts them in ids or reasons', async () => {
    const routes = await legacyRoutes();
    const fake = await bmc(routes, { auth: 'monitor:pa55-word' });
    const url = `http://intruder:url-secret@127.0.0.1:${fake.port}/redfish/v1/`;
    const good = await probe({ url }, { WATTBENCH_REDFISH_USER: 'monitor', WATTBENCH_REDFISH_PASSWORD: 'pa55-word' });
    expect(good[0]?.state).toBe('ok');
    expect(new Set(fake.requests.map((r) => r.auth))).toEqual(new Set([`Basic ${Buffer.from('monitor:pa55-word').toString('base64')}`]));

    const wrong = await probe({ url }, { WATTBENCH_REDFISH_USER: 'monitor', WATTBENCH_REDFISH_PASSWORD: 'nope-nope' });
    expect(wrong).toMatchObject([{ state: 'permission', fix: REDFISH_CREDENTIALS_FIX, reason: expect.stringMatching(/refused the credentials.*401/) }]);
    const none = await probe({ url });
    expect(none).toMatchObject([{ state: 'permission', reason: expect.stringMatching(/wants credentials.*WATTBENCH_REDFISH_USER is not set/) }]);
    const text = JSON.stringify([good.map((p) => p.info), wrong, none]);
    for (const secret of ['pa55-word', 'nope-nope', 'url-secret', 'intruder']) expect(text).not.toContain(secret);
  });

  it('gives up on a BMC that never answers, and reports a missing service and a bad URL', async () => {
    const silent = await bmc({ '/redfish/v1/Chassis': () => undefined });
    const [hung] = await probe({ url: silent.base, timeoutMs: 200 });
    expect(hung).toMatchObject({ state: 'error', reason: expect.stringMatching(/no answer within 200 ms/) });
    const empty = await bmc({});
    expect((await probe({ url: empty.base }))[0]).toMatchObject({ state: 'absent', reason: expect.stringMatching(/404/) });
    expect((await probe({ url: 'ftp://bmc' }))[0]).toMatchObject({ state: 'error', reason: expect.stringMatching(/not an http\(s\) URL/) });
    const odd = await bmc({ '/redfish/v1/Chassis': JSON.stringify({ Members: [{ '@odata.id': '/redfish/v1/Chassis/bad%E0%A4%A' }] }) });
    expect((await probe({ url: odd.base }))[0]).toMatchObject({ state: 'absent', reason: expect.stringMatching(/no chassis .* has a Power/) });
    const notRedfish = await bmc({ '/redfish/v1/Chassis': '<html>login</html>' });
    expect((await probe({ url: notRedfish.base }))[0]).toMatchObject({ state: 'error', reason: expect.stringMatching(/not a Redfish chassis collection/) });
  });

  it('refuses a self-signed certificate unless insecure is set', async () => {
    const fake = await bmc(await legacyRoutes(), { tls: true });
    const strict = await probe({ url: fake.base });
    expect(strict).toMatchObject([{ state: 'error', fix: REDFISH_CERTIFICATE_FIX, reason: expect.stringMatching(/certificate is not trusted/) }]);
    const insecure = await probe({ url: fake.base, insecure: true });
    expect(insecure.map((p) => p.state)).toEqual(['ok']);
  });
});
