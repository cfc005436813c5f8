import type { Probe } from '../types.js';

/** NVML return codes (`nvmlReturn_t` in nvml.h) that wattbench tells apart; every other non-zero code is an error. */
export const NVML_SUCCESS = 0;
/** The call needs `nvmlInit_v2` first. */
export const NVML_ERROR_UNINITIALIZED = 1;
/** The device cannot do this (an energy counter before Volta, a sensor the board lacks). */
export const NVML_ERROR_NOT_SUPPORTED = 3;
/** The user may not read this. */
export const NVML_ERROR_NO_PERMISSION = 4;
/** The NVIDIA kernel driver is not loaded. */
export const NVML_ERROR_DRIVER_NOT_LOADED = 9;
/** NVML could not find a library it needs. */
export const NVML_ERROR_LIBRARY_NOT_FOUND = 12;
/** This library does not have the function (an older driver). */
export const NVML_ERROR_FUNCTION_NOT_FOUND = 13;
/** The GPU fell off the bus or is otherwise unreachable. */
export const NVML_ERROR_GPU_IS_LOST = 15;
/** The operating system or a cgroup blocks the GPU's device node. */
export const NVML_ERROR_OPERATING_SYSTEM = 17;
/** The library and the kernel module come from different driver versions. */
export const NVML_ERROR_LIB_RM_VERSION_MISMATCH = 18;

const NAMES: Record<number, string> = {
  0: 'NVML_SUCCESS',
  1: 'NVML_ERROR_UNINITIALIZED',
  2: 'NVML_ERROR_INVALID_ARGUMENT',
  3: 'NVML_ERROR_NOT_SUPPORTED',
  4: 'NVML_ERROR_NO_PERMISSION',
  6: 'NVML_ERROR_NOT_FOUND',
  7: 'NVML_ERROR_INSUFFICIENT_SIZE',
  8: 'NVML_ERROR_INSUFFICIENT_POWER',
  9: 'NVML_ERROR_DRIVER_NOT_LOADED',
  10: 'NVML_ERROR_TIMEOUT',
  11: 'NVML_ERROR_IRQ_ISSUE',
  12: 'NVML_ERROR_LIBRARY_NOT_FOUND',
  13: 'NVML_ERROR_FUNCTION_NOT_FOUND',
  14: 'NVML_ERROR_CORRUPTED_INFOROM',
  15: 'NVML_ERROR_GPU_IS_LOST',
  16: 'NVML_ERROR_RESET_REQUIRED',
  17: 'NVML_ERROR_OPERATING_SYSTEM',
  18: 'NVML_ERROR_LIB_RM_VERSION_MISMATCH',
  19: 'NVML_ERROR_IN_USE',
  20: 'NVML_ERROR_MEMORY',
  21: 'NVML_ERROR_NO_DATA',
  26: 'NVML_ERROR_DEPRECATED',
  27: 'NVML_ERROR_NOT_READY',
  28: 'NVML_ERROR_GPU_NOT_FOUND',
  999: 'NVML_ERROR_UNKNOWN',
};

/** The nvml.h name of a return code, such as `NVML_ERROR_NO_PERMISSION`. */
export function nvmlCodeName(code: number): string {
  return NAMES[code] ?? `NVML error ${code}`;
}

const PERMISSION_FIX = 'give the user read access to /dev/nvidia* (add it to the group owning them, often video), or run wattbench as root';

/**
 * Turns a failed NVML call into a probe state with a one-line reason and the fix for it.
 * @param what the call and the device, as the reason names them (`nvmlInit_v2`, `energy counter of GPU 0`)
 * @param text what `nvmlErrorString` says about the code
 */
export function classifyNvml(code: number, text: string, what: string): Pick<Probe, 'state' | 'reason' | 'fix'> {
  const reason = `${what}: ${text} (${nvmlCodeName(code)})`;
  switch (code) {
    case NVML_ERROR_NO_PERMISSION:
      return { state: 'permission', reason, fix: PERMISSION_FIX };
    case NVML_ERROR_NOT_SUPPORTED:
    case NVML_ERROR_FUNCTION_NOT_FOUND:
      return { state: 'absent', reason, fix: null };
    case NVML_ERROR_DRIVER_NOT_LOADED:
      return { state: 'error', reason, fix: 'load the NVIDIA kernel driver (sudo modprobe nvidia), or install the driver if it is missing' };
    case NVML_ERROR_LIB_RM_VERSION_MISMATCH:
      return { state: 'error', reason, fix: 'reboot, or reload the driver (sudo rmmod nvidia_uvm nvidia_drm nvidia_modeset nvidia && sudo modprobe nvidia), so the library and kernel module match' };
    case NVML_ERROR_GPU_IS_LOST:
      return { state: 'error', reason, fix: 'the GPU fell off the bus: check the kernel log (dmesg | grep -i xid), then reset the GPU (nvidia-smi -r) or reboot' };
    case NVML_ERROR_OPERATING_SYSTEM:
      return { state: 'permission', reason, fix: 'in a container, pass the GPUs to it again (--gpus, or the device plugin) after cgroup changes; on a host, allow /dev/nvidia* in the cgroup' };
    case NVML_ERROR_LIBRARY_NOT_FOUND:
      return { state: 'error', reason, fix: 'install the NVIDIA driver matching the kernel module (its user-space libraries are missing)' };
    default:
      return { state: 'error', reason, fix: null };
  }
}
