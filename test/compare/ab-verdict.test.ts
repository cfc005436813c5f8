import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { abVerdict, armGroup, thresholdFromFile } from '../../src/compare/ab-verdict.js';
import { CHECK_SERIES, checkGroups, metricsFor } from '../../src/compare/check.js';
import { toCsv } from '../../src/results/csv.js';
import { readResults, resultRowOf } from '../../src/results/read.js';
import { COLUMNS, windowToRow } from '../../src/results/schema.js';
import { windowResultRow } from '../../src/results/window-row.js';
import type { CommandWindow, KernelWindow } from '../../src/runner/types.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wb-ab-verdict-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const run = { runId: 'r1', machine: 'vm' };

// Durations and energies with more digits than the CSV keeps, so the writer's rounding shows in the numbers.
function windows(arm: 'A' | 'B', n: number, scale: number): CommandWindow[] {
  return Array.from({ length: n }, (_, i) => ({
    startedAt: '2026-11-29T10:00:00.000Z',
    durationS: scale * (0.5 + (i % 5) / 700 + i / 1e7),
    energyJ: scale * (1.23456789012 + i / 3000),
    powerW: 12.3456789012 + i / 9,
    quality: 'measured' as const,
    source: 'rapl:package-0',
    cpuUtilPct: 50,
    stealPct: 0,
    processCpuS: 0.1,
    freqMhz: null,
    tempC: null,
    sources: [],
    warnings: i === 3 ? ['a; b'] : [],
    benchmark: `[${arm}] node bench.js`,
    kind: 'command' as const,
    repetition: i + 1,
    work: 1,
    workUnit: 'run',
    exitCode: 0,
    signal: null,
    valid: true,
  }));
}

describe('ab verdict from windows', () => {
  it('builds the same rows a reader gets back from the written CSV row', () => {
    for (const w of [...windows('A', 6, 1), ...windows('B', 6, 1.1)]) {
      expect(windowResultRow(run, w)).toEqual(resultRowOf(windowToRow(run, w)));
    }
    const odd = { ...windows('A', 1, 1)[0]!, energyJ: null, powerW: Number.NaN, warnings: [''] };
    expect(windowResultRow(run, odd)).toEqual(resultRowOf(windowToRow(run, odd)));
    // A kernel's empty version and checksum read back as null, in memory as from the file.
    const { exitCode: _exitCode, signal: _signal, ...measured } = odd;
    const kernel: KernelWindow = { ...measured, kind: 'kernel', threads: 2, version: '', checksum: '' };
    expect(windowResultRow(run, kernel)).toEqual(resultRowOf(windowToRow(run, kernel)));
    expect(windowResultRow(run, kernel)).toMatchObject({ kind: 'kernel', threads: 2, version: null, checksum: null });
  });

  it('groups each arm with the numbers check reads from the CSV, and draws the same verdict', async () => {
    const a = windows('A', 10, 1);
    const b = windows('B', 10, 1.3);
    const csv = join(dir, 'ab.csv');
    await writeFile(csv, toCsv(COLUMNS, [...a, ...b].map((w) => windowToRow(run, w))));
    const set = await readResults([csv], { byMachine: false, series: CHECK_SERIES });
    const [fromA, fromB] = [...set.groups.values()];
    const groupA = armGroup(run, a)!;
    const groupB = armGroup(run, b)!;
    expect(groupA.series).toEqual(fromA!.series);
    expect(groupB.series).toEqual(fromB!.series);
    expect(groupA.n).toBe(10);

    const verdict = abVerdict({ A: groupA, B: groupB }, { seed: 7 }, { aa: false, label: 'B vs A', seed: 7 });
    const metrics = metricsFor(fromA!, fromB!, undefined, []);
    const expected = checkGroups(fromA!, fromB!, metrics, { seed: 7 }).map((e) => ({ ...e, label: 'B vs A' }));
    expect(verdict.entries).toEqual(expected);
    expect(verdict.entries.find((e) => e.metric === 'time')?.verdict).toBe('regressed');
    expect(verdict.calibrations).toEqual([]);
  });

  it('calibrates an A/A run and reads the recommended threshold back from its file', async () => {
    const a = windows('A', 10, 1);
    const b = windows('B', 10, 1).map((w) => ({ ...w, benchmark: '[B] node bench.js' }));
    const verdict = abVerdict({ A: armGroup(run, a)!, B: armGroup(run, b)! }, {}, { aa: true, label: 'x (A/A)', seed: 3 });
    expect(verdict.calibrations.length).toBeGreaterThan(0);
    const csv = join(dir, 'aa.csv');
    await writeFile(csv, toCsv(COLUMNS, [...a, ...b].map((w) => windowToRow(run, w))));
    const found = await thresholdFromFile(csv);
    expect(found.command).toBe('node bench.js');
    expect(found.thresholdPct).toBeGreaterThan(0);
    await writeFile(join(dir, 'plain.csv'), toCsv(COLUMNS, a.map((w) => windowToRow(run, { ...w, benchmark: 'plain' }))));
    await expect(thresholdFromFile(join(dir, 'plain.csv'))).rejects.toThrow(/no A\/A calibration in it/);
  });

  it('refuses an arm of mixed energy qualities', () => {
    const a = windows('A', 4, 1).map((w, i) => ({ ...w, quality: i === 0 ? ('estimated' as const) : ('measured' as const) }));
    const b = windows('B', 4, 1);
    expect(() => abVerdict({ A: armGroup(run, a)!, B: armGroup(run, b)! }, {}, { aa: false, label: 'B vs A', seed: 1 })).toThrow();
  });
});

describe('abVerdict across work units', () => {
  it('refuses to compare commands that count their work in different units', () => {
    const a = windows('A', 4, 1);
    const b = windows('B', 4, 1).map((w) => ({ ...w, work: 4096, workUnit: 'tokens' }));
    expect(() => abVerdict({ A: armGroup(run, a)!, B: armGroup(run, b)! }, {}, { aa: false, label: 'B vs A', seed: 1 })).toThrow(
      'command A counts its work in run, command B in tokens ($WATTBENCH_WORK_FILE): work in different units is not compared',
    );
  });
});
