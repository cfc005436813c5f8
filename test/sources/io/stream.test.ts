import { afterEach, describe, expect, it } from 'vitest';
import { ToolStream, type StreamOptions } from '../../../src/sources/io/stream.js';

/** A ToolStream over `node -e script`, collecting its records. */
function nodeStream(script: string, options: Partial<StreamOptions> = {}): { stream: ToolStream; records: string[] } {
  const records: string[] = [];
  const stream = new ToolStream(process.execPath, ['-e', script], {
    firstRecordTimeoutMs: 5000,
    env: process.env,
    onRecord: (record) => records.push(record),
    ...options,
  });
  streams.push(stream);
  return { stream, records };
}

const streams: ToolStream[] = [];
afterEach(async () => {
  await Promise.all(streams.splice(0).map((s) => s.close()));
});

/** Resolves once the tool's process has ended. */
async function ended(stream: ToolStream): Promise<void> {
  await expect.poll(() => stream.alive, { timeout: 5000, interval: 10 }).toBe(false);
}

describe('ToolStream', () => {
  it('hands over records as their separators arrive', async () => {
    const { stream, records } = nodeStream(`process.stdout.write('1\\n2\\n'); setTimeout(() => process.stdout.write('3\\n'), 50); setInterval(() => {}, 1000);`);
    expect(await stream.start()).toEqual({ ok: true });
    await expect.poll(() => records, { timeout: 5000 }).toEqual(['1', '2', '3']);
    expect(stream.alive).toBe(true);
  });

  it('hands over a last record without a trailing newline when the tool exits', async () => {
    const { stream, records } = nodeStream(`process.stdout.write('10\\n11\\n12.5');`);
    expect(await stream.start()).toEqual({ ok: true });
    await ended(stream);
    expect(records).toEqual(['10', '11', '12.5']);
    expect(stream.endReason).toMatch(/exited \(code 0\)$/);
  });

  it('starts when the only record comes without a newline, as it would with one', async () => {
    const { stream, records } = nodeStream(`process.stdout.write('42.5');`);
    expect(await stream.start()).toEqual({ ok: true });
    expect(records).toEqual(['42.5']);
    expect(stream.lastRecordAtS).toEqual(expect.any(Number));
  });

  it('hands over a last NUL-separated record without its NUL', async () => {
    const { stream, records } = nodeStream(`process.stdout.write('<plist>1</plist>\\0<plist>2</plist>');`, { separator: '\0' });
    expect(await stream.start()).toEqual({ ok: true });
    await ended(stream);
    expect(records).toEqual(['<plist>1</plist>', '<plist>2</plist>']);
  });

  it('still hands over the last record of a tool that fails, and says why it ended', async () => {
    const { stream, records } = nodeStream(`process.stdout.write('7\\nerror: meter gone'); process.stderr.write('disconnected\\n'); process.exitCode = 3;`);
    await stream.start();
    await ended(stream);
    expect(records).toEqual(['7', 'error: meter gone']);
    expect(stream.endReason).toMatch(/exited \(code 3\): disconnected$/);
  });

  it('makes no record of white space left after the last separator', async () => {
    const { stream, records } = nodeStream(`process.stdout.write('  \\r');`);
    const started = await stream.start();
    expect(started).toMatchObject({ ok: false, state: 'error', reason: expect.stringMatching(/exited \(code 0\)$/) });
    expect(records).toEqual([]);
    expect(stream.lastRecordAtS).toBeNull();
  });

  it('drops the record in progress when wattbench stops the tool: it may be cut short', async () => {
    const { stream, records } = nodeStream(`process.stdout.write('5\\n6'); setInterval(() => {}, 1000);`);
    expect(await stream.start()).toEqual({ ok: true });
    // One write: once its first record is out, the unfinished '6' is in the buffer too.
    await expect.poll(() => records.length, { timeout: 10_000 }).toBe(1);
    await stream.close();
    expect(stream.alive).toBe(false);
    expect(records).toEqual(['5']);
    expect(stream.endReason).toBe('stopped by wattbench');
  });

  it('drops a last record longer than maxRecordBytes', async () => {
    const { stream, records } = nodeStream(`process.stdout.write('1\\n' + 'x'.repeat(200));`, { maxRecordBytes: 100 });
    expect(await stream.start()).toEqual({ ok: true });
    await ended(stream);
    expect(records).toEqual(['1']);
  });
});
