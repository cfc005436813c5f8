import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFileReplacing, writeNewFileAtomic } from '../../src/results/atomic.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wb-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the atomic writer', () => {
  it('never replaces a results file, and replaces a report', async () => {
    const path = join(dir, 'sub', 'a.csv');
    await writeNewFileAtomic(path, 'one');
    await expect(writeNewFileAtomic(path, 'two')).rejects.toThrow(`${path} already exists; wattbench never overwrites results (choose another --out)`);
    expect(await readFile(path, 'utf8')).toBe('one');
    await writeFileReplacing(path, 'three');
    expect(await readFile(path, 'utf8')).toBe('three');
    // No temporary file is left behind either way.
    expect(await readdir(join(dir, 'sub'))).toEqual(['a.csv']);
  });

  it('says a folder is in the way, in one line', async () => {
    const path = join(dir, 'report.html');
    await mkdir(path);
    await expect(writeFileAtomic(path, 'x', { replace: true })).rejects.toThrow(`cannot write ${path}: is a folder`);
    expect(await readdir(dir)).toEqual(['report.html']);
  });
});
