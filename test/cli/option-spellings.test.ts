import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { procfs, sysfs } from '../helpers/fake-files.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wb-spellings-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { out: (t) => void (stdout += t), err: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

const vm = ['--sysfs', sysfs('vm'), '--procfs', procfs('basic'), '--tdp', '100', '--interval', '20'];
const noop = [process.execPath, '-e', '0'];

describe('option spellings', () => {
  it('measure takes --repetitions as --repeat', async () => {
    const r = await cli(['measure', ...vm, '--json', '--repetitions', '2', '--out', join(dir, 'm.csv'), '--', ...noop]);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { windows: unknown[] }).windows).toHaveLength(2);
  });

  it.each([['measure'], ['run'], ['ab']])('%s refuses --repeat and --repetitions with different values', async (command) => {
    const r = await cli([command, ...vm, '--repeat', '2', '--repetitions', '3', ...(command === 'run' ? [] : ['--', ...noop])]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('wattbench: --repeat 2 and --repetitions 3 are the same option: give one\n');
  });

  it('ab counts warm-up runs with --warmup-runs, and still takes --warmup with a deprecation line', async () => {
    const old = await cli(['ab', ...vm, '--warmup', '0', '--repetitions', '2', '--out', join(dir, 'old.csv'), '--json', '--', ...noop]);
    expect(old.code, old.stderr).not.toBe(2);
    expect(old.stderr.split('\n').filter((l) => l.includes('deprecated'))).toEqual([
      'wattbench: ab --warmup N is deprecated: it counts runs, so it is now --warmup-runs N (in run, --warmup is seconds)',
    ]);
    expect(old.stderr).toContain('2 repetitions each in ABBA blocks');
    expect(old.stderr).toContain('0 warm-up runs each');
    const sidecar = JSON.parse(await readFile(join(dir, 'old.json'), 'utf8')) as { settings: { ab: { warmup: number; repeat: number } } };
    expect(sidecar.settings.ab).toMatchObject({ warmup: 0, repeat: 2 });

    const now = await cli(['ab', ...vm, '--warmup-runs', '0', '--repeat', '2', '--out', join(dir, 'new.csv'), '--json', '--', ...noop]);
    expect(now.code, now.stderr).not.toBe(2);
    expect(now.stderr).not.toContain('deprecated');
    expect(now.stderr).toContain('0 warm-up runs each');

    const both = await cli(['ab', ...vm, '--warmup', '1', '--warmup-runs', '1', '--', ...noop]);
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('wattbench: --warmup is the old spelling of --warmup-runs: give one\n');
  });
});
