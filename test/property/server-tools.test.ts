import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDcmiPowerReading } from '../../src/sources/bmc/ipmi.js';
import { parsePerfStatLine } from '../../src/sources/cpu/perf.js';
import { parseRedfishChassis, parseRedfishEnvironment, parseRedfishMembers, parseRedfishPower } from '../../src/sources/bmc/redfish.js';
import { assertParser, expectIndex, expectNullOrInRange, FIXTURES, fixtures, jsonText, numberText, RUNS, toolText } from './arbitraries.js';

const IPMI = fixtures(...readdirSync(`${FIXTURES}ipmi/`).filter((f) => f.endsWith('.txt')).map((f) => `ipmi/${f}`));
const IPMI_TOKENS = [
  'Instantaneous power reading:',
  'Minimum during sampling period:',
  'Maximum during sampling period:',
  'Average power reading over sample period:',
  'IPMI timestamp:',
  'Sampling period:',
  'Power reading state is:',
  ' Watts',
  ' Seconds.',
  'activated',
  'deactivated',
  '1970',
];

describe('property: parseDcmiPowerReading (ipmi.ts)', () => {
  it('never throws: null exactly when there is no power reading line, else watts within 0..100 kW, a whole sampling period and one-line texts', () => {
    assertParser(toolText(IPMI, IPMI_TOKENS), parseDcmiPowerReading, (r, text) => {
      expect(r === null, 'null means: no "Instantaneous power reading" in the answer').toBe(!/Instantaneous power reading/i.test(text));
      if (r === null) return;
      for (const [what, w] of Object.entries({ powerW: r.powerW, minW: r.minW, maxW: r.maxW, averageW: r.averageW })) expectNullOrInRange(w, 100_000, what);
      if (r.samplingPeriodS !== null) expectIndex(r.samplingPeriodS, 'samplingPeriodS');
      if (r.timestamp !== null) expect(r.timestamp).not.toMatch(/[\n\r]/);
      if (r.state !== null) expect(r.state).toMatch(/^[a-z0-9_]+$/);
      expect(typeof r.deactivated).toBe('boolean');
      if (r.state === 'deactivated') expect(r.deactivated).toBe(true);
    });
  });

  it('reads back the figures of any well-formed answer, and calls an all-zero 1970 answer deactivated', () => {
    const w = fc.nat({ max: 100_000 });
    fc.assert(
      fc.property(w, w, w, w, fc.nat({ max: 99_999_999 }), fc.boolean(), fc.constantFrom('\n', '\r\n'), (now, min, max, avg, period, epoch, eol) => {
        const stamp = epoch ? 'Thu Jan  1 00:00:00 1970' : 'Wed Feb 15 12:49:51 2017';
        const text = [
          '',
          `    Instantaneous power reading:                   ${now} Watts`,
          `    Minimum during sampling period:                ${min} Watts`,
          `    Maximum during sampling period:                ${max} Watts`,
          `    Average power reading over sample period:      ${avg} Watts`,
          `    IPMI timestamp:                           ${stamp}`,
          `    Sampling period:                          ${String(period).padStart(8, '0')} Seconds.`,
          '    Power reading state is:                   activated',
          '',
        ].join(eol);
        const r = parseDcmiPowerReading(text);
        expect(r).not.toBeNull();
        expect(r).toMatchObject({ powerW: now, minW: min, maxW: max, averageW: avg, timestamp: stamp, samplingPeriodS: period, state: 'activated' });
        expect(r?.deactivated).toBe(epoch && now === 0 && min === 0 && max === 0 && avg === 0);
      }),
      { numRuns: RUNS },
    );
  });
});

const REDFISH = fixtures(...readdirSync(`${FIXTURES}redfish/`).filter((f) => f.endsWith('.json')).map((f) => `redfish/${f}`));

/** The input parsed as JSON when it is a JSON object (what every Redfish resource is), else null: the parsers' null oracle. */
function jsonObject(input: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(input);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

describe('property: Redfish parsers (redfish.ts)', () => {
  const text = jsonText(REDFISH);

  it('parseRedfishMembers never throws: null exactly when the input is no object with a Members array, else absolute resource paths', () => {
    assertParser(text, parseRedfishMembers, (m, input) => {
      expect(m === null, 'null means: not a collection').toBe(!Array.isArray(jsonObject(input)?.Members));
      if (m === null) return;
      for (const p of m) {
        expect(typeof p).toBe('string');
        expect(p.startsWith('/')).toBe(true);
      }
    });
  });

  it('parseRedfishChassis never throws: null exactly when the input is not a JSON object, else string-or-null fields with absolute paths', () => {
    assertParser(text, parseRedfishChassis, (c, input) => {
      expect(c === null, 'null means: not a JSON object').toBe(jsonObject(input) === null);
      if (c === null) return;
      for (const v of [c.id, c.chassisType]) expect(v === null || typeof v === 'string').toBe(true);
      for (const p of [c.containedBy, c.powerPath, c.environmentPath]) expect(p === null || (typeof p === 'string' && p.startsWith('/'))).toBe(true);
    });
  });

  it('parseRedfishPower and parseRedfishEnvironment never throw: null exactly for a non-object, else watts within 0..1 MW, kWh within 0..1e12, a one-line note when both are missing', () => {
    for (const parse of [parseRedfishPower, parseRedfishEnvironment]) {
      assertParser(
        text,
        parse,
        (r, input) => {
          expect(r === null, 'null means: not a JSON object').toBe(jsonObject(input) === null);
          if (r === null) return;
          expectNullOrInRange(r.powerW, 1e6, 'powerW');
          expectNullOrInRange(r.energyKwh, 1e12, 'energyKwh');
          if (r.powerW === null && r.energyKwh === null) expect(typeof r.note).toBe('string');
          if (r.note !== null) expect(r.note).not.toMatch(/\n/);
        },
        { usable: (r) => r !== null && (r.powerW !== null || r.energyKwh !== null) },
      );
    }
  });
});

const PERF = fixtures(...readdirSync(`${FIXTURES}perf/`).filter((f) => f.endsWith('.txt')).map((f) => `perf/${f}`));
const PERF_TOKENS = [',', 'S0', 'S1', '1', 'Joules', 'power/energy-pkg/', 'power/energy-ram/', '<not counted>', '<not supported>', '100.00', '#'];

/** One line of perf stat -x, output, with hostile cells in any position. */
const perfLine = fc
  .tuple(
    fc.oneof(numberText, fc.double({ min: 0, max: 1e4, noNaN: true }).map((t) => t.toFixed(9))),
    fc.oneof(fc.nat({ max: 8 }).map((s) => `S${s}`), numberText.map((n) => `S${n}`)),
    fc.oneof(fc.constant('1'), numberText),
    fc.oneof(fc.double({ min: 0, max: 1e3, noNaN: true }).map((v) => v.toFixed(2)), numberText, fc.constantFrom('<not counted>', '<not supported>')),
    fc.constantFrom('Joules', '', 'J', 'W'),
    fc.constantFrom('power/energy-pkg/', 'power/energy-ram/', 'msr/tsc/', 'energy-pkg', 'power//'),
    fc.nat({ max: 3 }),
  )
  .map(([t, s, n, v, unit, ev, form]) => {
    const tail = [v, unit, ev, '100823771', '100.00', '', ''];
    if (form === 0) return [t, s, n, ...tail].join(',');
    if (form === 1) return [s, n, ...tail].join(',');
    if (form === 2) return [t, ...tail].join(',');
    return tail.join(',');
  });

describe('property: parsePerfStatLine (perf.ts)', () => {
  it('never throws on garbage lines: null for any line without a PMU/event/ cell, else a well-formed line that holds its event', () => {
    assertParser(
      fc.oneof(toolText(PERF, PERF_TOKENS), perfLine).chain((t) => fc.constantFrom(...t.split('\n'))),
      parsePerfStatLine,
      (l, line) => {
        const cells = line.trim().split(',').map((c) => c.trim());
        if (!cells.some((c, i) => i >= 2 && /^[A-Za-z_][\w.-]*\/[\w.-]+\/$/.test(c))) expect(l, 'a line without an event cell is not a record').toBeNull();
        if (l === null) return;
        expect(cells).toContain(`${l.pmu}/${l.event}/`);
        expect(l.pmu).toMatch(/^[A-Za-z_][\w.-]*$/);
        expect(l.event).toMatch(/^[\w.-]+$/);
        expect(['counted', 'not-counted', 'not-supported']).toContain(l.status);
        if (l.status === 'counted') {
          expect(l.value).not.toBeNull();
          expect(Number.isFinite(l.value) && (l.value as number) >= 0, `value ${l.value}`).toBe(true);
        } else expect(l.value).toBeNull();
      },
    );
  });

  // Fails today (perf.ts is being refactored by someone else, so it is reported, not fixed here): the interval time
  // and the socket number are read with Number() after a digits-only check, so 400 digits give Infinity; the socket
  // then keys the running total (`Infinity:energy-pkg`) and timeS.toFixed() prints "Infinity".
  it('timeS is finite and the socket a safe integer, even for a line with hundreds of digits', () => {
    assertParser(
      perfLine,
      parsePerfStatLine,
      (l, line) => {
        // A generated line whose cells are all well formed is always a record: null is kept for what cannot be read.
        if (/^\s*(\d{1,15}\.\d{9},)?(S\d{1,6},1,)?\d+\.\d{2},Joules,power\/energy-(pkg|ram)\/,/.test(line)) expect(l, line).not.toBeNull();
        if (l === null) return;
        if (l.timeS !== null) expect(Number.isFinite(l.timeS) && l.timeS >= 0, `timeS ${l.timeS}`).toBe(true);
        if (l.socket !== null) expectIndex(l.socket, 'socket');
      },
      { examples: [`${'9'.repeat(400)},S0,1,10.52,Joules,power/energy-pkg/,100823771,100.00,,`, `0.1,S${'9'.repeat(400)},1,10.52,Joules,power/energy-pkg/,100823771,100.00,,`] },
    );
  });

  it('reads back the time, socket and joules of any well-formed --per-socket line', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e5, noNaN: true }), fc.nat({ max: 63 }), fc.double({ min: 0, max: 1e4, noNaN: true }), (t, s, j) => {
        const line = `     ${t.toFixed(9)},S${s},1,${j.toFixed(2)},Joules,power/energy-pkg/,100823771,100.00,,`;
        expect(parsePerfStatLine(line)).toEqual({
          timeS: Number(t.toFixed(9)),
          socket: s,
          pmu: 'power',
          event: 'energy-pkg',
          value: Number(j.toFixed(2)),
          unit: 'Joules',
          status: 'counted',
        });
      }),
      { numRuns: RUNS },
    );
  });
});
