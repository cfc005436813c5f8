import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { windowRecord } from '../../src/results/window-record.js';
import { commandWindow, measureCommand } from '../../src/runner/command.js';
import type { Measurement } from '../../src/sampler/window.js';
import { debugSession } from '../helpers/debug-session.js';
import { ManualClock } from '../helpers/manual-clock.js';

const node = (code: string): string[] => [process.execPath, '-e', code];

/** Resolves once `path` exists (the child writes it when it is ready): waits on a state, never on a duration. */
async function untilFile(path: string): Promise<void> {
  for (;;) {
    try {
      await readFile(path);
      return;
    } catch {
      await new Promise((r) => setImmediate(r));
    }
  }
}

describe('measureCommand', () => {
  it('gives one window per repetition, each with the script power and the exit code', async () => {
    const session = await debugSession('25');
    try {
      const seen: number[] = [];
      const windows = await measureCommand(session, node(''), { repeat: 2, stdout: 'stderr', onWindow: (w) => seen.push(w.repetition) });
      expect(seen).toEqual([1, 2]);
      for (const w of windows) {
        expect(windowRecord(w)).toMatchObject({ kind: 'command', benchmark: `${process.execPath} -e `, threads: null, work: 1, workUnit: 'run', exitCode: 0, signal: null, valid: true, source: 'debug:wall' });
        expect(w).not.toHaveProperty('threads');
        expect(w.powerW).toBeCloseTo(25, 9);
        expect(w.energyJ).toBeCloseTo(25 * w.durationS, 9);
      }
    } finally {
      await session.close();
    }
  });

  it('records a failing command as invalid and goes on, or stops there with bail', async () => {
    const session = await debugSession('5');
    try {
      const all = await measureCommand(session, node('process.exit(3)'), { repeat: 2 });
      expect(all.map((w) => [w.exitCode, w.valid])).toEqual([
        [3, false],
        [3, false],
      ]);
      expect(all[0]!.warnings).toContain('command exited with code 3');
      const bailed = await measureCommand(session, node('process.exit(3)'), { repeat: 3, bail: true });
      expect(bailed).toHaveLength(1);
    } finally {
      await session.close();
    }
  });

  it('names a command that is not on PATH, and an empty one, as usage errors', async () => {
    const session = await debugSession('5');
    try {
      await expect(measureCommand(session, ['wattbench-no-such-command-xyz'])).rejects.toThrow(UsageError);
      await expect(measureCommand(session, ['wattbench-no-such-command-xyz'])).rejects.toThrow(/cannot start "wattbench-no-such-command-xyz": not found on PATH/);
      await expect(measureCommand(session, [])).rejects.toThrow(/no command given/);
    } finally {
      await session.close();
    }
  });

  it('on abort sends SIGTERM, then SIGKILL 2 s later on the session clock, and drops the unfinished window', async () => {
    const clock = new ManualClock();
    const session = await debugSession('5', clock);
    const dir = await mkdtemp(join(tmpdir(), 'wattbench-command-'));
    try {
      const ready = join(dir, 'ready');
      const stubborn = `process.on('SIGTERM', () => {}); require('fs').writeFileSync(${JSON.stringify(ready)}, ''); setInterval(() => {}, 1000);`;
      const abort = new AbortController();
      let settled = false;
      const run = measureCommand(session, node(stubborn), { repeat: 3, abort: abort.signal }).finally(() => (settled = true));
      await untilFile(ready);
      abort.abort();
      await clock.advance(1999);
      // SIGTERM is ignored and SIGKILL not sent yet: the command cannot have ended.
      expect(settled).toBe(false);
      await clock.advance(1);
      expect(await run).toEqual([]);
    } finally {
      await session.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('commandWindow', () => {
  const m = { energyJ: null, source: 'rapl:package-0', warnings: ['w'] } as unknown as Measurement;
  it('is invalid when energy is missing although a source should give it, and names a killing signal', () => {
    const w = commandWindow(['sleep', '1'], 4, m, { exitCode: null, signal: 'SIGKILL' });
    expect(w).toMatchObject({ benchmark: 'sleep 1', repetition: 4, valid: false, exitCode: null, signal: 'SIGKILL' });
    expect(w.warnings).toEqual(['w', 'command killed by SIGKILL']);
  });
  it('is valid with no energy source at all, where there was nothing to miss', () => {
    const w = commandWindow(['true'], 1, { ...m, source: 'none' }, { exitCode: 0, signal: null });
    expect(w.valid).toBe(true);
    expect(w.warnings).toEqual(['w']);
  });
});
