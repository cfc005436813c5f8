import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWorkAmount, parseWorkFile, windowWork, WORK_MAX, WORK_UNIT_MAX_CHARS, workUnitProblem, type WorkFileResult } from '../../src/runner/work-file.js';
import { HOSTILE_NUMBERS, numberText, RUNS, tokenSoup, unicodeText } from './arbitraries.js';

const UNIT = /^[A-Za-z][A-Za-z0-9_/-]*$/;

/** Every property of what a work file may give: nothing, a usable amount in a usable unit, or a reason. */
function expectWellFormed(r: WorkFileResult): void {
  if (r.kind === 'empty') return;
  if (r.kind === 'invalid') {
    expect(r.reason.length).toBeGreaterThan(0);
    expect(r.reason).not.toMatch(/[\r\n]/);
    return;
  }
  expect(Number.isFinite(r.work)).toBe(true);
  expect(r.work).toBeGreaterThan(0);
  expect(r.work).toBeLessThanOrEqual(WORK_MAX);
  expect(r.unit).toMatch(UNIT);
  expect(r.unit.length).toBeLessThanOrEqual(WORK_UNIT_MAX_CHARS);
}

const unit = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_/-]{0,31}$/);
const amount = fc.double({ min: 5e-324, max: WORK_MAX, noNaN: true });

describe('property: work files (work-file.ts)', () => {
  it('parseWorkFile never throws on any text, and gives nothing, a usable amount, or a one-line reason', () => {
    const text = fc.oneof(
      unicodeText,
      tokenSoup(['tokens', 'run', ' ', '\n', '-', 'NaN', 'Infinity', '1e400', '4096']),
      fc.tuple(numberText, fc.constantFrom(' ', '\t', '  '), fc.oneof(unit, unicodeText), fc.constantFrom('', '\n', '\r\n', '\n\n')).map((p) => p.join('')),
    );
    fc.assert(
      fc.property(text, fc.boolean(), (t, truncated) => {
        const r = parseWorkFile(t, truncated);
        expectWellFormed(r);
        if (truncated) expect(r.kind).toBe('invalid');
      }),
      { numRuns: RUNS * 5 },
    );
  });

  it('reads back any positive amount in any plain unit, as written by String(), with or without a final newline', () => {
    fc.assert(
      fc.property(amount, unit, fc.constantFrom('', '\n', '\r\n'), fc.constantFrom(' ', '\t', '   '), (n, u, end, gap) => {
        expect(parseWorkFile(`${String(n)}${gap}${u}${end}`)).toEqual({ kind: 'work', work: n, unit: u });
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses negative, zero, NaN, infinite, too big and non-decimal amounts, with the reason', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double({ max: 0, noNaN: true }).map(String), fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e400', '0', '0.0', '-0', '0x10', '1_000', '1,5', '+5', '2e18')), unit, (n, u) => {
        const r = parseWorkFile(`${n} ${u}\n`);
        expect(r.kind).toBe('invalid');
        expect(parseWorkAmount(n).ok).toBe(false);
      }),
      { numRuns: RUNS },
    );
    for (const text of HOSTILE_NUMBERS) {
      const r = parseWorkAmount(text);
      if (r.ok) expect(r.work > 0 && r.work <= WORK_MAX && Number.isFinite(r.work)).toBe(true);
    }
  });

  it('workUnitProblem accepts exactly the plain words of at most 32 characters', () => {
    fc.assert(
      fc.property(fc.oneof(unit, unicodeText, fc.string({ maxLength: 40 })), (u) => {
        expect(workUnitProblem(u) === null).toBe(UNIT.test(u) && u.length <= WORK_UNIT_MAX_CHARS);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('windowWork: a usable report in the expected unit is the work; anything else keeps the default and says why only when wrong', () => {
    const report: fc.Arbitrary<WorkFileResult> = fc.oneof(
      fc.constant({ kind: 'empty' } as const),
      fc.record({ kind: fc.constant('invalid' as const), reason: fc.constant('bad') }),
      fc.record({ kind: fc.constant('work' as const), work: amount, unit: fc.constantFrom('tokens', 'images', 'run') }),
    );
    const spec = fc.oneof(fc.constant({}), fc.record({ unit: fc.constantFrom('tokens', 'images') }), fc.record({ work: amount, unit: fc.constantFrom('tokens', 'images') }));
    fc.assert(
      fc.property(report, spec, fc.option(fc.constantFrom('tokens', 'images'), { nil: undefined }), (r, s, bound) => {
        const w = windowWork(r, s, bound);
        expect(w.work).toBeGreaterThan(0);
        const expected = s.unit ?? bound;
        if (r.kind === 'work' && (expected === undefined || expected === r.unit)) expect(w).toEqual({ work: r.work, unit: r.unit, reported: true, problem: null });
        else expect(w.reported).toBe(false);
        if (r.kind === 'invalid' || (r.kind === 'work' && expected !== undefined && expected !== r.unit)) expect(w.problem).not.toBeNull();
        if (r.kind === 'empty') expect(w.problem === null).toBe(expected === undefined || 'work' in s);
        if (!w.reported) expect(w.unit).toBe(s.unit ?? bound ?? 'run');
      }),
      { numRuns: RUNS * 2 },
    );
  });
});
