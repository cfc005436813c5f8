import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { procfs, sysfs } from '../helpers/fake-files.js';

/** What needs the real binary: the measured command's stdout passed through, and its exit code as the process's own. */

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wb-e2e-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const readRows = async (path: string): Promise<Array<Record<string, string>>> => parse(await readFile(path, 'utf8'), { columns: true });

describe('wattbench measure (built CLI)', () => {
  it('passes the command output through and returns its exit code, marking the row invalid', async () => {
    const out = join(dir, 'fail.csv');
    const r = await runCli(['measure', '--sysfs', sysfs('vm'), '--procfs', procfs('basic'), '--out', out, '--', 'node', '-e', 'console.log("hello from child"); process.exit(3)']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('hello from child\n');
    const rows = await readRows(out);
    expect(rows[0]).toMatchObject({ valid: 'false', exit_code: '3' });
    expect(rows[0]!.warnings).toMatch(/exited with code 3/);
  });

});
