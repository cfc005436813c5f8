import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { procfs, sysfs } from '../helpers/fake-files.js';
import { sandboxEnv } from '../helpers/sandbox-path.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wb-int-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Starts the CLI, sends `signal` once `ready` appears on stderr `after` times, and resolves with its exit. */
function interruptAfter(args: string[], signal: NodeJS.Signals, ready: RegExp, after: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: sandboxEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let sent = false;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      stderr += d;
      if (!sent && (stderr.match(new RegExp(ready.source, 'gm')) ?? []).length >= after) {
        sent = true;
        child.kill(signal);
      }
    });
    child.once('close', (code) => resolve({ code, stderr }));
  });
}

describe('interrupting a run (built CLI)', () => {
  it('SIGINT during measure stops the command, keeps finished windows and exits 130', async () => {
    const out = join(dir, 'm.csv');
    // The measured command prints a line of its own when it starts; the third start means two windows are finished.
    const r = await interruptAfter(
      ['measure', '--sysfs', sysfs('vm'), '--procfs', procfs('basic'), '--repeat', '10', '--out', out, '--', 'node', '-e', 'console.error("go" + "!"); setTimeout(() => {}, 300)'],
      'SIGINT',
      /^go!$/,
      3,
    );
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/SIGINT: stopping; finished windows will be written/);
    const rows = parse(await readFile(out, 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.length).toBeLessThan(10);
    const sidecar = JSON.parse(await readFile(join(dir, 'm.json'), 'utf8'));
    expect(sidecar.complete).toBe(false);
  });

  it('SIGTERM during run stops the kernel threads, keeps finished windows and exits 143', async () => {
    const out = join(dir, 'r.csv');
    const r = await interruptAfter(
      ['run', '--sysfs', sysfs('vm'), '--procfs', procfs('basic'), '--kernels', 'sha256', '--threads', '1', '--repetitions', '20', '--duration', '1', '--idle', '0', '--warmup', '0', '--out', out, '--no-progress'],
      'SIGTERM',
      /\[1\/1\] sha256/,
      1,
    );
    expect(r.code, r.stderr).toBe(143);
    const rows = parse(await readFile(out, 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(rows.length).toBeLessThan(20);
    for (const row of rows) expect(row.valid).toBe('true');
    expect(JSON.parse(await readFile(join(dir, 'r.json'), 'utf8')).complete).toBe(false);
  });
});

describe('interrupting ab (built CLI)', () => {
  it('SIGINT keeps the finished A and B windows, draws no verdict and exits 130', async () => {
    const out = join(dir, 'ab.csv');
    const r = await interruptAfter(
      ['ab', '--sysfs', sysfs('vm'), '--procfs', procfs('basic'), '--repeat', '10', '--warmup', '0', '--seed', '1', '--out', out, '--', 'node', '-e', 'console.error("go" + "!")', '--vs', 'node', '-e', 'console.error("go" + "!")'],
      'SIGINT',
      /^go!$/,
      4,
    );
    expect(r.code, r.stderr).toBe(130);
    const rows = parse(await readFile(out, 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.length).toBeLessThan(20);
    expect(rows.every((x) => /^\[(A|B)\] /.test(x.benchmark as string))).toBe(true);
    expect(JSON.parse(await readFile(join(dir, 'ab.json'), 'utf8')).complete).toBe(false);
  });
});
