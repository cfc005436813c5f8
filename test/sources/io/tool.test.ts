import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPath, runTool } from '../../../src/sources/io/tool.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wb-tool-'));
  await writeFile(join(dir, 'say-hi'), `#!${process.execPath}\nprocess.stdout.write('hi\\n');\n`);
  await chmod(join(dir, 'say-hi'), 0o755);
  await writeFile(join(dir, 'not-executable'), 'just text\n');
  await chmod(join(dir, 'not-executable'), 0o644);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('onPath', () => {
  it('finds a file in a folder of PATH, or at a path with a slash, and nothing else', async () => {
    const env = { PATH: ['/nonexistent-wb', dir].join(':') };
    expect(await onPath('say-hi', env)).toBe(true);
    expect(await onPath('no-such-tool-wb', env)).toBe(false);
    expect(await onPath(join(dir, 'say-hi'), { PATH: '' })).toBe(true);
    expect(await onPath(join(dir, 'missing'), env)).toBe(false);
    // A folder of that name is not a tool.
    expect(await onPath('wb-tool', { PATH: tmpdir() })).toBe(false);
  });

  it('leaves the decision to the spawn when there is no PATH at all', async () => {
    expect(await onPath('anything', {})).toBe(true);
  });
});

describe('runTool', () => {
  it('runs a tool found on PATH', async () => {
    const r = await runTool('say-hi', [], { timeoutMs: 10_000, env: { PATH: dir } });
    expect(r).toMatchObject({ ok: true, stdout: 'hi\n', code: 0 });
  });

  it('says a tool is absent without spawning it, in the words a failed spawn would give', async () => {
    expect(await runTool('no-such-tool-wb', ['--version'], { timeoutMs: 10_000, env: { PATH: dir } })).toEqual({ ok: false, state: 'absent', reason: 'no-such-tool-wb not found on PATH' });
  });

  it('leaves a file that is there but not executable to the spawn: a permission state', async () => {
    const r = await runTool('not-executable', [], { timeoutMs: 10_000, env: { PATH: dir } });
    expect(r).toMatchObject({ ok: false, state: 'permission', reason: 'not-executable is not executable for this user (EACCES)' });
  });
});
