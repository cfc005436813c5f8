import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { locateLibrary } from '../../../src/sources/io/locate-library.js';
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
