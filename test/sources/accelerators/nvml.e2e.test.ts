import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFakeNvml, C_COMPILER, NO_COMPILER } from '../../fixtures/nvml/build.js';
import { fakeTools } from '../../helpers/fake-tools.js';
import { runCli } from '../../helpers/cli.js';
import { sandboxEnv } from '../../helpers/sandbox-path.js';

/**
 * The built CLI with the fake libnvidia-ml.so.1 found by the loader through LD_LIBRARY_PATH, and a PATH without
 * nvidia-smi: the GPUs are counter sources, and measure attributes the counter's power (FAKE_NVML_POWER_W), never the
 * gauge's (FAKE_NVML_GAUGE_W, 400 W).
 */
const skip = C_COMPILER === null;
const title = (t: string): string => (skip ? `${t} (${NO_COMPILER})` : t);

let lib: Awaited<ReturnType<typeof buildFakeNvml>> | null = null;
let work = '';
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'wb-nvml-e2e-'));
  if (!skip) lib = await buildFakeNvml();
});
afterAll(async () => {
  await lib?.cleanup();
  await rm(work, { recursive: true, force: true });
});

/** The sandboxed environment with NVML found on the loader's path instead of turned off. */
function withFakeNvml(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = sandboxEnv([], { LD_LIBRARY_PATH: lib!.dir, FAKE_NVML_POWER_W: '180,30', ...extra });
  delete env.WATTBENCH_NVML_LIBRARY;
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

describe('wattbench with NVML (built CLI)', () => {
  it.skipIf(skip)(title('sources --json lists each GPU as an NVML counter source'), async () => {
    const r = await runCli(['sources', '--json'], { env: withFakeNvml(), cwd: work });
    expect(r.code, r.stderr).toBe(0);
    const recs = JSON.parse(r.stdout) as Rec[];
    const gpus = recs.filter((x) => /^nvidia:\d+$/.test(x.id));
    expect(gpus.map((g) => [g.id, g.state, g.kind, g.fidelity])).toEqual([
      ['nvidia:0', 'ok', 'counter', 'counter'],
      ['nvidia:1', 'ok', 'counter', 'counter'],
    ]);
    expect(gpus[0]?.description).toMatch(/^NVML total energy counter \(mJ\) of GPU 0 NVIDIA H100 80GB HBM3/);
  });

  it.skipIf(skip)(title('measure -- sleep 1 attributes the counter\'s power, not the gauge\'s'), async () => {
    const out = join(work, 'run.csv');
    const r = await runCli(['measure', '--json', '--source', 'nvidia', '--out', out, '--', 'sleep', '1'], { env: withFakeNvml(), cwd: work });
    expect(r.code, r.stderr).toBe(0);
    const w = JSON.parse(r.stdout).windows[0];
    const byId = new Map<string, { energyJ: number; powerW: number }>(w.sources.map((s: { id: string }) => [s.id, s]));
    expect(w.source).toBe('nvidia:0+nvidia:1');
    // The counter's set powers, within the sampler's timing; the gauge reads 400 W on both.
    expect(byId.get('nvidia:0')!.powerW).toBeGreaterThan(180 * 0.95);
    expect(byId.get('nvidia:0')!.powerW).toBeLessThan(180 * 1.05);
    expect(byId.get('nvidia:1')!.powerW).toBeGreaterThan(30 * 0.95);
    expect(byId.get('nvidia:1')!.powerW).toBeLessThan(30 * 1.05);
    expect(byId.get('nvidia:0')!.energyJ / w.durationS).toBeCloseTo(byId.get('nvidia:0')!.powerW, 6);
  });

  it.skipIf(skip)(title('a failing nvmlInit_v2 without nvidia-smi is shown with its state and fix'), async () => {
    const r = await runCli(['sources', '--json'], { env: withFakeNvml({ FAKE_NVML_INIT: '18' }), cwd: work });
    const nvidia = (JSON.parse(r.stdout) as Rec[]).find((x) => x.id === 'nvidia');
    expect(nvidia).toMatchObject({ state: 'error', reason: expect.stringMatching(/^NVML: nvmlInit_v2: RM has detected an NVML\/RM version mismatch/), fix: expect.stringMatching(/reboot, or reload the driver/) });
  });

  it('without the library, falls back to nvidia-smi and says why', async () => {
    const tools = await fakeTools(['nvidia-smi'], { WATTBENCH_NVML_LIBRARY: join(work, 'no-such-libnvidia-ml.so.1') });
    try {
      const r = await runCli(['sources', '--json'], { env: tools.env, cwd: work });
      const g0 = (JSON.parse(r.stdout) as Rec[]).find((x) => x.id === 'nvidia:0');
      expect(g0).toMatchObject({ state: 'ok', kind: 'gauge', reason: expect.stringMatching(/^read through nvidia-smi, NVML not used: .*no-such-libnvidia-ml\.so\.1 not found$/) });
    } finally {
      await tools.cleanup();
    }
  });

  it.skipIf(skip)(title('--nvml-library names the library, and wins over $WATTBENCH_NVML_LIBRARY'), async () => {
    // The sandbox sets WATTBENCH_NVML_LIBRARY=off: the flag is what turns NVML on here.
    const env = sandboxEnv([], { FAKE_NVML_POWER_W: '180,30' });
    const r = await runCli(['sources', '--json', '--nvml-library', lib!.path], { env, cwd: work });
    expect(r.code, r.stderr).toBe(0);
    const gpus = (JSON.parse(r.stdout) as Rec[]).filter((x) => /^nvidia:\d+$/.test(x.id));
    expect(gpus.map((g) => [g.id, g.state, g.kind])).toEqual([
      ['nvidia:0', 'ok', 'counter'],
      ['nvidia:1', 'ok', 'counter'],
    ]);
  });

  it('--nvml-library off falls back to nvidia-smi and says so', async () => {
    const tools = await fakeTools(['nvidia-smi'], { WATTBENCH_NVML_LIBRARY: join(work, 'no-such-libnvidia-ml.so.1') });
    try {
      const r = await runCli(['sources', '--json', '--nvml-library', 'off'], { env: tools.env, cwd: work });
      const g0 = (JSON.parse(r.stdout) as Rec[]).find((x) => x.id === 'nvidia:0');
      expect(g0).toMatchObject({ state: 'ok', kind: 'gauge', reason: 'read through nvidia-smi, NVML not used: turned off (its library option is off)' });
    } finally {
      await tools.cleanup();
    }
  });
});
