import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findLibrary, locateLibrary } from '../../../src/sources/io/locate-library.js';
import { DCMI_DIRS, DCMI_SONAME } from '../../../src/sources/accelerators/dcmi.js';

describe('locateLibrary', () => {
  it('looks in the vendor\'s folders after the loader\'s, answering the full path there', async () => {
    const vendor = await mkdtemp(join(tmpdir(), 'wb-vendor-'));
    try {
      const spec = { soname: 'libwb-test-only.so', label: 'TEST', vendorDirs: ['/nonexistent/a', vendor] };
      expect(await locateLibrary(spec, {})).toEqual({ found: false, reason: `libwb-test-only.so not found (LD_LIBRARY_PATH, /etc/ld.so.cache, /usr/lib…, /nonexistent/a, ${vendor})` });
      await writeFile(join(vendor, 'libwb-test-only.so'), '');
      expect(await locateLibrary(spec, {})).toEqual({ found: true, path: join(vendor, 'libwb-test-only.so') });
    } finally {
      await rm(vendor, { recursive: true, force: true });
    }
  });

  it('searches the Ascend driver\'s folders for libdcmi.so', () => {
    expect(DCMI_SONAME).toBe('libdcmi.so');
    expect(DCMI_DIRS).toEqual(['/usr/local/Ascend/driver/lib64/driver', '/usr/local/Ascend/driver/lib64/common', '/usr/local/dcmi']);
  });
});

describe('findLibrary', () => {
  const spec = { soname: 'libwb-nothing.so.9', label: 'WB', envVar: 'WB_TEST_LIBRARY' };
  it('is off when the setting or the variable says so, without looking', async () => {
    expect(await findLibrary(spec, { WB_TEST_LIBRARY: 'off' }, undefined)).toEqual({ found: false, reason: 'turned off (WB_TEST_LIBRARY=off)', off: true });
    expect(await findLibrary(spec, {}, 'off')).toEqual({ found: false, reason: 'turned off (its library option is off)', off: true });
  });
  it('takes a path that exists, refuses one that does not, and leaves a bare name to dlopen', async () => {
    expect(await findLibrary(spec, {}, '/nonexistent-wb/libx.so')).toEqual({ found: false, reason: '/nonexistent-wb/libx.so not found', off: false });
    expect(await findLibrary(spec, { WB_TEST_LIBRARY: process.execPath }, undefined)).toEqual({ found: true, path: process.execPath });
    expect(await findLibrary(spec, {}, 'libnvidia-ml.so.1')).toEqual({ found: true, path: 'libnvidia-ml.so.1' });
  });
  it('is not found, and not off, where nothing names it and the loader has none', async () => {
    expect(await findLibrary(spec, { LD_LIBRARY_PATH: '' }, undefined)).toMatchObject({ found: false, off: false });
  });
});
