import { describe, expect, it } from 'vitest';
import { kernels } from '../../benchmarks/index.js';
import { parseKernels, parseThreads } from '../../src/cli/run.js';
import { runMain } from '../helpers/cli.js';

describe('wattbench run and list, in this process', () => {
  it('lists the kernels as JSON', async () => {
    const r = await runMain(['list', '--json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as Array<Record<string, string>>;
    expect(list.length).toBeGreaterThanOrEqual(10);
    for (const k of list) expect(Object.keys(k)).toEqual(['id', 'version', 'unit', 'description', 'default']);
    expect(list.filter((k) => k.default).length).toBeGreaterThanOrEqual(10);
  });

  it('rejects an unknown kernel and bad thread counts with exit 2 and one line', async () => {
    for (const args of [['run', '--kernels', 'nope'], ['run', '--threads', '0'], ['run', '--threads', 'x']]) {
      const r = await runMain(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

describe('argument parsing', () => {
  it('expands all and drops duplicate thread counts', () => {
    expect(parseThreads('1,all,2', 2)).toEqual([1, 2]);
    expect(parseThreads('4', 2)).toEqual([4]);
    expect(() => parseThreads('1,-1')).toThrow(/positive whole numbers/);
  });
  it('keeps the order kernels were asked in, and defaults to all of them', () => {
    expect(parseKernels('json,sha256').map((k) => k.id)).toEqual(['json', 'sha256']);
    expect(parseKernels(undefined).map((k) => k.id)).not.toContain('pointer-chase');
    expect(parseKernels(undefined).length).toBeGreaterThanOrEqual(10);
    expect(parseKernels('all')).toHaveLength(kernels.length);
    expect(() => parseKernels('sha256,bogus')).toThrow(/unknown kernel "bogus"; known: /);
  });
});
