import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePlist, type PlistValue } from '../../src/sources/platform/plist.js';
import { parsePowermetricsPlist, parsePowermetricsText, type PowermetricsSample } from '../../src/sources/platform/powermetrics.js';
import { emiChannelScope, parseTypeperf, parseTypeperfHeader, parseTypeperfRow, parseTypeperfValue, splitTypeperfCsv } from '../../src/sources/platform/windows-emi.js';
import { assertParser, expectNullOrInRange, FIXTURES, fixtures, numberText, RUNS, tokenSoup, toolText, unicodeText } from './arbitraries.js';

const PM_FILES = readdirSync(`${FIXTURES}powermetrics/`);
const PLISTS = fixtures(...PM_FILES.filter((f) => f.endsWith('.plist')).map((f) => `powermetrics/${f}`)).flatMap((t) => t.split('\0'));
const PM_TEXTS = fixtures(...PM_FILES.filter((f) => f.endsWith('.txt')).map((f) => `powermetrics/${f}`));

/** Tags and text a plist reader meets, prototype names included (`<constructor/>` must not become a function). */
const PLIST_TOKENS = [
  '<?xml version="1.0" encoding="UTF-8"?>',
  '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "x">',
  '<plist version="1.0">',
  '</plist>',
  '<dict>',
  '</dict>',
  '<dict/>',
  '<key>',
  '</key>',
  '<array>',
  '</array>',
  '<array/>',
  '<string>',
  '</string>',
  '<string/>',
  '<integer>',
  '</integer>',
  '<real>',
  '</real>',
  '<date>',
  '</date>',
  '<data>',
  '</data>',
  '<true/>',
  '<false/>',
  '<constructor/>',
  '<__proto__/>',
  '<toString/>',
  '<hasOwnProperty/>',
  '<valueOf/>',
  '<unknown>',
  '</unknown>',
  '<!-- comment -->',
  '<!--',
  '<',
  '>',
  '/>',
  '&amp;',
  '&lt;',
  '&#65;',
  '&#x110000;',
  '&#xffffffffff;',
  '&bogus;',
  '__proto__',
  'constructor',
  'processor',
  'cpu_power',
  'gpu_power',
  'ane_power',
  'cpu_energy',
  'elapsed_ns',
  'package_watts',
  'combined_power',
];

/** Deep nesting that must not overflow the stack. */
const deep = fc
  .tuple(fc.constantFrom('<array>', '<dict><key>k</key>', '<plist>', '<unknown>'), fc.integer({ min: 50, max: 3000 }))
  .map(([open, n]) => open.repeat(n));

const plistText = fc.oneof(
  { arbitrary: toolText(PLISTS, PLIST_TOKENS), weight: 6 },
  { arbitrary: tokenSoup(PLIST_TOKENS), weight: 2 },
  { arbitrary: deep, weight: 1 },
);

/** A plist value must be what the type says: strings, finite numbers, booleans, arrays and prototype-free dictionaries. */
function expectPlistValue(v: unknown, path = '$'): void {
  if (typeof v === 'string' || typeof v === 'boolean') return;
  if (typeof v === 'number') {
    expect(Number.isFinite(v), `${path} = ${v}`).toBe(true);
    return;
  }
  expect(v !== null && typeof v === 'object', `${path} is a ${typeof v}${typeof v === 'function' ? ` (${(v as () => void).name})` : ''}`).toBe(true);
  if (Array.isArray(v)) {
    v.forEach((x, i) => expectPlistValue(x, `${path}[${i}]`));
    return;
  }
  expect(Object.getPrototypeOf(v), `${path} has a prototype`).toBeNull();
  for (const [k, x] of Object.entries(v as object)) expectPlistValue(x, `${path}.${k}`);
}

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Writes a value as plist XML, the way Apple's tools do. */
function toXml(v: PlistValue): string {
  if (typeof v === 'string') return `<string>${escapeXml(v)}</string>`;
  if (typeof v === 'boolean') return v ? '<true/>' : '<false/>';
  if (typeof v === 'number') return Number.isInteger(v) ? `<integer>${v}</integer>` : `<real>${v}</real>`;
  if (Array.isArray(v)) return `<array>${v.map(toXml).join('\n')}</array>`;
  return `<dict>\n${Object.entries(v)
    .map(([k, x]) => `<key>${escapeXml(k)}</key>${toXml(x)}`)
    .join('\n')}\n</dict>`;
}

const plistValue = fc.letrec<{ value: PlistValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string({ maxLength: 12 }),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? 0 : x)),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 8 }).map((k) => k.trim()), tie('value'), { maxKeys: 3 }),
  ),
})).value;

describe('property: parsePlist (plist.ts)', () => {
  it('never throws or overflows the stack: null, or only strings, finite numbers, booleans, arrays and prototype-free dictionaries', () => {
    const before = Object.getOwnPropertyNames(Object.prototype).length;
    assertParser(
      plistText,
      parsePlist,
      (v) => {
        if (v !== null) expectPlistValue(v);
        expect(Object.getOwnPropertyNames(Object.prototype)).toHaveLength(before);
      },
      { examples: ['<dict><key>a</key><constructor/></dict>', '<plist><__proto__/></plist>'] },
    );
  });

  it('reads back any value written as a plist document', () => {
    fc.assert(
      fc.property(plistValue, fc.boolean(), (value, header) => {
        const xml = `${header ? '<?xml version="1.0" encoding="UTF-8"?>\n' : ''}<plist version="1.0">\n${toXml(value)}\n</plist>\n`;
        expect(parsePlist(xml)).toEqual(value);
      }),
      { numRuns: RUNS },
    );
  });
});

function expectSample(s: PowermetricsSample | null): void {
  if (s === null) return;
  for (const f of ['cpuW', 'gpuW', 'aneW', 'dramW', 'packageW'] as const) expectNullOrInRange(s[f], 10_000, f);
  expectNullOrInRange(s.combinedW, 30_000, 'combinedW');
  if (s.elapsedS !== null) expect(Number.isFinite(s.elapsedS) && s.elapsedS > 0, `elapsedS ${s.elapsedS}`).toBe(true);
  expect([s.cpuW, s.gpuW, s.aneW, s.dramW, s.packageW, s.combinedW].some((x) => x !== null)).toBe(true);
}

const PM_TOKENS = ['CPU Power: ', 'GPU Power: ', 'ANE Power: ', 'DRAM Power: ', 'Combined Power (CPU + GPU + ANE): ', ' mW', ' W', 'Intel energy model derived package power (CPUs+GT+SA): ', '*** Sampled system activity (Tue) (', 'ms elapsed) ***', '\n'];

describe('property: powermetrics parsers (powermetrics.ts)', () => {
  it('parsePowermetricsText never throws: null, or watts within range and a positive elapsed time', () => {
    assertParser(toolText(PM_TEXTS, PM_TOKENS), parsePowermetricsText, expectSample);
  });

  it('parsePowermetricsPlist never throws: null, or watts within range and a positive elapsed time', () => {
    assertParser(plistText, parsePowermetricsPlist, expectSample);
  });

  it('parsePowermetricsText reads the processor summary in mW and sums CPU + GPU + ANE when no Combined line is printed', () => {
    const mw = fc.nat({ max: 100_000 });
    fc.assert(
      fc.property(mw, mw, mw, fc.double({ min: 1, max: 1e5, noNaN: true }), (cpu, gpu, ane, ms) => {
        const text = [`*** Sampled system activity (Tue Nov 28 11:28:55 2023 +0100) (${ms.toFixed(2)}ms elapsed) ***`, '', `CPU Power: ${cpu} mW`, `GPU Power: ${gpu} mW`, `ANE Power: ${ane} mW`, '', 'GPU Power: 99999 mW'].join('\n');
        const s = parsePowermetricsText(text);
        expect(s).toMatchObject({ cpuW: cpu / 1000, gpuW: gpu / 1000, aneW: ane / 1000, packageW: null });
        expect(s?.combinedW).toBeCloseTo((cpu + gpu + ane) / 1000, 9);
        expect(s?.elapsedS).toBeCloseTo(Number(ms.toFixed(2)) / 1000, 9);
      }),
      { numRuns: RUNS },
    );
  });
});

const TYPEPERF = fixtures(...readdirSync(`${FIXTURES}windows/`).map((f) => `windows/${f}`));
const TP_TOKENS = ['"(PDH-CSV 4.0)"', '"', ',', '\\\\HOST\\Energy Meter(rapl_package0_pkg)\\Power', '\\Energy Meter(_total)\\Power', '"05/14/2024 10:00:01.123"', '""'];

describe('property: typeperf parsers (windows-emi.ts)', () => {
  const text = toolText(TYPEPERF, TP_TOKENS);
  const line = text.chain((t) => fc.constantFrom(...t.split('\n')));

  it('splitTypeperfCsv never throws, and gives back any cells written as quoted CSV', () => {
    assertParser(line, splitTypeperfCsv, (cells) => {
      if (cells !== null) for (const c of cells) expect(typeof c).toBe('string');
    });
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 15 }), { minLength: 1, maxLength: 8 }), (cells) => {
        const csv = cells.map((c) => `"${c.replace(/"/g, '""')}"`).join(',');
        expect(splitTypeperfCsv(csv)).toEqual(cells);
        expect(splitTypeperfCsv(`${csv}\r`)).toEqual(cells);
      }),
      { numRuns: RUNS },
    );
  });

  it('parseTypeperfHeader never throws: null, or lower-case Energy Meter columns', () => {
    assertParser(line, parseTypeperfHeader, (columns) => {
      if (columns === null) return;
      for (const c of columns) {
        if (c === null) continue;
        expect(c.channel).toBe(c.channel.toLowerCase());
        expect(c.counter).toBe(c.counter.toLowerCase());
        expect(c.counter).not.toContain('\\');
      }
    });
  });

  it('parseTypeperfValue never throws: null, or a finite non-negative number, in either locale', () => {
    assertParser(fc.oneof(numberText, unicodeText, fc.constant(undefined)), parseTypeperfValue, (v) => expectNullOrInRange(v, Number.MAX_VALUE, 'value'));
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e9, noNaN: true }), (x) => {
        const dot = x.toFixed(6);
        expect(parseTypeperfValue(dot)).toBe(Number(dot));
        expect(parseTypeperfValue(dot.replace('.', ','))).toBe(Number(dot));
      }),
      { numRuns: RUNS },
    );
  });

  it('parseTypeperf and parseTypeperfRow never throw: rows as wide as the header, values finite and non-negative', () => {
    assertParser(text, parseTypeperf, (r) => {
      if (r === null) return;
      for (const row of r.rows) {
        expect(row).toHaveLength(r.columns.length);
        for (const v of row) expectNullOrInRange(v, Number.MAX_VALUE, 'value');
      }
    });
    const header = parseTypeperfHeader(TYPEPERF.find((t) => t.includes('PDH-CSV'))?.split('\n').find((l) => l.includes('PDH-CSV')) ?? '') ?? [];
    expect(header.length).toBeGreaterThan(0);
    assertParser(line, (l) => parseTypeperfRow(l, header), (row) => {
      if (row === null) return;
      expect(row).toHaveLength(header.length);
      for (const v of row) expectNullOrInRange(v, Number.MAX_VALUE, 'value');
    });
  });

  it('emiChannelScope never throws and never makes a source of _total or a per-core channel', () => {
    const channel = fc.oneof(fc.constantFrom('rapl_package0_pkg', 'rapl_package0_dram', 'rapl_package0_pp0', '_total', 'rapl_package0_core3', 'rapl_package0_core3_core', 'RAPL_PACKAGE0_PKG'), unicodeText);
    fc.assert(
      fc.property(channel, (c) => {
        const scope = emiChannelScope(c);
        expect([null, 'cpu-package', 'dram', 'psys', 'cpu-core', 'cpu-uncore']).toContain(scope);
        if (c.toLowerCase().includes('total')) expect(scope).toBeNull();
      }),
      { numRuns: RUNS },
    );
  });
});
