import { afterEach, describe, expect, it } from 'vitest';
import { sourceContext } from '../../../src/sources/discover.js';
import { meterBaseId, meterTimings, parseMeterSpec, probeMeters, splitCommand } from '../../../src/sources/meters/registry.js';
import type { Probe } from '../../../src/sources/types.js';
import { fakeTools } from '../../helpers/fake-tools.js';
import { plugFixture, startFakePlug, type FakePlug } from '../../fixtures/plugs/fake-plug.js';

describe('splitCommand', () => {
  it.each([
    ['read-watts', ['read-watts']],
    ['  read-watts   --port  /dev/ttyUSB0 ', ['read-watts', '--port', '/dev/ttyUSB0']],
    ["meter --label 'a b  c'", ['meter', '--label', 'a b  c']],
    ['meter --label "a b"', ['meter', '--label', 'a b']],
    [`meter 'it'"'"'s'`, ['meter', "it's"]],
    ['meter "say \\"hi\\" \\\\ \\$HOME \\`x\\`"', ['meter', 'say "hi" \\ $HOME `x`']],
    ['meter "a\\nb"', ['meter', 'a\\nb']],
    ['meter a\\ b c\\|d', ['meter', 'a b', 'c|d']],
    ["meter '' \"\"", ['meter', '', '']],
    ["meter '$HOME|*;&'", ['meter', '$HOME|*;&']],
    ['meter pre"mid"\'post\'', ['meter', 'premidpost']],
    ['meter a#b x~y --n=3', ['meter', 'a#b', 'x~y', '--n=3']],
    ['meter one\\\ntwo', ['meter', 'onetwo']],
    ['/opt/My\\ Meter/bin/read --json', ['/opt/My Meter/bin/read', '--json']],
    ['meter\ttab', ['meter', 'tab']],
  ])('splits %j', (text, argv) => {
    expect(splitCommand(text)).toEqual(argv);
  });

  it.each([
    ["meter 'open", /unterminated ' quote at character 7/],
    ['meter "open', /unterminated " quote/],
    ['meter \\', /lone backslash/],
    ['meter | tee log', /"\|" needs a shell/],
    ['meter > out', /">" needs a shell/],
    ['meter; rm -rf /', /";" needs a shell/],
    ['meter && x', /"&" needs a shell/],
    ['meter $PORT', /"\$" needs a shell/],
    ['meter `id`', /"`" needs a shell/],
    ['meter $(id)', /"\$" needs a shell/],
    ['meter "$PORT"', /\$ inside double quotes needs a shell/],
    ['meter "`id`"', /` inside double quotes needs a shell/],
    ['meter *.log', /pattern character "\*"/],
    ['meter file?', /pattern character "\?"/],
    ['meter {a,b}', /pattern character "\{"/],
    ['meter ~/x', /home directory expansion/],
    ['meter # comment', /a comment/],
    ['PORT=1 meter', /VAR=value assignment/],
    ['meter a\0b', /NUL/],
    ['', /no command given/],
    ['   ', /no command given/],
    ["'' meter", /no command given/],
  ])('refuses %j', (text, error) => {
    const r = splitCommand(text);
    expect(r).toHaveProperty('error');
    expect((r as { error: string }).error).toMatch(error);
    expect((r as { error: string }).error).not.toContain('\n');
  });

  it('never throws on random input', () => {
    let seed = 7;
    const chars = ` \t\n'"\\|&;<>()$\`*?[{~#=ab01\0é`;
    for (let n = 0; n < 2000; n++) {
      let text = '';
      const length = (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 24;
      for (let i = 0; i < length; i++) text += chars[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % chars.length];
      const r = splitCommand(text);
      expect(Array.isArray(r) || typeof r.error === 'string').toBe(true);
    }
  });
});

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

describe('meterTimings', () => {
  it('defaults to a 1 s period, 2 s timeout and a 3 s stale limit', () => {
    expect(meterTimings()).toEqual({ timeoutMs: 2000, periodMs: 1000, staleAfterMs: 3000 });
  });
  it('keeps a slow meter from looking stale between its answers', () => {
    expect(meterTimings({ periodMs: 100, timeoutMs: 500 })).toEqual({ timeoutMs: 500, periodMs: 100, staleAfterMs: 600 });
    expect(meterTimings({ periodMs: -1, timeoutMs: Number.NaN, staleAfterMs: 50 })).toEqual({ timeoutMs: 2000, periodMs: 1000, staleAfterMs: 50 });
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

  it('returns nothing for no meters', async () => {
    expect(await probeMeters(sourceContext(), [])).toEqual([]);
  });
});
