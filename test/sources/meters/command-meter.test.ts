import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi, type TestContext } from 'vitest';
import { lastWatts, parseWattsLine, probeCommandMeter } from '../../../src/sources/meters/command-meter.js';
import { sourceContext } from '../../../src/sources/discover.js';
import { meterTimings, type MeterOptions } from '../../../src/sources/meters/types.js';
import type { Probe } from '../../../src/sources/types.js';
import { fakeTools } from '../../helpers/fake-tools.js';

describe('parseWattsLine', () => {
  it.each([
    ['42.5', 42.5],
    ['  42.5  ', 42.5],
    ['42.5\r', 42.5],
    ['0', 0],
    ['+7', 7],
    ['.5', 0.5],
    ['3.', 3],
    ['1.2e2', 120],
    ['87 W', 87],
    ['87w', 87],
    ['1000000', 1e6],
  ])('reads %j as %d W', (line, watts) => {
    expect(parseWattsLine(line)).toBe(watts);
  });

  it.each(['', 'W', 'n/a', 'NaN', 'Infinity', '-5', '-0', '1e999', '1000001', '12,5', '1,234.5', '87 mW', '87 kW', '0x10', '42 42', 'power: 42', '\u0000\u0001', '4'.repeat(400)])(
    'refuses %j',
    (line) => {
      expect(parseWattsLine(line)).toBeNull();
    },
  );

  it('takes the last number of a whole output and remembers the first garbage line', () => {
    expect(lastWatts('# header\n10\nn/a\n12.5\n')).toEqual({ ok: true, value: 12.5 });
    expect(lastWatts('Error: device busy\nretry later\n')).toEqual({ ok: false, garbage: 'Error: device busy' });
    expect(lastWatts('\n\n')).toEqual({ ok: false, garbage: null });
  });
});

// The probes below mostly wait (for node to start the fake, for a timeout, for a stream to go quiet), so they run
// concurrently; each test cleans up after itself, as shared hooks cannot tell concurrent tests apart.
describe.concurrent('probeCommandMeter', () => {
  /** Probes fake-wattmeter in a mode; node needs a moment to start, so the timeout is generous unless a test times out on purpose. */
  const probe = async (
    t: TestContext,
    mode: string,
    options: MeterOptions = {},
    extraEnv: Record<string, string> = {},
    argv = ['fake-wattmeter'],
  ): Promise<Probe> => {
    const tools = await fakeTools(['fake-wattmeter'], { FAKE_WATTMETER_MODE: mode, ...extraEnv });
    t.onTestFinished(() => tools.cleanup());
    const p = await probeCommandMeter(sourceContext({ env: tools.env }), argv, meterTimings({ timeoutMs: 3000, periodMs: 100, ...options }));
    t.onTestFinished(async () => {
      await p.source?.close?.();
    });
    return p;
  };
  const stateDir = async (t: TestContext): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), 'wb-wattmeter-'));
    t.onTestFinished(() => rm(dir, { recursive: true, force: true }));
    return dir;
  };

  it('polls a command that prints once and exits', async (t) => {
    const { expect } = t;
    const p = await probe(t, 'once');
    expect(p.state).toBe('ok');
    expect(p.info).toMatchObject({ id: 'meter:fake-wattmeter', kind: 'gauge', scope: 'system-wall', quality: 'measured', updatePeriodS: 0.1 });
    expect(p.info.duplicateOf).toBeUndefined();
    expect(p.info.description).toMatch(/^watts printed by the command fake-wattmeter, .*; re-run every 0\.1 s with a 3 s timeout$/);
    expect(p.reason).toBe('42.5 W now; prints once and exits, so it is re-run every 0.1 s');
    expect(await p.source?.read()).toMatchObject({ ok: false, reason: expect.stringMatching(/^not started/) });
    await p.source?.start?.();
    expect(await p.source?.read()).toMatchObject({ ok: true, value: 42.5, atS: expect.any(Number) });
  });

  it('passes the arguments as argv, without a shell, and keeps them out of the description', async (t) => {
    const { expect } = t;
    const p = await probe(t, 'once', {}, {}, ['fake-wattmeter', '77.25']);
    expect(p.reason).toMatch(/^77\.25 W now/);
    expect(p.info.description).toMatch(/fake-wattmeter \(1 argument\)/);
    expect(p.info.description).not.toContain('77.25');
  });

  it('reads a number printed without a final newline', async (t) => {
    const { expect } = t;
    const p = await probe(t, 'once-no-newline');
    expect(p.state).toBe('ok');
    expect(p.reason).toMatch(/^42\.5 W now; prints once/);
  });

  it('reports a command that prints no number', async (t) => {
    const { expect } = t;
    const p = await probe(t, 'once-garbage');
    expect(p.state).toBe('error');
    expect(p.reason).toBe('fake-wattmeter printed no number before it exited; last line was not a number: "Error: device busy"');
    expect(p.source).toBeUndefined();
  });

  it('reports a command that fails, with its stderr', async (t) => {
    const { expect } = t;
    const p = await probe(t, 'once-fail');
    expect(p.state).toBe('error');
    expect(p.reason).toBe('fake-wattmeter exited with code 2: cannot open /dev/ttyUSB0: Permission denied');
  });

  it('is absent when the command is not on PATH, with a fix', async (t) => {
    const { expect } = t;
    const p = await probe(t, 'once', {}, {}, ['no-such-wattmeter', '--x']);
    expect(p.state).toBe('absent');
    expect(p.info.id).toBe('meter:no-such-wattmeter');
    expect(p.reason).toBe('no-such-wattmeter not found on PATH');
    expect(p.fix).toMatch(/full path/);
  });

  it('gives up on a command that hangs, within the timeout, without showing its arguments', async (t) => {
    const { expect } = t;
    const p = await probe(t, 'hang', { timeoutMs: 300 }, {}, ['fake-wattmeter', '--token', 'abc123']);
    expect(p.state).toBe('error');
    expect(p.reason).toBe('fake-wattmeter gave no answer within 300 ms (killed)');
    expect(JSON.stringify([p.info, p.reason])).not.toContain('abc123');
  });

  it('streams a command that keeps printing', async (t) => {
    const { expect } = t;
    const p = await probe(t, 'stream', {}, { FAKE_WATTMETER_WATTS: '100' });
    expect(p.state).toBe('ok');
    expect(p.info.description).toMatch(/kept running as a stream$/);
    expect(p.info.updatePeriodS).toBeUndefined();
    expect(p.reason).toBe('100 W now; keeps printing, so it runs as a stream while measuring');
    await p.source?.start?.();
    const seen = new Set<number>();
    await vi.waitFor(
      async () => {
        const r = await p.source?.read();
        if (r?.ok) seen.add(r.value as number);
        expect(seen.size).toBeGreaterThan(2);
      },
      { timeout: 3000, interval: 20 },
    );
    for (const w of seen) expect(w).toBeGreaterThanOrEqual(100);
  });

  it('skips garbage lines in a stream', async (t) => {
    const { expect } = t;
    const p = await probe(t, 'mixed');
    expect(p.state).toBe('ok');
    expect(p.reason).toMatch(/^43\.5 W now; keeps printing/);
    await p.source?.start?.();
    await vi.waitFor(async () => expect(await p.source?.read()).toMatchObject({ ok: true, value: expect.any(Number) }), { timeout: 3000, interval: 20 });
    const r = await p.source?.read();
    // Numbers are 42.5 + an odd index; garbage such as -5, 1e999 or 99999999999 never gets through.
    expect(((r as { value: number }).value - 42.5) % 2).toBe(1);
  });

  it('reports a stream of garbage with its last line', async (t) => {
    const { expect } = t;
    const p = await probe(t, 'garbage', { timeoutMs: 1500 });
    expect(p.state).toBe('error');
    expect(p.reason).toMatch(/^fake-wattmeter printed no number within 1500 ms; last line was not a number: ".+"$/);
  });

  it('fails reads with the reason when the stream dies', async (t) => {
    const { expect } = t;
    const p = await probe(t, 'die', {}, { FAKE_WATTMETER_PERIOD_MS: '20', FAKE_WATTMETER_LINES: '75' });
    expect(p.reason).toMatch(/keeps printing/);
    await p.source?.start?.();
    expect(await p.source?.read()).toMatchObject({ ok: true, value: 42.5 });
    await vi.waitFor(
      async () => expect(await p.source?.read()).toEqual({ ok: false, reason: 'fake-wattmeter exited (code 3): meter disconnected' }),
      { timeout: 4000, interval: 20 },
    );
  });

  it('turns stream reads stale when the command goes silent', async (t) => {
    const { expect } = t;
    const p = await probe(t, 'stall', { staleAfterS: 0.3 }, { FAKE_WATTMETER_PERIOD_MS: '50', FAKE_WATTMETER_LINES: '15' });
    expect(p.reason).toMatch(/keeps printing/);
    await p.source?.start?.();
    await vi.waitFor(
      async () => expect(await p.source?.read()).toEqual({ ok: false, reason: expect.stringMatching(/^stale: last number printed \d+\.\d s ago$/) }),
      { timeout: 4000, interval: 20 },
    );
  });

  it('turns polled reads stale, without blocking, when the command starts hanging', async (t) => {
    const { expect } = t;
    const dir = await stateDir(t);
    const p = await probe(t, 'once-then-hang', { timeoutMs: 1500, staleAfterS: 0.4 }, { FAKE_WATTMETER_STATE: join(dir, 'runs'), FAKE_WATTMETER_OK_RUNS: '3' });
    expect(p.reason).toMatch(/prints once and exits/);
    await p.source?.start?.();
    expect(await p.source?.read()).toMatchObject({ ok: true, value: 42.5 });
    await vi.waitFor(
      async () => expect(await p.source?.read()).toEqual({ ok: false, reason: expect.stringMatching(/^stale: last good reading \d+\.\d s ago$/) }),
      { timeout: 3000, interval: 20 },
    );
    // close() waits for the hanging run to be killed by its timeout, so no orphan outlives the source.
    const pid = await vi.waitFor(async () => Number(await readFile(join(dir, 'runs.hanging-pid'), 'utf8')), { timeout: 3000, interval: 20 });
    await p.source?.close?.();
    // Killed by then; reaping it takes a moment, far less than the second or so a leaked run would still hang.
    await vi.waitFor(() => expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' })), { timeout: 300, interval: 10 });
  });

  it('fails polled reads with the reason once the command breaks', async (t) => {
    const { expect } = t;
    const dir = await stateDir(t);
    const p = await probe(t, 'once-then-hang', { timeoutMs: 1000, periodMs: 50, staleAfterS: 5 }, { FAKE_WATTMETER_STATE: join(dir, 'runs'), FAKE_WATTMETER_OK_RUNS: '1' });
    expect(p.state).toBe('ok');
    await p.source?.start?.();
    // No good value ever came from the poller: the timeout is the reason.
    expect(await p.source?.read()).toEqual({ ok: false, reason: 'fake-wattmeter gave no answer within 1000 ms (killed)' });
  });
});
