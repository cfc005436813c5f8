import { describe, expect, it } from 'vitest';
import { freshValue, LastGood } from '../../../src/sources/io/latest.js';
import { ManualClock } from '../../helpers/manual-clock.js';

const words = { missing: 'no line yet', stale: (age: string) => `printed nothing for ${age} s` };

describe('freshValue (the staleness rule)', () => {
  it('gives the value up to staleAfterS old and refuses it after, with the age to 0.1 s', () => {
    const last = { value: 5, atS: 10 };
    expect(freshValue(last, 12, 2, words)).toEqual({ ok: true, value: 5, atS: 10 });
    expect(freshValue(last, 12.04, 2, words)).toEqual({ ok: false, reason: 'printed nothing for 2.0 s' });
    expect(freshValue(null, 12, 2, words)).toEqual({ ok: false, reason: 'no line yet' });
    expect(freshValue(undefined, 12, 2, words)).toEqual({ ok: false, reason: 'no line yet' });
  });
});

describe('LastGood', () => {
  it('keeps the last good value through failures until it turns stale on its clock', async () => {
    const clock = new ManualClock(20);
    const last = new LastGood<number>(1.5, clock);
    expect(last.read()).toEqual({ ok: false, reason: 'no reading yet' });
    last.fail('timed out');
    expect(last.read()).toEqual({ ok: false, reason: 'timed out' });
    last.good(3);
    expect(last.lastError).toBeNull();
    last.fail('timed out');
    expect(last.read()).toEqual({ ok: true, value: 3, atS: 20 });
    await clock.advance(2000);
    expect(last.read()).toEqual({ ok: false, reason: 'stale: last good reading 2.0 s ago (timed out)' });
    expect(last.read(words)).toEqual({ ok: false, reason: 'printed nothing for 2.0 s' });
    last.good(4, 21.5);
    expect(last.read()).toEqual({ ok: true, value: 4, atS: 21.5 });
    last.clear();
    expect(last.read()).toEqual({ ok: false, reason: 'no reading yet' });
  });
});
