import { spawn } from 'node:child_process';
import { mkdtemp, open, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { procfs, sysfs } from '../helpers/fake-files.js';
import { sandboxEnv } from '../helpers/sandbox-path.js';

// A real process with its stdout on a file, as `wattbench ... --out run.csv > run.json` leaves it: the shell creates
// run.json before wattbench starts, so the sidecar's name is taken by wattbench's own stdout.

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wb-stdout-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function runWithStdoutTo(file: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
  const handle = await open(file, 'w');
  try {
    return await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', handle.fd, 'pipe'], env: sandboxEnv(), timeout: 60_000 });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });
  } finally {
    await handle.close();
  }
}

const vm = ['--sysfs', sysfs('vm'), '--procfs', procfs('basic')];

describe('stdout redirected onto the sidecar of --out', () => {
  it.each([
    ['ab', ['ab', ...vm, '--json', '--repeat', '2']],
    ['measure', ['measure', ...vm, '--json']],
    ['run', ['run', ...vm, '--json', '--kernels', 'sha256', '--threads', '1', '--idle', '0']],
  ])('%s says what happened and exits 2 before measuring', async (_name, args) => {
    const json = join(dir, 'run.json');
    const out = join(dir, 'run.csv');
    const trailing = args[0] === 'run' ? [] : ['--', process.execPath, '-e', '0'];
    const r = await runWithStdoutTo(json, [...args, '--out', out, ...trailing]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `wattbench: ${json} is where your shell is sending stdout (\`> ${json}\`) and also the sidecar of --out ${out}; redirect stdout elsewhere or choose another --out\n`,
    );
    expect(await readdir(dir)).toEqual(['run.json']);
    expect(await readFile(json, 'utf8')).toBe('');
  });
});
