import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseProcStat, probeProcStat } from '../../../src/sources/cpu/procstat.js';
import { sourceContext } from '../../../src/sources/discover.js';
import { procfs, seamReader } from '../../helpers/fake-files.js';

describe('/proc/stat', () => {
  it('parses the aggregate line into seconds with idle and iowait apart from busy', async () => {
    const t = parseProcStat(await readFile(`${procfs('basic')}/stat`, 'utf8'));
    // busy = user 2255 + nice 34 + system 2290 + irq 127 + softirq 456 = 5162 ticks = 51.62 s
    expect(t?.busyS).toBeCloseTo(51.62, 6);
    expect(t?.totalS).toBeCloseTo((5162 + 22625563 + 6290) / 100, 6);
    expect(t?.stealS).toBe(0);
    expect(t?.cpus).toBe(2);
  });

  it('takes guest time out of user and counts steal as busy', () => {
    const t = parseProcStat('cpu  1000 100 200 5000 50 10 20 30 400 40\ncpu0 1 1 1 1 1 1 1 1 0 0\n');
    // busy = (1000-400) + (100-40) + 200 + 10 + 20 + 30 = 920
    expect(t?.busyS).toBeCloseTo(9.2, 9);
    expect(t?.totalS).toBeCloseTo((920 + 5000 + 50) / 100, 9);
    expect(t?.stealS).toBeCloseTo(0.3, 9);
  });

  it('reads the 7-column format of old kernels with steal unknown', () => {
    const t = parseProcStat('cpu  2255 34 2290 22625563 6290 127 456\n');
    expect(t?.busyS).toBeCloseTo(51.62, 6);
    expect(t?.stealS).toBeNull();
  });

  it('returns null for text without an aggregate line or with garbage', () => {
    expect(parseProcStat('')).toBeNull();
    expect(parseProcStat('intr 1 2 3\n')).toBeNull();
    expect(parseProcStat('cpu  a b c d\n')).toBeNull();
    expect(parseProcStat('cpu  1 2\n')).toBeNull();
  });

  it('probes ok on a fixture and shares concurrent reads', async () => {
    let reads = 0;
    const files = seamReader({ text: (p) => (p.endsWith('/stat') ? (reads++, null) : null) });
    const probe = await probeProcStat(sourceContext({ procfs: procfs('basic'), files }));
    expect(probe.state).toBe('ok');
    expect(probe.info.id).toBe('procstat:cpu');
    const before = reads;
    const [a, b] = await Promise.all([probe.source?.read(), probe.source?.read()]);
    expect(reads - before).toBe(1);
    expect(a).toEqual(b);
  });

  it('reports a missing /proc/stat as not ok with the path in the reason', async () => {
    const probe = await probeProcStat(sourceContext({ procfs: '/nonexistent-procfs' }));
    expect(probe.reason ?? '').toMatch(process.platform === 'linux' ? /ENOENT reading \/nonexistent-procfs\/stat/ : /./);
    if (process.platform === 'linux') expect(probe.state).toBe('absent');
  });
});
