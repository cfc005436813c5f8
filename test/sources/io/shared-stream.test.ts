import { afterEach, describe, expect, it } from 'vitest';
import { SharedToolStream, ToolStream } from '../../../src/sources/io/stream.js';
import type { ReadResult } from '../../../src/sources/types.js';
import { ManualClock } from '../../helpers/manual-clock.js';

/** A stream of `key=value` lines from `node -e script`; other lines are garbage. */
class KeyValueStream extends SharedToolStream<string> {
  resets = 0;

  constructor(script: string, clock: ManualClock, staleAfterS = 2) {
    super(process.execPath, ['-e', script], { label: 'kv', recordName: 'line', env: process.env, firstRecordTimeoutMs: 5000, staleAfterS, clock });
  }

  read(key: string): ReadResult<number> {
    return this.readLatest(key, `no ${key} yet`, (age) => `stale: ${key} printed ${age} s ago`);
  }

  protected reset(): void {
    this.resets += 1;
  }

  protected take(record: string, atS: number): void {
    const m = /^(\w+)=(\d+)$/.exec(record);
    if (!m) {
      this.garbage = JSON.stringify(record);
      return;
    }
    this.garbage = null;
    this.latest.set(m[1] as string, { value: Number(m[2]), atS });
  }
}

/** Prints the lines, then stays alive printing nothing (a tool that stalls). */
const thenStall = (lines: string[]): string => `process.stdout.write(${JSON.stringify(lines.map((l) => `${l}\n`).join(''))}); setInterval(() => {}, 1000);`;

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

describe('SharedToolStream (the stream driver)', () => {
  it('reads the latest value per key stamped by its clock, and refuses it once older than staleAfterS', async () => {
    const clock = new ManualClock(500);
    const kv = new KeyValueStream(thenStall(['a=1', 'b=2']), clock, 2);
    const h = kv.holder();
    closers.push(h.close);
    expect(kv.read('a')).toEqual({ ok: false, reason: 'kv stream not started' });
    await h.start();
    await expect.poll(() => kv.read('b').ok, { timeout: 5000 }).toBe(true);
    expect(kv.read('a')).toEqual({ ok: true, value: 1, atS: 500 });
    expect(kv.read('c')).toEqual({ ok: false, reason: 'no c yet' });
    await clock.advance(2000);
    expect(kv.read('a')).toMatchObject({ ok: true, value: 1 });
    await clock.advance(500);
    expect(kv.read('a')).toEqual({ ok: false, reason: 'stale: a printed 2.5 s ago' });
  });

  it('names the last unreadable line in its reasons', async () => {
    const clock = new ManualClock();
    const kv = new KeyValueStream(thenStall(['a=1', 'garbage!']), clock, 1);
    const h = kv.holder();
    closers.push(h.close);
    await h.start();
    await expect.poll(() => kv.read('zz'), { timeout: 5000 }).toEqual({ ok: false, reason: 'no zz yet; last line unreadable: "garbage!"' });
    await clock.advance(1500);
    expect(kv.read('a')).toEqual({ ok: false, reason: 'stale: a printed 1.5 s ago; last line unreadable: "garbage!"' });
  });

  it('runs one process for every holder and stops it with the last close; a new start launches afresh', async () => {
    const clock = new ManualClock();
    const kv = new KeyValueStream(thenStall(['a=1']), clock);
    const gauge = kv.holder();
    const counter = kv.holder();
    closers.push(gauge.close, counter.close);
    await Promise.all([gauge.start(), counter.start()]);
    expect(kv.resets).toBe(1);
    await gauge.close();
    await expect.poll(() => kv.read('a').ok, { timeout: 5000 }).toBe(true);
    await counter.close();
    expect(kv.read('a')).toEqual({ ok: false, reason: 'stopped by wattbench' });
    await gauge.start();
    expect(kv.resets).toBe(2);
    await expect.poll(() => kv.read('a').ok, { timeout: 5000 }).toBe(true);
  });

  it('reports a tool that exits as why it ended, not its last value', async () => {
    const clock = new ManualClock();
    const kv = new KeyValueStream(`process.stdout.write('a=1\\n'); process.exitCode = 4;`, clock);
    const h = kv.holder();
    closers.push(h.close);
    await h.start();
    await expect.poll(() => kv.read('a'), { timeout: 5000 }).toEqual({ ok: false, reason: expect.stringMatching(/exited \(code 4\)$/) });
  });
});

describe('ToolStream on a manual clock', () => {
  it('gives up on a tool that prints nothing once the clock passes firstRecordTimeoutMs', async () => {
    const clock = new ManualClock();
    const stream = new ToolStream(process.execPath, ['-e', 'setInterval(() => {}, 1000);'], { firstRecordTimeoutMs: 700, env: process.env, clock, onRecord: () => undefined });
    closers.push(() => stream.close());
    let settled = false;
    const started = stream.start().then((r) => {
      settled = true;
      return r;
    });
    await clock.advance(699);
    expect(settled).toBe(false);
    await clock.advance(1);
    expect(await started).toEqual({ ok: false, reason: `${process.execPath} printed nothing within 700 ms`, state: 'error' });
  });
});
