import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sidecarLines } from '../../src/report/sidecar-lines.js';
import { summarizeSidecarDocument, summarizeSidecarText } from '../../src/report/sidecar.js';
import { sidecarText } from '../../src/results/sidecar-text.js';
import { RUNS } from './arbitraries.js';

/**
 * Reading a sidecar line by line without its series (report/sidecar-lines.ts) must never change what the report
 * shows: for any document, well formed or hostile, the summary from the sidecar layout equals the summary of the
 * document parsed whole.
 */

const number = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.constant(0), fc.constant(-0));
const odd = fc.oneof(fc.constant(null), fc.string({ maxLength: 6 }), fc.boolean(), fc.constant('"series":[[1,2]]'));
const point = fc.oneof({ arbitrary: fc.tuple(number, number), weight: 8 }, { arbitrary: fc.array(fc.oneof(number, odd), { maxLength: 3 }), weight: 1 });
const series = fc.oneof({ arbitrary: fc.array(point, { maxLength: 6 }), weight: 6 }, { arbitrary: odd, weight: 1 });
const source = fc.record(
  {
    id: fc.oneof(fc.constantFrom('rapl:package-0', 'nvidia:0', 'meter:plug'), odd),
    kind: fc.constantFrom('counter', 'gauge', 'utilization', 'x'),
    scope: fc.constantFrom('cpu-package', 'gpu', 'system-wall'),
    quality: fc.constantFrom('measured', 'estimated'),
    energyJ: fc.oneof(number, odd),
    inTotal: fc.boolean(),
    series,
  },
  { requiredKeys: ['id', 'kind'] },
);
const window = fc.record(
  {
    benchmark: fc.oneof(fc.constantFrom('sha256', 'json'), odd),
    kind: fc.constantFrom('kernel', 'command'),
    threads: fc.oneof(fc.constantFrom(1, 2), odd),
    valid: fc.oneof(fc.constant(true), fc.constant(true), fc.constant(false), odd),
    repetition: fc.oneof(fc.integer({ min: 1, max: 5 }), odd),
    energyJ: fc.oneof(number, odd),
    durationS: number,
    sources: fc.oneof({ arbitrary: fc.array(source, { maxLength: 3 }), weight: 8 }, { arbitrary: odd, weight: 1 }),
  },
  { requiredKeys: ['valid', 'benchmark', 'repetition'] },
);
const doc = fc.record({ machine: fc.oneof(fc.constant('m'), odd), settings: fc.constant({ intervalMs: 100 }), windows: fc.array(fc.oneof({ arbitrary: window, weight: 9 }, { arbitrary: odd, weight: 1 }), { maxLength: 8 }) });

describe('property: sidecar layout (report/sidecar-lines.ts)', () => {
  it('summarizes any document to what the document parsed whole gives', () => {
    let fast = 0;
    fc.assert(
      fc.property(doc, (d) => {
        const text = sidecarText(d);
        const lines = sidecarLines(text);
        if (lines !== null) {
          try {
            for (const _ of lines.windows);
            fast++;
          } catch {
            // Not in the layout after all: the summary below then comes from the whole text.
          }
        }
        // The document as JSON would give it back (-0 becomes 0), then summarized without the line reader.
        const whole = summarizeSidecarDocument('x.json', JSON.parse(JSON.stringify(d)));
        expect(summarizeSidecarText('x.json', text)).toEqual(whole);
      }),
      { numRuns: RUNS * 2 },
    );
    expect(fast, 'the line reader was never used').toBeGreaterThan(0);
  });
});
