import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lastWatts, parseWattsLine } from '../../src/sources/meters/command-meter.js';
import { meterBaseId, parseMeterSpec } from '../../src/sources/meters/registry.js';
import { splitCommand } from '../../src/sources/meters/split-command.js';
import { parseShellyGen1, parseShellyGen2 } from '../../src/sources/meters/shelly.js';
import { parseTasmotaStatus8, tasmotaWarning } from '../../src/sources/meters/tasmota.js';
import { assertParser, expectIndex, expectNullOrInRange, FIXTURES, fixtures, jsonText, numberText, RUNS, toolText, unicodeText } from './arbitraries.js';

const PLUGS = fixtures(...readdirSync(`${FIXTURES}plugs/`).filter((f) => f.endsWith('.json') || f.endsWith('.html')).map((f) => `plugs/${f}`));
const SHELLY = PLUGS.filter((t) => /apower|meters|code/.test(t));
const TASMOTA = PLUGS.filter((t) => /ENERGY|WARNING|StatusSNS/.test(t));

describe('property: Shelly parsers (shelly.ts)', () => {
  for (const [name, parse] of [
    ['parseShellyGen2', parseShellyGen2],
    ['parseShellyGen1', parseShellyGen1],
  ] as const) {
    it(`${name} never throws: null, or watts within 0..1 MW and an energy within 0..2^53`, () => {
      assertParser(
        jsonText(SHELLY),
        parse,
        (r) => {
          if (r === null) return;
          expectNullOrInRange(r.powerW, 1e6, 'powerW');
          expectNullOrInRange(r.energy, Number.MAX_SAFE_INTEGER, 'energy');
        },
        { usable: (r) => r !== null && r.powerW !== null },
      );
    });
  }

  it('parseShellyGen2 and parseShellyGen1 read back any plausible power and total', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.double({ min: 0, max: 1e12, noNaN: true }), (p, t) => {
        expect(parseShellyGen2(JSON.stringify({ id: 0, apower: p, aenergy: { total: t } }))).toEqual({ powerW: p, energy: t });
        expect(parseShellyGen1(JSON.stringify({ meters: [{ power: p, is_valid: true, total: t }] }))).toEqual({ powerW: p, energy: t });
      }),
      { numRuns: RUNS },
    );
  });
});

describe('property: Tasmota parsers (tasmota.ts)', () => {
  it('parseTasmotaStatus8 never throws: null, or finite non-negative power and energy and a channel count', () => {
    assertParser(
      jsonText(TASMOTA),
      parseTasmotaStatus8,
      (r) => {
        if (r === null) return;
        expectIndex(r.channels, 'channels');
        expectNullOrInRange(r.powerW, 1e6 * Math.max(1, r.channels), 'powerW');
        expectNullOrInRange(r.energyKWh, Number.MAX_VALUE, 'energyKWh');
        if (r.powerW !== null) expect(r.channels).toBeGreaterThan(0);
      },
      { usable: (r) => r !== null && r.powerW !== null },
    );
  });

  it('parseTasmotaStatus8 sums the channels of any plausible multi-channel answer', () => {
    const w = fc.double({ min: 0, max: 1e4, noNaN: true });
    fc.assert(
      fc.property(fc.array(w, { minLength: 1, maxLength: 3 }), fc.array(w, { minLength: 1, maxLength: 3 }), (power, total) => {
        const r = parseTasmotaStatus8(JSON.stringify({ StatusSNS: { ENERGY: { Power: power, Total: total } } }));
        expect(r?.channels).toBe(power.length);
        expect(r?.powerW).toBeCloseTo(power.reduce((a, b) => a + b, 0), 6);
        expect(r?.energyKWh).toBeCloseTo(total.reduce((a, b) => a + b, 0), 6);
      }),
      { numRuns: RUNS },
    );
  });

  it('tasmotaWarning never throws: null, or one line of at most 120 characters', () => {
    const text = fc.oneof(jsonText(TASMOTA), fc.string({ maxLength: 300 }).map((w) => JSON.stringify({ WARNING: w })));
    assertParser(text, tasmotaWarning, (w) => {
      if (w === null) return;
      expect(w.length).toBeLessThanOrEqual(121);
      expect(w).not.toMatch(/\n/);
    });
  });
});

describe('property: command meter output (command-meter.ts)', () => {
  const WATT_LINES = ['12.5', '12.5 W', ' 0.001W ', '+3', '.5', '5.', '1e3', '1E+2 w'];
  const line = fc.oneof(numberText, fc.constantFrom(...WATT_LINES), numberText.map((n) => `${n} W`), unicodeText);

  it('parseWattsLine never throws: null, or watts within 0..1 MW', () => {
    assertParser(line, parseWattsLine, (w) => expectNullOrInRange(w, 1e6, 'watts'));
  });

  it('parseWattsLine reads back any plausible figure, with or without a W', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constantFrom('', 'W', ' W', ' w ', '\r'), (x, unit) => {
        expect(parseWattsLine(`${x}${unit}`)).toBe(x === 0 ? 0 : x);
      }),
      { numRuns: RUNS },
    );
  });

  it('lastWatts never throws: the last readable line, or the first garbage line', () => {
    assertParser(
      fc.oneof(
        fc.array(line, { maxLength: 8 }).map((ls) => ls.join('\n')),
        toolText([WATT_LINES.join('\n')]),
      ),
      lastWatts,
      (r, text) => {
        const lines = text.split('\n').filter((l) => l.trim() !== '');
        const values = lines.map(parseWattsLine).filter((v): v is number => v !== null);
        if (r.ok) {
          expectNullOrInRange(r.value, 1e6, 'watts');
          expect(r.value).toBe(values[values.length - 1]);
        } else {
          expect(values).toHaveLength(0);
          expect(r.garbage).toBe(lines[0] ?? null);
        }
      },
      { usable: (r) => r.ok },
    );
  });
});

/** A secret that cannot appear in a message by chance. */
const secret = fc.string({ unit: fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZ'), minLength: 8, maxLength: 12 }).map((s) => `Zq${s}`);

/** `--meter` values: well-formed, garbage, and URLs with credentials in every place a user might put them. */
const meterSpec = fc.oneof(
  fc.tuple(fc.constantFrom('shelly', 'tasmota', 'command', 'SHELLY', ' tasmota ', 'plug', ''), fc.oneof(unicodeText, fc.constantFrom('http://192.168.1.20', '10.0.0.5', 'https://plug.local/', "'read-watts' --port /dev/ttyUSB0", 'a|b', '~/x', 'VAR=1 cmd', '"unterminated'))).map(([t, v]) => `${t}=${v}`),
  unicodeText,
);

function withSecret(s: string): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.constantFrom('shelly=', 'tasmota=', 'Shelly =', 'command=', 'plug=', ''),
      fc.constantFrom('http://', 'https://', 'ftp://', '', '//'),
      fc.constantFrom('admin', '', 'user%40x'),
      fc.constantFrom('192.168.1.20', 'plug.local:8080', '[::1]', ''),
      fc.constantFrom('', '/', '/x', '?a=b', '/?cmnd=Status%208', '#f'),
    )
    .map(([prefix, scheme, user, host, tail]) => `${prefix}${scheme}${user}:${s}@${host}${tail}`);
}

describe('property: --meter parsing (meters.ts)', () => {
  it('parseMeterSpec never throws: a one-line error, or a plug base URL without credentials or query, or a command', () => {
    assertParser(
      meterSpec,
      parseMeterSpec,
      (r) => {
        if ('error' in r) {
          expect(r.error).toMatch(/^--meter/);
          expect(r.error).not.toMatch(/[\n\r]/);
          return;
        }
        if (r.type === 'command') {
          expect(r.argv.length).toBeGreaterThan(0);
          expect(r.argv[0]).not.toBe('');
        } else {
          expect(r.url).toMatch(/^https?:\/\/[^/?#@\s]+/);
          expect(r.url).not.toMatch(/[?#@]/);
        }
        expect(meterBaseId(r)).toMatch(new RegExp(`^(${r.type === 'command' ? 'meter' : r.type}):`));
      },
      { usable: (r) => !('error' in r) },
    );
  });

  it('parseMeterSpec never echoes a password given in the URL, whatever else is wrong with the value', () => {
    fc.assert(
      fc.property(secret.chain((s) => withSecret(s).map((text) => [s, text] as const)), ([s, text]) => {
        const r = parseMeterSpec(text);
        // A command's argv is what the user asked to run; errors and plug URLs are what gets printed and recorded.
        const shown = 'error' in r ? r.error : r.type === 'command' ? '' : r.url;
        expect(shown.toLowerCase()).not.toContain(s.slice(0, 4).toLowerCase());
      }),
      { numRuns: RUNS, examples: [[['ZqHUNTERTWO', 'http://admin:ZqHUNTERTWO@10.0.0.5/?cmnd=Status%208']]] },
    );
  });

  it('splitCommand never throws: a one-line error, or non-empty words without NUL', () => {
    const text = fc.oneof(unicodeText, fc.string({ unit: fc.constantFrom("'", '"', '\\', ' ', 'a', '$', '|', '\n', '~', '#', '=', '*', '\0'), maxLength: 40 }));
    assertParser(
      text,
      splitCommand,
      (r) => {
        if ('error' in r) {
          expect(r.error).not.toMatch(/[\n\r]/);
          return;
        }
        expect(r.length).toBeGreaterThan(0);
        expect(r[0]).not.toBe('');
        for (const w of r) expect(w).not.toContain('\0');
      },
      { usable: (r) => !('error' in r) },
    );
  });

  it('splitCommand gives back any argv quoted the way a shell quotes it', () => {
    const word = fc.string({ maxLength: 12 }).filter((w) => !w.includes('\0'));
    const argv = fc.tuple(word.filter((w) => w !== '' && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)), fc.array(word, { maxLength: 5 })).map(([first, rest]) => [first, ...rest]);
    fc.assert(
      fc.property(argv, fc.constantFrom(' ', '\t', '  '), (words, sep) => {
        const quoted = words.map((w) => `'${w.replace(/'/g, "'\\''")}'`).join(sep);
        expect(splitCommand(quoted)).toEqual(words);
      }),
      { numRuns: RUNS },
    );
  });
});
