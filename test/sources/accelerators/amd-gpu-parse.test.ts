import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  extractJson,
  normaliseBdf,
  parseAmdSmiList,
  parseAmdSmiPower,
  parsePowerValue,
  parseRocmSmiBus,
  parseRocmSmiPower,
} from '../../../src/sources/accelerators/amd-gpu-parse.js';
import { FIXTURES } from '../../helpers/fake-files.js';

const fixture = (name: string): string => readFileSync(`${FIXTURES}amd/${name}`, 'utf8');

describe('amd-smi and rocm-smi parsing', () => {
  it('reads the 6.1+ bare list with value/unit objects after a warning line', () => {
    expect(parseAmdSmiPower(fixture('amd-smi-6.1-power.json'))).toEqual([{ index: 0, powerW: 35, reason: null, secondaryDie: false }]);
  });

  it('reads the 26.x gpu_data wrapper after Python SyntaxWarning lines', () => {
    expect(parseAmdSmiPower(fixture('amd-smi-26-power.json'))?.map((g) => [g.index, g.powerW])).toEqual([
      [0, 250.25],
      [1, 180.5],
    ]);
  });

  it('reads the pre-6.1 bare numbers (average_socket_power)', () => {
    expect(parseAmdSmiPower(fixture('amd-smi-6.0-power.json'))?.[0]?.powerW).toBe(42);
  });

  it('tells a secondary die from an unsupported N/A', () => {
    const gpus = parseAmdSmiPower(fixture('amd-smi-mi250-power.json'));
    expect(gpus?.map((g) => [g.index, g.powerW, g.secondaryDie])).toEqual([
      [0, 91, false],
      [1, null, true],
      [2, null, false],
    ]);
    expect(gpus?.[1]?.reason).toMatch(/secondary die/);
    expect(gpus?.[2]?.reason).toMatch(/N\/A/);
  });

  it('reads the rocm-smi legacy string map, the APU key and the secondary die, and an amd-smi-style list', () => {
    expect(parseRocmSmiPower(fixture('rocm-smi-legacy.json'))?.map((g) => [g.index, g.powerW])).toEqual([
      [0, 19],
      [1, 112],
    ]);
    expect(parseRocmSmiPower(fixture('rocm-smi-apu.json'))?.[0]?.powerW).toBeCloseTo(8.123, 9);
    expect(parseRocmSmiPower(fixture('rocm-smi-secondary-die.json'))?.map((g) => [g.powerW, g.secondaryDie])).toEqual([
      [95, false],
      [null, true],
    ]);
    expect(parseRocmSmiPower(fixture('amd-smi-6.1-power.json'))?.[0]?.powerW).toBe(35);
  });

  it('parses every value shape and refuses garbage values without throwing', () => {
    expect(parsePowerValue({ value: 10, unit: 'W' })).toEqual({ ok: true, powerW: 10 });
    expect(parsePowerValue({ value: '180500', unit: 'mW' })).toEqual({ ok: true, powerW: 180.5 });
    expect(parsePowerValue('19.0')).toEqual({ ok: true, powerW: 19 });
    expect(parsePowerValue('124 W')).toEqual({ ok: true, powerW: 124 });
    expect(parsePowerValue('19000', 'mW')).toEqual({ ok: true, powerW: 19 });
    expect(parsePowerValue({ value: 'N/A', unit: 'W' })).toMatchObject({ ok: false, secondaryDie: false });
    expect(parsePowerValue('N/A (Secondary die)')).toMatchObject({ ok: false, secondaryDie: true });
    for (const bad of [-3, Number.NaN, 1e12, '1e999', 'lots', null, undefined, [], { value: 5, unit: 'kelvin' }, { value: {} }]) {
      expect(parsePowerValue(bad).ok).toBe(false);
    }
  });

  it('returns null for garbage, truncated and empty output', () => {
    const truncated = fixture('amd-smi-26-power.json').slice(0, 400);
    const bytes = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 97 + 13) % 256)).toString('latin1');
    for (const text of [fixture('garbage.txt'), truncated, bytes, '', '{}', '[1, 2, 3]', '{"card0": "x"}', 'null']) {
      expect(parseAmdSmiPower(text)).toBeNull();
      expect(parseRocmSmiPower(text)).toBeNull();
    }
  });

  it('finds the JSON after warning lines that themselves open with a bracket', () => {
    expect(extractJson('[WARNING] low power state [card0]\n{"card0": {"Average Graphics Package Power (W)": "5"}}\n')).toEqual({
      card0: { 'Average Graphics Package Power (W)': '5' },
    });
    expect(extractJson('no json here')).toBeUndefined();
  });

  it('reads bus ids from amd-smi list (bare and wrapped) and rocm-smi --showbus', () => {
    expect([...(parseAmdSmiList(fixture('amd-smi-list.json')) ?? [])]).toEqual([[0, '0000:03:00.0']]);
    expect([...(parseAmdSmiList(fixture('amd-smi-26-list.json')) ?? [])]).toEqual([
      [0, '0000:83:00.0'],
      [1, '0000:03:00.0'],
    ]);
    expect([...(parseRocmSmiBus(fixture('rocm-smi-bus.json')) ?? [])]).toEqual([
      [0, '0000:83:00.0'],
      [1, '0000:03:00.0'],
    ]);
    expect(parseAmdSmiList(fixture('garbage.txt'))).toBeNull();
    expect(normaliseBdf('0C:00.0')).toBe('0000:0c:00.0');
    expect(normaliseBdf('not a bus')).toBeNull();
  });
});
