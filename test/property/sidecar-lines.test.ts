import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type RowWindow, summarizeSidecarDocument, summarizeSidecarLines, summarizeSidecarText } from '../../src/report/sidecar.js';
import { sidecarText } from '../../src/results/sidecar-text.js';
import { RUNS } from './arbitraries.js';

/**
 * Reading a sidecar from its CSV rows, parsing only the chosen windows (report/sidecar.ts with sidecar-lines.ts),
 * must never change what the report shows: for any document, well formed or hostile, and rows that match its windows
 * or not, the summary equals the summary of the document parsed whole.
 */

const number = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.constant(0));
const odd = fc.oneof(fc.constant(null), fc.string({ maxLength: 6 }), fc.boolean());
const point = fc.oneof({ arbitrary: fc.tuple(number, number), weight: 8 }, { arbitrary: fc.array(fc.oneof(number, odd), { maxLength: 3 }), weight: 1 });
const source = fc.record(
  {
    id: fc.oneof(fc.constantFrom('rapl:package-0', 'nvidia:0', 'meter:plug'), odd),
    kind: fc.constantFrom('counter', 'gauge', 'utilization', 'x'),
    scope: fc.constantFrom('cpu-package', 'gpu', 'system-wall'),
    quality: fc.constantFrom('measured', 'estimated'),
    energyJ: fc.oneof(number, odd),
    inTotal: fc.boolean(),
    series: fc.oneof({ arbitrary: fc.array(point, { maxLength: 6 }), weight: 6 }, { arbitrary: odd, weight: 1 }),
  },
  { requiredKeys: ['id', 'kind'] },
);
const window = fc.record(
  {
    benchmark: fc.oneof(fc.constantFrom('sha256', 'json'), odd),
    kind: fc.constantFrom('kernel', 'command'),
    threads: fc.oneof(fc.constantFrom(1, 2), odd),
    version: fc.oneof(fc.constant('1'), odd),
    workUnit: fc.constantFrom('MB', 'run'),
    valid: fc.oneof(fc.constant(true), fc.constant(true), fc.constant(false), odd),
    repetition: fc.oneof(fc.integer({ min: 1, max: 5 }), odd),
    energyJ: fc.oneof(number, odd),
    durationS: number,
    sources: fc.oneof({ arbitrary: fc.array(source, { maxLength: 3 }), weight: 8 }, { arbitrary: odd, weight: 1 }),
  },
  { requiredKeys: ['valid', 'benchmark', 'repetition'] },
);
const doc = fc.record({
  machine: fc.oneof({ arbitrary: fc.constant('m'), weight: 5 }, { arbitrary: odd, weight: 1 }),
  runId: fc.constantFrom('r1', 'r2'),
  settings: fc.constant({ intervalMs: 100 }),
  windows: fc.array(fc.oneof({ arbitrary: window, weight: 9 }, { arbitrary: odd, weight: 1 }), { maxLength: 8 }),
});

/**
 * Rows as a CSV would give them for these windows. A window the sidecar cannot name (no benchmark, or no repetition
 * number: the whole-document reading skips it) still had a row, of another shape, because a CSV row always has both:
 * the fast path checks the line of every row it uses and the count of a configuration's rows is the CSV's own.
 */
function rowsOf(windows: unknown[]): RowWindow[] {
  return windows.map((w) => {
    const x = (typeof w === 'object' && w !== null ? w : {}) as Record<string, unknown>;
    const finite = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
    const named = typeof x.benchmark === 'string' && finite(x.repetition) !== null;
    return {
      benchmark: named ? (x.benchmark as string) : 'row',
      kind: typeof x.kind === 'string' ? x.kind : 'kernel',
      threads: finite(x.threads),
      version: typeof x.version === 'string' ? x.version : null,
      workUnit: typeof x.workUnit === 'string' ? x.workUnit : '',
      repetition: finite(x.repetition) ?? 1,
      valid: x.valid === true,
      rank: finite(x.energyJ) ?? finite(x.durationS) ?? 0,
    };
  });
}

describe('property: sidecar read from its CSV rows (report/sidecar.ts)', () => {
  it('summarizes any document to what the document parsed whole gives, whether or not the rows match it', () => {
    let fast = 0;
    fc.assert(
      fc.property(doc, fc.constantFrom('r1', 'r2'), fc.boolean(), (d, rowsRun, shuffle) => {
        const text = sidecarText(d);
        const rows = rowsOf(d.windows);
        const runs = new Map([[rowsRun, shuffle ? [...rows].reverse() : rows]]);
        if (summarizeSidecarLines('x.json', text, runs) !== null) fast++;
        // The document as JSON gives it back (-0 becomes 0), summarized without the rows.
        const whole = summarizeSidecarDocument('x.json', JSON.parse(JSON.stringify(d)));
        expect(summarizeSidecarText('x.json', text, runs)).toEqual(whole);
      }),
      { numRuns: RUNS * 2 },
    );
    expect(fast, 'the rows were never used').toBeGreaterThan(0);
  });
});
