/**
 * `report`, `compare` and `check` given what `results/*.csv` matches: each results file and the per-source
 * `*.sources.csv` beside it. The per-source files are skipped with one note on stderr and the rest is read as if
 * they had not been given (run in-process through `main`).
 */
import { copyFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { SOURCE_COLUMNS } from '../../src/results/schema.js';
import { FIXTURES } from '../helpers/fake-files.js';

let dir = '';
/** What `results/*.csv` expands to in `dir`, in the shell's (sorted) order. */
let globbed: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wb-per-source-'));
  for (const name of ['m1', 'm2']) {
    await copyFile(`${FIXTURES}results/${name}.csv`, join(dir, `${name}.csv`));
    await writeFile(join(dir, `${name}.sources.csv`), `${SOURCE_COLUMNS.join(',')}\n1,run-${name},${name},sha256,1,1,rapl:package-0,counter,cpu-package,measured,true,19.92,19.92,,10,\n`);
  }
  globbed = (await readdir(dir)).filter((f) => f.endsWith('.csv')).sort().map((f) => join(dir, f));
  vi.stubEnv('GITHUB_STEP_SUMMARY', '');
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

const at = (name: string): string => join(dir, name);
const note = (files: string[]): string =>
  `skipped ${files.length} per-source file${files.length === 1 ? '' : 's'} (one row per window and source; their windows are in the results files beside them): ${files.map(at).join(', ')}`;

describe('the per-source files of a results/*.csv glob', () => {
  it('compare skips them with one note and ranks as without them', async () => {
    expect(globbed).toEqual(['m1.csv', 'm1.sources.csv', 'm2.csv', 'm2.sources.csv'].map(at));
    const alone = await cli(['compare', at('m1.csv'), at('m2.csv'), '--format', 'json', '--seed', '7']);
    const r = await cli(['compare', ...globbed, '--format', 'json', '--seed', '7']);
    expect(alone.code).toBe(0);
    expect(r.code).toBe(0);
    expect(r.out).toBe(alone.out);
    expect(r.err).toBe(`${alone.err}wattbench: ${note(['m1.sources.csv', 'm2.sources.csv'])}\n`);
  });

  it('check skips them on either side with a note and gives the same verdict', async () => {
    const alone = await cli(['check', '--baseline', at('m1.csv'), '--current', at('m2.csv'), '--json', '--seed', '7']);
    const r = await cli(['check', '--baseline', at('m1.csv'), '--baseline', at('m1.sources.csv'), '--current', at('m2.csv'), '--current', at('m2.sources.csv'), '--json', '--seed', '7']);
    expect(r.code).toBe(alone.code);
    expect(r.out).toBe(alone.out);
    expect(r.err).toBe(`${alone.err}wattbench: ${note(['m1.sources.csv'])}\nwattbench: ${note(['m2.sources.csv'])}\n`);
  });

  it('report skips them with one note and writes the report of the results files', async () => {
    const r = await cli(['report', ...globbed, '--out', at('report.html')]);
    expect(r.code).toBe(0);
    expect(r.err.split('\n').filter((line) => line.includes('skipped'))).toEqual([`report: ${note(['m1.sources.csv', 'm2.sources.csv'])}`]);
    expect(r.err).toMatch(/^report: .*report\.html \(\d+ KiB; /m);
  }, 30_000);
});
