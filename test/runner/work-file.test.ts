import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWorkFile, WorkDir } from '../../src/runner/work-dir.js';
import { parseWorkFile, windowWork, WORK_FILE_MAX_BYTES, workSpecProblem } from '../../src/runner/work-file.js';

describe('parseWorkFile', () => {
  it('reads one line "<number> <unit>", blanks around, one final newline', () => {
    expect(parseWorkFile('4096 tokens\n')).toEqual({ kind: 'work', work: 4096, unit: 'tokens' });
    expect(parseWorkFile('  1.5e3\timages/batch  \r\n')).toEqual({ kind: 'work', work: 1500, unit: 'images/batch' });
    expect(parseWorkFile('')).toEqual({ kind: 'empty' });
    expect(parseWorkFile(' \n')).toEqual({ kind: 'empty' });
  });
  it.each([
    ['garbage', 'lots of tokens', /must hold "<number> <unit>"/],
    ['a number alone', '4096', /must hold "<number> <unit>"/],
    ['negative', '-5 tokens', /work must be positive, got "-5"/],
    ['zero', '0 tokens', /work must be positive/],
    ['NaN', 'NaN tokens', /positive decimal number, got "NaN"/],
    ['Infinity', 'Infinity tokens', /positive decimal number/],
    ['too big', '1e400 tokens', /too big \(at most 1000000000000000000\)/],
    ['several lines', '1 tokens\n2 tokens\n', /several lines/],
    ['a blank line after', '1 tokens\n\n', /several lines/],
    ['a unit that is no word', '5 tok ens', /must hold/],
    ['a unit with odd characters', '5 tok€ns', /plain word/],
    ['a unit too long', `5 ${'t'.repeat(33)}`, /at most 32 characters/],
  ])('refuses %s with the reason', (_, text, reason) => {
    const r = parseWorkFile(text);
    expect(r.kind).toBe('invalid');
    expect(r.kind === 'invalid' && r.reason).toMatch(reason);
  });
});

describe('windowWork', () => {
  it('takes a report in the expected unit, refuses one in another, and needs one when no amount is given', () => {
    expect(windowWork({ kind: 'work', work: 7, unit: 'tokens' }, { work: 4096, unit: 'tokens' })).toEqual({ work: 7, unit: 'tokens', reported: true, problem: null });
    expect(windowWork({ kind: 'empty' }, { work: 4096, unit: 'tokens' })).toEqual({ work: 4096, unit: 'tokens', reported: false, problem: null });
    expect(windowWork({ kind: 'empty' }, {})).toEqual({ work: 1, unit: 'run', reported: false, problem: null });
    expect(windowWork({ kind: 'work', work: 7, unit: 'images' }, { unit: 'tokens' }).problem).toBe('the work file says "images", not --work-unit tokens');
    expect(windowWork({ kind: 'work', work: 7, unit: 'images' }, {}, 'tokens').problem).toBe('the work file says "images", not tokens, the unit of the earlier windows');
    expect(windowWork({ kind: 'empty' }, { unit: 'tokens' }).problem).toMatch(/reported no work in \$WATTBENCH_WORK_FILE \(--work-unit tokens without --work/);
  });
});

describe('workSpecProblem', () => {
  it('needs a unit with an amount, a positive finite amount, and a plain unit', () => {
    expect(workSpecProblem({})).toBeNull();
    expect(workSpecProblem({ work: 4096, unit: 'tokens' })).toBeNull();
    expect(workSpecProblem({ unit: 'tokens' })).toBeNull();
    expect(workSpecProblem({ work: 4096 })).toBe('--work N needs --work-unit UNIT (e.g. --work 4096 --work-unit tokens)');
    expect(workSpecProblem({ work: 0, unit: 'x' })).toMatch(/positive/);
    expect(workSpecProblem({ work: Number.NaN, unit: 'x' })).toMatch(/positive/);
    expect(workSpecProblem({ work: 1, unit: '' })).toMatch(/must not be empty/);
  });
});

describe('readWorkFile and WorkDir', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wb-workfile-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a bounded prefix: a file of exactly the limit is read, one byte more is refused', async () => {
    const atLimit = join(dir, 'at-limit');
    await writeFile(atLimit, `4096 tokens${' '.repeat(WORK_FILE_MAX_BYTES - 11)}`);
    expect(await readWorkFile(atLimit)).toEqual({ kind: 'work', work: 4096, unit: 'tokens' });
    const huge = join(dir, 'huge');
    await writeFile(huge, `4096 tokens\n${'x'.repeat(8 * 1024 * 1024)}`);
    expect(await readWorkFile(huge)).toEqual({ kind: 'invalid', reason: `the work file is longer than ${WORK_FILE_MAX_BYTES} bytes: write one line "<number> <unit>"` });
  });

  it('gives nothing for a missing file, and refuses a symbolic link or a FIFO without blocking', async () => {
    expect(await readWorkFile(join(dir, 'none'))).toEqual({ kind: 'empty' });
    const target = join(dir, 'target');
    await writeFile(target, '5 tokens');
    const link = join(dir, 'link');
    await symlink(target, link);
    expect(await readWorkFile(link)).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/symbolic link/) });
    const fifo = join(dir, 'fifo');
    await promisify(execFile)('mkfifo', [fifo]);
    expect(await readWorkFile(fifo)).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/not a plain file/) });
  });

  it('hands out a fresh empty file per run and removes each after reading, and the folder at the end', async () => {
    const work = await WorkDir.create();
    const first = await work.next();
    const second = await work.next();
    expect(first).not.toBe(second);
    expect(await readWorkFile(first)).toEqual({ kind: 'empty' });
    await writeFile(first, '12 tokens\n');
    expect(await work.take(first)).toEqual({ kind: 'work', work: 12, unit: 'tokens' });
    await expect(writeFile(first, 'x', { flag: 'r+' })).rejects.toThrow(/ENOENT/);
    await work.remove();
    await expect(writeFile(second, 'x', { flag: 'r+' })).rejects.toThrow(/ENOENT/);
  });
});
