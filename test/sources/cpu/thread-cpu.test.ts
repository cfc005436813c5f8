import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { parseSchedstatCpuS, parseThreadStatCpuS, readThreadCpu, sumThreadCpu, threadCpuSpan, threadTask } from '../../../src/sources/cpu/thread-cpu.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wb-thread-cpu-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A fake task folder holding the given files. */
async function fakeTask(name: string, files: Record<string, string>): Promise<{ ok: true; dir: string }> {
  const root = join(dir, name);
  await mkdir(root, { recursive: true });
  for (const [file, text] of Object.entries(files)) await writeFile(join(root, file), text);
  return { ok: true, dir: root };
}

/** Runs `code` (an ES module body that may use threadTask, readThreadCpu and threadCpuSpan) in a worker thread and returns what it posts. */
function inWorker(code: string): Promise<unknown> {
  const module = new URL('../../../dist/src/sources/cpu/thread-cpu.js', import.meta.url).href;
  const source = `import { parentPort } from 'node:worker_threads'; import { threadTask, readThreadCpu, threadCpuSpan } from ${JSON.stringify(module)}; ${code}`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(source)}`));
    worker.once('message', (m) => {
      resolve(m);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

describe('CPU time of the calling thread', () => {
  it('parses schedstat nanoseconds and stat utime + stime ticks, counting stat fields after the last parenthesis', () => {
    expect(parseSchedstatCpuS('695719273 48721158 53\n')).toBeCloseTo(0.695719273, 12);
    expect(parseSchedstatCpuS('x 1 2')).toBeNull();
    expect(parseSchedstatCpuS('')).toBeNull();
    const line = '4921 (node (worker)) R 4837 4837 9483 0 -1 4194304 102 0 0 0 48 3 7 9 20 0 1 0 81103 3133440 412';
    expect(parseThreadStatCpuS(line)).toBeCloseTo((48 + 3) / 100, 9);
    expect(parseThreadStatCpuS('garbage')).toBeNull();
    expect(parseThreadStatCpuS('1 (x) S 1 2')).toBeNull();
  });

  it('reads schedstat first and falls back to stat where there is none', async () => {
    const both = await fakeTask('both', { schedstat: '2500000000 0 1\n', stat: '1 (t) R 1 1 1 0 -1 0 0 0 0 0 100 100 0 0 20 0 1 0 1 1 1\n' });
    const statOnly = await fakeTask('stat-only', { stat: '1 (t) R 1 1 1 0 -1 0 0 0 0 0 100 100 0 0 20 0 1 0 1 1 1\n' });
    expect(await readThreadCpu(both)).toEqual({ ok: true, cpuS: 2.5, via: 'schedstat' });
    expect(await readThreadCpu(statOnly)).toEqual({ ok: true, cpuS: 2, via: 'stat' });
  });

  it('says why when it cannot read the thread, never 0', async () => {
    expect(await readThreadCpu(await fakeTask('malformed', { stat: 'nonsense' }))).toEqual({ ok: false, reason: `malformed ${join(dir, 'malformed', 'stat')}` });
    const absent = await readThreadCpu({ ok: true, dir: join(dir, 'no-such-task') });
    expect(absent.ok).toBe(false);
    expect(absent).not.toHaveProperty('cpuS');
    expect(await readThreadCpu({ ok: false, reason: 'not found' })).toEqual({ ok: false, reason: 'not found' });
  });

  it('looks a thread up only from a worker thread, never on the main thread that samples', () => {
    expect(threadTask()).toMatchObject({ ok: false, reason: expect.stringMatching(process.platform === 'linux' ? /only a worker thread/ : /does not have/) });
  });

  it('in a worker thread: finds its own task folder, and its CPU time grows with what it burns (Linux)', async () => {
    const posted = (await inWorker(`
      const thread = threadTask();
      const before = await readThreadCpu(thread);
      const t = process.hrtime.bigint();
      while (process.hrtime.bigint() - t < 200000000n);
      parentPort.postMessage({ thread, span: threadCpuSpan(before, await readThreadCpu(thread)), pid: process.pid });
    `)) as { thread: { ok: boolean; dir?: string }; span: { ok: boolean; cpuS?: number; reason?: string }; pid: number };
    if (process.platform !== 'linux') {
      expect(posted.span.ok).toBe(false);
      return;
    }
    expect(posted.thread.dir).toMatch(new RegExp(`^/proc/${posted.pid}/task/\\d+$`));
    expect(posted.thread.dir).not.toBe(`/proc/${posted.pid}/task/${posted.pid}`);
    expect(posted.span).toMatchObject({ ok: true });
    expect(posted.span.cpuS).toBeGreaterThan(0);
  });

  it('in a worker thread with no /proc: says why', async () => {
    const posted = (await inWorker(`parentPort.postMessage(threadTask('/nonexistent-wattbench-proc'));`)) as { ok: boolean; reason: string };
    expect(posted.ok).toBe(false);
    expect(posted.reason).toMatch(process.platform === 'linux' ? /nonexistent-wattbench-proc\/thread-self/ : /does not have/);
  });

  it('spans need both readings of one kind, and a team sums only when every thread has a figure', () => {
    const at = (cpuS: number, via: 'schedstat' | 'stat' = 'schedstat') => ({ ok: true as const, cpuS, via });
    expect(threadCpuSpan(at(1), at(1.5))).toEqual({ ok: true, cpuS: 0.5 });
    expect(threadCpuSpan(at(1), at(2, 'stat'))).toEqual({ ok: false, reason: 'thread CPU time read from schedstat at the start and stat at the end' });
    expect(threadCpuSpan(at(2), at(1))).toMatchObject({ ok: false });
    expect(threadCpuSpan({ ok: false, reason: 'r' }, at(1))).toEqual({ ok: false, reason: 'r' });
    expect(sumThreadCpu([{ ok: true, cpuS: 0.25 }, { ok: true, cpuS: 0.5 }])).toEqual({ ok: true, cpuS: 0.75 });
    expect(sumThreadCpu([{ ok: true, cpuS: 0.25 }, { ok: false, reason: 'gone' }])).toEqual({ ok: false, reason: 'gone' });
    expect(sumThreadCpu([])).toMatchObject({ ok: false });
  });
});
