import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReportFor } from '../../src/cli/report.js';
import { UsageError } from '../../src/errors.js';
import { runMain } from '../helpers/cli.js';

const FIX = new URL('../fixtures/report/', import.meta.url).pathname;

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wb-report-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs `wattbench report …` in this process through `main(argv, io)`; returns the exit code and what was printed. */
async function report(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await runMain(['report', ...args]);
  return { code: r.code, out: r.stdout, err: r.stderr };
}

/** Asserts a usage error: exit 2 and one stderr line, `wattbench: …`, matching `message`. */
function expectUsage(r: { code: number; err: string }, message: RegExp, what: string): void {
  expect(r.code, what).toBe(2);
  expect(r.err.trim().split('\n'), what).toHaveLength(1);
  expect(r.err, what).toMatch(/^wattbench: /);
  expect(r.err, what).toMatch(message);
  expect(r.err, what).not.toMatch(/\n\s+at /);
}

describe('wattbench report', () => {
  it('writes the HTML report and the Markdown summary, and says so on stderr only', async () => {
    const html = join(dir, 'out', 'report.html');
    const md = join(dir, 'out', 'summary.md');
    const r = await report([`${FIX}vm-a.csv`, `${FIX}vm-b.csv`, '--out', html, '--markdown', md, '--title', 'Nightly']);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    // Both machines' energy is estimated: no measured work-per-joule chart, four charts in all.
    expect(r.err).toMatch(/^report: .*report\.html \(\d+ KiB; 4 charts; \d+ warnings, \d+ serious\)\nreport: .*summary\.md \(Markdown summary\)\n$/);
    expect(await readFile(html, 'utf8')).toContain('<title>Nightly</title>');
    expect(await readFile(md, 'utf8')).toContain('`report.html`');
  }, 30_000);

  it('replaces an earlier report at the same path', async () => {
    const html = join(dir, 'again.html');
    await writeFile(html, 'old');
    const r = await report([`${FIX}vm-a-cmd.csv`, '--out', html]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/not drawn: scaling, power-timeline, energy-split|not drawn: scaling/);
    expect((await readFile(html, 'utf8')).startsWith('<!doctype html>')).toBe(true);
  }, 30_000);

  it('needs --out', async () => {
    expectUsage(await report([`${FIX}vm-a.csv`]), /required option '--out <[^>]+>' not specified/, 'no --out');
  });

  it('refuses outputs that would overwrite results, and unusable inputs, with a one-line UsageError', async () => {
    const cases: Array<[string[], RegExp]> = [
      [[`${FIX}vm-a.csv`, '--out', join(dir, 'x.csv')], /--out .*x\.csv: looks like a results file/],
      [[`${FIX}vm-a.csv`, '--out', `${FIX}vm-a.json`], /looks like a results file|would overwrite the input/],
      [[`${FIX}vm-a.csv`, '--out', join(dir, 'r.html'), '--markdown', join(dir, 'r.html')], /--markdown .*r\.html|name the same file/],
      [[join(dir, 'missing.csv'), '--out', join(dir, 'r.html')], /missing\.csv: cannot read: no such file/],
      [[`${FIX}vm-a.json`, '--out', join(dir, 'r.html')], /vm-a\.json/],
    ];
    for (const [args, message] of cases) expectUsage(await report(args), message, args.join(' '));
    await expect(stat(join(dir, 'x.csv'))).rejects.toThrow();
  });
});

describe('writeReportFor (run --report, measure --report)', () => {
  it('writes the report of the given results files', async () => {
    const html = join(dir, 'run.html');
    await writeReportFor([`${FIX}gpu-box.csv`], html);
    const text = await readFile(html, 'utf8');
    expect(text).toContain('id="chart-work-per-joule-measured"');
    expect(text).toContain('gpu-box');
  }, 30_000);

  it('refuses to write over its input', async () => {
    await expect(writeReportFor([`${FIX}gpu-box.csv`], `${FIX}gpu-box.csv`)).rejects.toBeInstanceOf(UsageError);
  });
});
