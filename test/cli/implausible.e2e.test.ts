import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { procfs, sysfs } from '../helpers/fake-files.js';
import { fakeTools } from '../helpers/fake-tools.js';

/** Sensors that lie, through the built CLI: a GPU whose power reads far above any GPU's ceiling is left out, with a warning. */

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wb-implausible-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('wattbench measure on a GPU that reads an impossible power (built CLI)', () => {
  it('never adds 65 kW from one GPU: its readings are dropped, the total is unknown, and the window says why', async () => {
    const gpus = [
      { name: 'NVIDIA GeForce RTX 3090', uuid: 'GPU-1', power: '65000.00', util: '98', sm: '1935', temp: '71' },
      { name: 'NVIDIA A100-SXM4-80GB', uuid: 'GPU-2', power: '50.00', util: '12', sm: '1410', temp: '38' },
    ];
    const tools = await fakeTools(['nvidia-smi'], { FAKE_NVIDIA_GPUS: JSON.stringify(gpus) });
    try {
      const out = join(dir, 'gpu.csv');
      const r = await runCli(['measure', '--sysfs', sysfs('vm'), '--procfs', procfs('basic'), '--out', out, '--json', '--', 'sleep', '1'], { env: tools.env });
      expect(r.code, r.stderr).toBe(0);
      const w = JSON.parse(r.stdout).windows[0];
      const bad = w.sources.find((s: { id: string }) => s.id === 'nvidia:0');
      const good = w.sources.find((s: { id: string }) => s.id === 'nvidia:1');
      // Every reading of GPU 0 is above the 2000 W ceiling of a GPU: none is integrated, and its energy is unknown.
      expect(bad.energyJ).toBeNull();
      expect(w.warnings.join('\n')).toMatch(/nvidia:0: .*65000 W.*ceiling/);
      expect(good.energyJ).toBeCloseTo(50 * w.durationS, 0);
      // A total with a source of unknown energy is unknown too: never the other GPU's 50 W passed off as the machine's.
      expect(w).toMatchObject({ energyJ: null, powerW: null, quality: 'none', valid: false });
      const rows = parse(await readFile(out, 'utf8'), { columns: true }) as Array<Record<string, string>>;
      expect(rows[0]).toMatchObject({ energy_j: '', power_w: '', quality: 'none', valid: 'false' });
    } finally {
      await tools.cleanup();
    }
  });
});
