import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES } from './fake-files.js';
import { sandboxEnv } from './sandbox-path.js';

/** Folder of fake tools: small executable node scripts that print the real formats of power-interfaces.md. */
export const FAKE_BIN = `${FIXTURES}bin`;

/**
 * Makes a temporary folder holding only the named fake tools (symlinks into test/fixtures/bin) and returns an
 * environment whose PATH finds them and the sandboxed basics (node, sleep…) only: other fakes and any real tool on
 * this machine stay invisible, so each test chooses its machine.
 */
export async function fakeTools(names: string[], extraEnv: Record<string, string> = {}): Promise<{ env: NodeJS.ProcessEnv; dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'wb-tools-'));
  for (const name of names) await symlink(join(FAKE_BIN, name), join(dir, name));
  return {
    dir,
    env: sandboxEnv([dir], extraEnv),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
