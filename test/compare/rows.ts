/** Builders of result rows and sets for the comparison tests (no files: rows go straight into a GroupAccumulator). */
import { GroupAccumulator, type ReadOptions, type ResultRow, type ResultSet } from '../../src/results/read.js';

/** A valid measured kernel row; override any field. */
export function row(over: Partial<ResultRow> = {}): ResultRow {
  return {
    machine: 'm1',
    benchmark: 'sha256',
    kind: 'kernel',
    threads: 1,
    workUnit: 'MB',
    version: '1',
    checksum: 'abc',
    quality: 'measured',
    source: 'rapl:package-0',
    valid: true,
    durationS: 1,
    work: 100,
    throughputPerS: 100,
    energyJ: 10,
    powerW: 10,
    workPerJ: 10,
    warnings: null,
    ...over,
  };
}

/** Rows of one configuration with the given throughputs and powers over 1-second windows (work = throughput). */
export function series(over: Partial<ResultRow>, throughputs: readonly number[], powerW = 10): ResultRow[] {
  return throughputs.map((t) => row({ ...over, work: t, throughputPerS: t, durationS: 1, energyJ: powerW, powerW, workPerJ: t / powerW }));
}

/** Folds rows into a set as if read from `file` (line = index + 2, after the header). */
export function setOf(rows: readonly ResultRow[], options: ReadOptions = {}, file = 'test.csv'): ResultSet {
  const accumulator = new GroupAccumulator(options);
  rows.forEach((r, i) => accumulator.add(r, { file, line: i + 2 }));
  return { groups: accumulator.groups, files: [{ file, rows: rows.length, used: rows.filter((r) => r.valid).length, machines: [...new Set(rows.map((r) => r.machine))], excluded: [] }], notes: [] };
}
