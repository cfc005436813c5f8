import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { locateNvml } from '../../../src/sources/accelerators/nvml-locate.js';

describe('locateNvml', () => {
  it('finds the library in an LD_LIBRARY_PATH folder first, answering its full path', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'wb-ld-a-'));
    const dir = await mkdtemp(join(tmpdir(), 'wb-ld-b-'));
    try {
      await writeFile(join(dir, 'libnvidia-ml.so.1'), '');
      expect(await locateNvml({ LD_LIBRARY_PATH: `${empty}::${dir}` })).toEqual({ found: true, path: join(dir, 'libnvidia-ml.so.1') });
    } finally {
      await rm(empty, { recursive: true, force: true });
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('takes an explicit path as given, and says when it is not there', async () => {
    expect(await locateNvml({}, '/nonexistent/libnvidia-ml.so.1')).toEqual({ found: false, reason: '/nonexistent/libnvidia-ml.so.1 not found' });
    const self = new URL(import.meta.url).pathname;
    expect(await locateNvml({}, self)).toEqual({ found: true, path: self });
  });
});
