import type { Probe } from '../types.js';
import { NPU_PERMISSION_FIX } from './npu-smi.js';

/** DCMI return codes (the DCMI API reference's return_codes table) that wattbench tells apart. */
export const DCMI_OK = 0;
/** The user may not make this call. */
export const DCMI_ERR_CODE_OPER_NOT_PERMITTED = -8002;
/** The device is not there (driver not loaded, chip gone). */
export const DCMI_ERR_CODE_DEVICE_NOT_EXIST = -8008;
/** The call is not allowed inside a container. */
export const DCMI_ERR_CODE_NOT_SUPPORT_IN_CONTAINER = -8013;
/** The device or this chip cannot do this. */
export const DCMI_ERR_CODE_NOT_SUPPORT = -8255;

const NAMES: Record<number, string> = {
  0: 'DCMI_OK',
  [-8001]: 'DCMI_ERR_CODE_INVALID_PARAMETER',
  [-8002]: 'DCMI_ERR_CODE_OPER_NOT_PERMITTED',
  [-8003]: 'DCMI_ERR_CODE_MEM_OPERATE_FAIL',
  [-8004]: 'DCMI_ERR_CODE_SECURE_FUN_FAIL',
  [-8005]: 'DCMI_ERR_CODE_INNER_ERR',
  [-8006]: 'DCMI_ERR_CODE_TIME_OUT',
  [-8007]: 'DCMI_ERR_CODE_INVALID_DEVICE_ID',
  [-8008]: 'DCMI_ERR_CODE_DEVICE_NOT_EXIST',
  [-8009]: 'DCMI_ERR_CODE_IOCTL_FAIL',
  [-8010]: 'DCMI_ERR_CODE_SEND_MSG_FAIL',
  [-8011]: 'DCMI_ERR_CODE_RECV_MSG_FAIL',
  [-8012]: 'DCMI_ERR_CODE_NOT_REDAY',
  [-8013]: 'DCMI_ERR_CODE_NOT_SUPPORT_IN_CONTAINER',
  [-8015]: 'DCMI_ERR_CODE_RESET_FAIL',
  [-8017]: 'DCMI_ERR_CODE_IS_UPGRADING',
  [-8020]: 'DCMI_ERR_CODE_RESOURCE_OCCUPIED',
  [-8023]: 'DCMI_ERR_CODE_CONFIG_INFO_NOT_EXIST',
  [-8255]: 'DCMI_ERR_CODE_NOT_SUPPORT',
};

/** DCMI's words for the codes it documents (DCMI has no error-string call). */
const TEXTS: Record<number, string> = {
  [-8001]: 'invalid parameter',
  [-8002]: 'operation not permitted',
  [-8005]: 'internal error',
  [-8006]: 'timed out',
  [-8007]: 'invalid device id',
  [-8008]: 'device does not exist',
  [-8009]: 'ioctl failed',
  [-8012]: 'not ready, try again',
  [-8013]: 'not supported in a container',
  [-8017]: 'the device is being upgraded',
  [-8020]: 'the device is occupied',
  [-8255]: 'not supported',
};

/** The reference's name of a return code, such as `DCMI_ERR_CODE_OPER_NOT_PERMITTED`. */
export function dcmiCodeName(code: number): string {
  return NAMES[code] ?? `DCMI error ${code}`;
}

/**
 * Turns a failed DCMI call into a probe state with a one-line reason and the fix for it.
 * @param what the call and the device, as the reason names them (`dcmi_init`, `the power of NPU 0`)
 */
export function classifyDcmi(code: number, what: string): Pick<Probe, 'state' | 'reason' | 'fix'> {
  const reason = `${what}: ${TEXTS[code] ?? 'failed'} (${dcmiCodeName(code)}, ${code})`;
  switch (code) {
    case DCMI_ERR_CODE_OPER_NOT_PERMITTED:
      return { state: 'permission', reason, fix: NPU_PERMISSION_FIX };
    case DCMI_ERR_CODE_NOT_SUPPORT:
      return { state: 'absent', reason, fix: null };
    case DCMI_ERR_CODE_NOT_SUPPORT_IN_CONTAINER:
      return { state: 'absent', reason, fix: 'run wattbench on the host, or use npu-smi inside the container (WATTBENCH_DCMI_LIBRARY=off)' };
    case DCMI_ERR_CODE_DEVICE_NOT_EXIST:
      return {
        state: 'error',
        reason,
        fix: 'check that the Ascend driver is loaded (lsmod | grep drv_davinci; npu-smi info) and, in a container, that /dev/davinci*, /dev/davinci_manager, /dev/devmm_svm and /dev/hisi_hdc are mapped',
      };
    default:
      return { state: 'error', reason, fix: null };
  }
}
