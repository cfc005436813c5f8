import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFakeDcmi, C_COMPILER, NO_COMPILER } from '../../fixtures/dcmi/build.js';
import { fakeTools } from '../../helpers/fake-tools.js';
import { runCli } from '../../helpers/cli.js';
import { sandboxEnv } from '../../helpers/sandbox-path.js';

/**
 * The built CLI with the fake libdcmi.so found by the loader through LD_LIBRARY_PATH, and a PATH without npu-smi:
 * the NPUs are DCMI gauges, and measure gives the power the test set (FAKE_DCMI_POWER_W).
 */
const skip = C_COMPILER === null;
const title = (t: string): string => (skip ? `${t} (${NO_COMPILER})` : t);

let lib: Awaited<ReturnType<typeof buildFakeDcmi>> | null = null;
let work = '';
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'wb-dcmi-e2e-'));
  if (!skip) lib = await buildFakeDcmi();
});
afterAll(async () => {
  await lib?.cleanup();
  await rm(work, { recursive: true, force: true });
});

/** The sandboxed environment with DCMI found on the loader's path instead of turned off. */
function withFakeDcmi(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = sandboxEnv([], { LD_LIBRARY_PATH: lib!.dir, FAKE_DCMI_POWER_W: '210.5,64.3', ...extra });
  delete env.WATTBENCH_DCMI_LIBRARY;
  return env;
}

interface Rec {
  id: string;
  kind: string;
  state: string;
  reason: string | null;
  fix: string | null;
  description: string;
}

describe('wattbench with DCMI (built CLI)', () => {
  it.skipIf(skip)(title('sources --json lists each NPU from DCMI'), async () => {
    const r = await runCli(['sources', '--json'], { env: withFakeDcmi(), cwd: work });
    expect(r.code, r.stderr).toBe(0);
    const npus = (JSON.parse(r.stdout) as Rec[]).filter((x) => x.id.startsWith('npu:'));
    expect(npus.map((g) => [g.id, g.state, g.kind])).toEqual([
      ['npu:0', 'ok', 'gauge'],
      ['npu:0:aicore', 'ok', 'utilization'],
      ['npu:0:temp', 'ok', 'temperature'],
      ['npu:1', 'ok', 'gauge'],
      ['npu:1:aicore', 'ok', 'utilization'],
      ['npu:1:temp', 'ok', 'temperature'],
    ]);
    expect(npus[0]?.description).toMatch(/^Ascend NPU 0 power \(W, instantaneous, 0\.1 W steps\) from DCMI \(.*libdcmi\.so\)/);
  });

  it.skipIf(skip)(title('measure -- sleep 1 gives the power DCMI reports'), async () => {
    const out = join(work, 'run.csv');
    const r = await runCli(['measure', '--json', '--source', 'npu', '--out', out, '--', 'sleep', '1'], { env: withFakeDcmi(), cwd: work });
    expect(r.code, r.stderr).toBe(0);
    const w = JSON.parse(r.stdout).windows[0];
    const byId = new Map<string, { energyJ: number; powerW: number }>(w.sources.map((s: { id: string }) => [s.id, s]));
    expect(w.source).toBe('npu:0+npu:1');
    expect(byId.get('npu:0')!.powerW).toBeCloseTo(210.5, 6);
    expect(byId.get('npu:1')!.powerW).toBeCloseTo(64.3, 6);
    expect(w.powerW).toBeCloseTo(210.5 + 64.3, 6);
  });

  it.skipIf(skip)(title('an A3 module is counted once in the total'), async () => {
    const env = withFakeDcmi({ FAKE_DCMI_CARDS: '1', FAKE_DCMI_CHIPS: '2', FAKE_DCMI_POWER_W: '180', FAKE_DCMI_POWER: '0,-8255' });
    const r = await runCli(['measure', '--json', '--source', 'npu', '--out', join(work, 'a3.csv'), '--', 'sleep', '1'], { env, cwd: work });
    expect(r.code, r.stderr).toBe(0);
    const w = JSON.parse(r.stdout).windows[0];
    expect(w.source).toBe('npu:0:0');
    expect(w.powerW).toBeCloseTo(180, 6);
  });

  it('without the library, falls back to npu-smi and says why', async () => {
    const tools = await fakeTools(['npu-smi'], { WATTBENCH_DCMI_LIBRARY: join(work, 'no-such-libdcmi.so') });
    try {
      const r = await runCli(['sources', '--json'], { env: tools.env, cwd: work });
      const n0 = (JSON.parse(r.stdout) as Rec[]).find((x) => x.id === 'npu:0');
      expect(n0).toMatchObject({ state: 'ok', kind: 'gauge', reason: expect.stringMatching(/^read through npu-smi, DCMI not used: .*no-such-libdcmi\.so not found/) });
    } finally {
      await tools.cleanup();
    }
  });
});
