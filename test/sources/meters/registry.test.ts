import { afterEach, describe, expect, it } from 'vitest';
import { sourceContext } from '../../../src/sources/discover.js';
import { UsageError } from '../../../src/errors.js';
import { METERS, meterBaseId, metersOfFamily, meterUsage, parseMeterSpec, parseMeters, probeMeters } from '../../../src/sources/meters/registry.js';
import type { Probe } from '../../../src/sources/types.js';
import { fakeTools } from '../../helpers/fake-tools.js';
import { plugFixture, startFakePlug, type FakePlug } from '../../fixtures/plugs/fake-plug.js';

describe('parseMeterSpec', () => {
  it.each([
    ['shelly=http://192.168.1.20', { type: 'shelly', url: 'http://192.168.1.20' }],
    ['shelly=192.168.1.20', { type: 'shelly', url: 'http://192.168.1.20' }],
    ['Shelly=http://plug.lan:8080/', { type: 'shelly', url: 'http://plug.lan:8080' }],
    ['tasmota=http://10.0.0.5', { type: 'tasmota', url: 'http://10.0.0.5' }],
    ['tasmota=https://proxy.lan/plugs/desk/', { type: 'tasmota', url: 'https://proxy.lan/plugs/desk' }],
    ['tasmota=[fe80::1]', { type: 'tasmota', url: 'http://[fe80::1]' }],
    ["command=read-watts --port '/dev/tty USB0'", { type: 'command', argv: ['read-watts', '--port', '/dev/tty USB0'] }],
    ['command=./a=b x=1', { type: 'command', argv: ['./a=b', 'x=1'] }],
    ['redfish=https://10.0.0.9', { type: 'redfish', url: 'https://10.0.0.9', insecure: false }],
    ['Redfish-Insecure= https://bmc.lan:8443/ ', { type: 'redfish', url: 'https://bmc.lan:8443/', insecure: true }],
  ])('parses %j', (text, spec) => {
    expect(parseMeterSpec(text)).toEqual(spec);
  });

  it.each([
    ['shelly', /expected TYPE=TARGET/],
    ['zigbee=http://x', /unknown meter type "zigbee"/],
    ['shelly=', /no address given/],
    ['shelly=ftp://x', /only http:\/\/ and https:\/\//],
    ['shelly=http://', /not a URL/],
    ['tasmota=http://10.0.0.5/cm?cmnd=Status%208', /without a query/],
    ['shelly=http://10.0.0.5/#x', /without a query/],
    ['command=meter | tee', /^--meter command: "\|" needs a shell/],
    ['command=', /no command given/],
    ['command=a=b', /VAR=value assignment/],
    ['redfish=', /^--meter redfish: no address given \(e\.g\. redfish=https:/],
    ['redfish-insecure=', /^--meter redfish-insecure: no address given/],
  ])('refuses %j with a one-line error', (text, error) => {
    const r = parseMeterSpec(text);
    expect(r).toHaveProperty('error');
    expect((r as { error: string }).error).toMatch(error);
    expect((r as { error: string }).error).not.toContain('\n');
  });

  it('refuses credentials in a URL without echoing them', () => {
    const r = parseMeterSpec('shelly=http://admin:hunter2@192.168.1.20');
    expect((r as { error: string }).error).toMatch(/set WATTBENCH_SHELLY_USER and WATTBENCH_SHELLY_PASSWORD/);
    expect(JSON.stringify(r)).not.toContain('hunter2');
    const t = parseMeterSpec('tasmota=http://:hunter2@10.0.0.5');
    expect((t as { error: string }).error).toMatch(/WATTBENCH_TASMOTA_PASSWORD/);
    expect(JSON.stringify(t)).not.toContain('hunter2');
    expect(JSON.stringify(parseMeterSpec('http://admin:hunter2@x'))).not.toContain('hunter2');
  });

  it('gives each meter a base id', () => {
    expect(meterBaseId({ type: 'shelly', url: 'http://192.168.1.20' })).toBe('shelly:192.168.1.20');
    expect(meterBaseId({ type: 'tasmota', url: 'http://plug.lan:8080/x' })).toBe('tasmota:plug.lan:8080');
    expect(meterBaseId({ type: 'command', argv: ['/usr/local/bin/read-watts', '-v'] })).toBe('meter:read-watts');
  });
});

describe('the meter registry', () => {
  it('names every type in the usage text and in the error for an unknown one', () => {
    const usage = meterUsage();
    for (const m of METERS) expect(usage).toContain(`${m.type}=`);
    expect(usage).toContain('redfish-insecure=');
    const r = parseMeterSpec('zigbee=x');
    for (const m of METERS) expect((r as { error: string }).error).toContain(`${m.type}=`);
  });

  it('has one descriptor per type, each with a family', () => {
    const words = METERS.flatMap((m) => [m.type, ...(m.aliases ?? [])]);
    expect(new Set(words).size).toBe(words.length);
    expect(METERS.map((m) => [m.type, m.family])).toEqual([
      ['shelly', 'meters'],
      ['tasmota', 'meters'],
      ['redfish', 'bmc'],
      ['command', 'meters'],
    ]);
  });

  it('parseMeters keeps the order given and throws a UsageError with the one-line message of the first bad value', () => {
    expect(parseMeters(['redfish=https://bmc', 'shelly=10.0.0.5', 'command=read-watts'])).toEqual([
      { type: 'redfish', url: 'https://bmc', insecure: false },
      { type: 'shelly', url: 'http://10.0.0.5' },
      { type: 'command', argv: ['read-watts'] },
    ]);
    expect(parseMeters([])).toEqual([]);
    expect(() => parseMeters(['shelly=10.0.0.5', 'shelly=http://admin:hunter2@x', 'zigbee=1'])).toThrow(UsageError);
    try {
      parseMeters(['shelly=http://admin:hunter2@x', 'zigbee=1']);
    } catch (e) {
      expect((e as UsageError).exitCode).toBe(2);
      expect((e as Error).message).toMatch(/^--meter shelly: credentials do not belong in the URL/);
      expect((e as Error).message).not.toContain('hunter2');
    }
  });

  it('splits specs by the family their type lives in, keeping their order', () => {
    const specs = parseMeters(['redfish=https://a', 'shelly=h1', 'redfish-insecure=https://b', 'command=m']);
    expect(metersOfFamily(specs, 'meters').map(meterBaseId)).toEqual(['shelly:h1', 'meter:m']);
    expect(metersOfFamily(specs, 'bmc').map(meterBaseId)).toEqual(['redfish:a', 'redfish:b']);
  });
});

describe('probeMeters', () => {
  const plugs: FakePlug[] = [];
  const probes: Probe[] = [];
  afterEach(async () => {
    await Promise.all(probes.splice(0).map((p) => p.source?.close?.()));
    await Promise.all(plugs.splice(0).map((p) => p.close()));
  });

  it('dispatches every type, keeps ids unique and reports a meter given twice', async () => {
    const shelly = await startFakePlug((url) => (url.startsWith('/rpc/Switch.GetStatus') ? { body: plugFixture('shelly-gen2-switch-metering.json') } : { status: 404, body: '' }));
    const tasmota = await startFakePlug(() => ({ body: plugFixture('tasmota-status8.json') }));
    plugs.push(shelly, tasmota);
    const tools = await fakeTools(['fake-wattmeter']);
    try {
      const specs = [
        `shelly=${shelly.url}`,
        `tasmota=${tasmota.url}/`,
        'command=fake-wattmeter 10',
        "command=fake-wattmeter '20'",
        'command=fake-wattmeter 10',
        `shelly=${shelly.url}`,
      ].map((text) => {
        const spec = parseMeterSpec(text);
        if ('error' in spec) throw new Error(spec.error);
        return spec;
      });
      probes.push(...(await probeMeters(sourceContext({ env: tools.env }), specs, { timeoutMs: 3000, periodMs: 100 })));
      const byId = new Map(probes.map((p) => [p.info.id, p]));
      expect([...byId.keys()]).toEqual([
        `shelly:${shelly.host}`,
        `shelly:${shelly.host}:power`,
        `tasmota:${tasmota.host}`,
        `tasmota:${tasmota.host}:energy`,
        'meter:fake-wattmeter',
        'meter:fake-wattmeter#2',
        'meter:fake-wattmeter#3',
        `shelly:${shelly.host}#2`,
      ]);
      for (const p of probes) expect(p.info.scope).toBe('system-wall');
      expect(byId.get(`shelly:${shelly.host}`)?.info.kind).toBe('counter');
      expect(byId.get(`tasmota:${tasmota.host}`)?.info.kind).toBe('gauge');
      expect(byId.get('meter:fake-wattmeter#2')?.state).toBe('ok');
      expect(byId.get('meter:fake-wattmeter#2')?.reason).toMatch(/^20 W now/);
      const again = byId.get('meter:fake-wattmeter#3');
      expect(again?.state).toBe('error');
      expect(again?.reason).toMatch(/given twice .*meter:fake-wattmeter\)/);
      expect(again?.info.duplicateOf).toBe('meter:fake-wattmeter');
      expect(byId.get(`shelly:${shelly.host}#2`)?.state).toBe('error');
      // The duplicate was not requested again: one Gen2 request for the plug.
      expect(shelly.seen.map((s) => s.url)).toEqual(['/rpc/Switch.GetStatus?id=0']);
    } finally {
      await tools.cleanup();
    }
  });

  it('reads a BMC given twice once, whatever the certificate option', async () => {
    // An ftp:// address is refused by the probe before any request, so nothing here touches the network.
    const specs = parseMeters(['redfish=ftp://bmc.lan', 'redfish-insecure=FTP://BMC.lan/']);
    const out = await probeMeters(sourceContext(), specs);
    expect(out.map((p) => [p.info.id, p.state])).toEqual([
      ['redfish', 'error'],
      ['redfish:bmc.lan#2', 'error'],
    ]);
    expect(out[0]?.reason).toMatch(/not an http\(s\) URL/);
    expect(out[1]?.info.duplicateOf).toBe('redfish:bmc.lan');
    expect(out[1]?.reason).toMatch(/given twice/);
  });

  it('returns nothing for no meters', async () => {
    expect(await probeMeters(sourceContext(), [])).toEqual([]);
  });
});
