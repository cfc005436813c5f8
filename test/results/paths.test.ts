import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assertOutFree, outPaths, sidecarPathOf } from '../../src/results/paths.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wb-paths-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('run paths', () => {
  it('has one sidecar rule, whatever the case of .csv', () => {
    expect(sidecarPathOf('a/run.csv')).toBe('a/run.json');
    expect(sidecarPathOf('a/RUN.CSV')).toBe('a/RUN.json');
    expect(sidecarPathOf('a/run.txt')).toBe('a/run.txt.json');
    expect(outPaths('x/R.CSV')).toEqual({ csv: 'x/R.CSV', sources: 'x/R.sources.csv', json: 'x/R.json' });
    expect(() => outPaths('x.txt')).toThrow(/--out must name a \.csv file/);
  });

  it('refuses an --out whose files exist, and names a shell redirect of stdout for what it is', async () => {
    const out = join(dir, 'run.csv');
    await expect(assertOutFree(out)).resolves.toEqual(outPaths(out));
    const json = join(dir, 'run.json');
    await writeFile(json, '');
    await expect(assertOutFree(out)).rejects.toThrow(`${json} already exists; wattbench never overwrites results (choose another --out)`);
    const s = await stat(json);
    await expect(assertOutFree(out, { dev: s.dev, ino: s.ino })).rejects.toThrow(
      `${json} is where your shell is sending stdout (\`> ${json}\`) and also the sidecar of --out ${out}; redirect stdout elsewhere or choose another --out`,
    );
    // Another file on stdout: the plain message.
    await expect(assertOutFree(out, { dev: s.dev, ino: s.ino + 1 })).rejects.toThrow(/already exists/);
  });
});
