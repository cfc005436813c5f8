import { describe, expect, it } from 'vitest';
import { classifyNvml, nvmlCodeName } from '../../../src/sources/accelerators/nvml-codes.js';

describe('NVML return codes', () => {
  it('names codes as nvml.h does, and unknown ones by number', () => {
    expect(nvmlCodeName(18)).toBe('NVML_ERROR_LIB_RM_VERSION_MISMATCH');
    expect(nvmlCodeName(12345)).toBe('NVML error 12345');
  });

  it('turns each failure into its state, a reason naming the call and the code, and the fix', () => {
    const c = (code: number) => classifyNvml(code, 'words', 'nvmlInit_v2');
    expect(c(4)).toEqual({ state: 'permission', reason: 'nvmlInit_v2: words (NVML_ERROR_NO_PERMISSION)', fix: expect.stringMatching(/\/dev\/nvidia\*/) });
    expect(c(3)).toEqual({ state: 'absent', reason: 'nvmlInit_v2: words (NVML_ERROR_NOT_SUPPORTED)', fix: null });
    expect(c(9)).toMatchObject({ state: 'error', fix: expect.stringMatching(/modprobe nvidia.*install the driver/) });
    expect(c(18)).toMatchObject({ state: 'error', fix: expect.stringMatching(/reboot, or reload the driver .*so the library and kernel module match/) });
    expect(c(15)).toMatchObject({ state: 'error', reason: expect.stringMatching(/NVML_ERROR_GPU_IS_LOST/), fix: expect.stringMatching(/fell off the bus/) });
    expect(c(12)).toMatchObject({ state: 'error', fix: expect.stringMatching(/install the NVIDIA driver/) });
    expect(c(17)).toMatchObject({ state: 'permission', fix: expect.stringMatching(/container/) });
    expect(c(999)).toEqual({ state: 'error', reason: 'nvmlInit_v2: words (NVML_ERROR_UNKNOWN)', fix: null });
  });
});
