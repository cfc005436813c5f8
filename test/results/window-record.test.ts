import { describe, expect, it } from 'vitest';
import { windowRecord } from '../../src/results/window-record.js';
import type { CommandWindow, FunctionWindow, KernelWindow } from '../../src/runner/types.js';
import type { Measurement } from '../../src/sampler/window.js';

const measurement: Measurement = {
  startedAt: '2026-11-29T10:00:00.000Z',
  durationS: 2,
  energyJ: 10,
  powerW: 5,
  quality: 'measured',
  source: 'rapl:package-0',
  cpuUtilPct: 50,
  stealPct: 0,
  processCpuS: 1,
  freqMhz: null,
  tempC: null,
  sources: [],
  warnings: [],
};

/** The keys of a window in the sidecar and `--json`, in the order they have always been written. */
const KEYS = [
  ...Object.keys(measurement),
  'benchmark', 'kind', 'threads', 'repetition', 'work', 'workUnit', 'version', 'checksum', 'exitCode', 'signal',
];

/** Keys added after the documents first had their shape: written last, so the earlier keys keep their order. */
const LATER = ['fidelity', 'coveragePct', 'minWindowS'];

describe('windowRecord', () => {
  it('carries the fidelity, coverage and least window of the measurement, and null for a window built without them', () => {
    const base: CommandWindow = { ...measurement, benchmark: 'true', kind: 'command', repetition: 1, work: 1, workUnit: 'run', exitCode: 0, signal: null, valid: true };
    expect(windowRecord({ ...base, fidelity: 'averaged', coveragePct: 87.5, minWindowS: 3 })).toMatchObject({ fidelity: 'averaged', coveragePct: 87.5, minWindowS: 3 });
    expect(windowRecord(base)).toMatchObject({ fidelity: null, coveragePct: null, minWindowS: null });
  });

  it('gives a command null for what only kernels have, in the documented key order', () => {
    const w: CommandWindow = { ...measurement, benchmark: 'sleep 1', kind: 'command', repetition: 2, work: 1, workUnit: 'run', exitCode: null, signal: 'SIGKILL', valid: false };
    const record = windowRecord(w);
    expect(Object.keys(record)).toEqual([...KEYS, 'valid', ...LATER]);
    expect(record).toMatchObject({ threads: null, version: null, checksum: null, exitCode: null, signal: 'SIGKILL', valid: false });
  });

  it('gives a kernel null for the exit fields, and keeps its idle power and the reason its CPU time is missing', () => {
    const w: KernelWindow = {
      ...measurement,
      processCpuS: null,
      processCpuReason: 'ENOENT reading /proc/thread-self',
      benchmark: 'sha256',
      kind: 'kernel',
      threads: 4,
      repetition: 1,
      work: 64,
      workUnit: 'MB',
      version: '1',
      checksum: 'abc',
      idlePowerW: null,
      valid: true,
    };
    const record = windowRecord(w);
    const [measured, rest] = [KEYS.slice(0, 13), KEYS.slice(13)];
    expect(Object.keys(record)).toEqual([...measured, 'processCpuReason', ...rest, 'idlePowerW', 'valid', ...LATER]);
    expect(record).toMatchObject({ threads: 4, version: '1', checksum: 'abc', exitCode: null, signal: null, idlePowerW: null, processCpuS: null });
  });

  it('gives a function window null for every kind-specific field and leaves the optional ones out', () => {
    const w: FunctionWindow = { ...measurement, benchmark: 'parse', kind: 'function', repetition: 1, work: 1, workUnit: 'call', valid: true };
    const record = windowRecord(w);
    expect(Object.keys(record)).toEqual([...KEYS, 'valid', ...LATER]);
    expect(record).toMatchObject({ threads: null, version: null, checksum: null, exitCode: null, signal: null });
    expect(record).not.toHaveProperty('idlePowerW');
    expect(record).not.toHaveProperty('processCpuReason');
  });
});
