import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batteryPowerW, statusReason } from '../../src/sources/system/battery.js';
import { readNumber } from '../../src/sources/io/files.js';
import { hwmonChannels, hwmonScope, parseSysfsNumber } from '../../src/sources/system/hwmon.js';
import { parseChildrenCpuS } from '../../src/sources/cpu/process-cpu.js';
import { parseProcStat } from '../../src/sources/cpu/procstat.js';
import type { FileReader, Scope } from '../../src/sources/types.js';
import { assertParser, bytesText, damaged, FIXTURES, fixtures, numberText, RUNS, toolText, unicodeText } from './arbitraries.js';

/** Every file under a fixture folder, as [relative path, text]. */
function tree(root: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push([path.slice(root.length), readFileSync(path, 'utf8')]);
    }
  };
  walk(root);
  return out;
}

const SYSFS_FILES = tree(`${FIXTURES}sysfs-hwmon/`);
const SYSFS_TEXTS = [...new Set(SYSFS_FILES.map(([, text]) => text))];
const SYSFS_NAMES = [...new Set(SYSFS_FILES.map(([path]) => path.split('/').pop() as string))];

/** Numbers that overflow a sum of two fields: each is finite, two of them are not. */
const HUGE = ['1e308', '1.7976931348623157e308', '9e307'] as const;
const field = fc.oneof(
  { arbitrary: fc.nat({ max: 10_000_000 }).map(String), weight: 4 },
  { arbitrary: numberText, weight: 2 },
  { arbitrary: fc.constantFrom(...HUGE), weight: 1 },
);

/** /proc/stat text: the fixture damaged, or an aggregate line of hostile fields with per-CPU lines around it. */
const procStatText = fc.oneof(
  { arbitrary: damaged(fixtures('procfs/basic/stat')), weight: 3 },
  {
    arbitrary: fc
      .tuple(fc.array(field, { maxLength: 12 }), fc.nat({ max: 4 }), fc.constantFrom('cpu  ', 'cpu ', ' cpu\t', 'cpu0 ', 'cpux '))
      .map(([fs, perCpu, label]) => [`${label}${fs.join(' ')}`, ...Array.from({ length: perCpu }, (_, i) => `cpu${i} 1 2 3 4`), 'intr 1 2 3'].join('\n')),
    weight: 4,
  },
  { arbitrary: unicodeText, weight: 1 },
  { arbitrary: bytesText, weight: 1 },
);

describe('property: parseProcStat (procstat.ts)', () => {
  it('never throws, and gives null or finite CPU times with steal <= busy <= total', () => {
    assertParser(
      procStatText,
      parseProcStat,
      (t) => {
        if (t === null) return;
        expect(Number.isFinite(t.busyS) && t.busyS >= 0, `busyS ${t.busyS}`).toBe(true);
        expect(t.totalS).not.toBeNull();
        expect(Number.isFinite(t.totalS) && (t.totalS as number) >= t.busyS, `totalS ${t.totalS} busyS ${t.busyS}`).toBe(true);
        if (t.stealS !== null) expect(Number.isFinite(t.stealS) && t.stealS >= 0 && t.stealS <= t.busyS, `stealS ${t.stealS}`).toBe(true);
        if (t.cpus !== null) expect(Number.isSafeInteger(t.cpus) && t.cpus > 0).toBe(true);
      },
      {
        examples: [
          // guest time larger than user time (garbage, or a torn read) must not make busy time negative
          'cpu  0 0 0 100 0 0 0 0 50 0',
          // each field finite, their sum not
          'cpu  1e308 0 1e308 1e308',
        ],
      },
    );
  });

  it('reads busy, total and steal from the ten fields exactly (USER_HZ 100)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 1e9 }), { minLength: 10, maxLength: 10 }), (n) => {
        const [user, nice, system, idle, iowait, irq, softirq, steal, g, gn] = n as [number, number, number, number, number, number, number, number, number, number];
        // guest time is inside user time (and guest_nice inside nice) on a real kernel
        const guest = Math.min(g, user);
        const guestNice = Math.min(gn, nice);
        const t = parseProcStat(`cpu  ${[user, nice, system, idle, iowait, irq, softirq, steal, guest, guestNice].join(' ')}\ncpu0 0 0 0 0\n`);
        const busy = user - guest + nice - guestNice + system + irq + softirq + steal;
        expect(t).not.toBeNull();
        expect(t?.busyS).toBeCloseTo(busy / 100, 6);
        expect(t?.totalS).toBeCloseTo((busy + idle + iowait) / 100, 6);
        expect(t?.stealS).toBeCloseTo(steal / 100, 6);
        expect(t?.cpus).toBe(1);
      }),
      { numRuns: RUNS },
    );
  });
});

/** A process name as the kernel prints it: up to 15 characters, spaces and parentheses included. */
const comm = fc.string({ unit: fc.constantFrom('a', 'z', ' ', '(', ')', ':', '-', '9', '\t'), maxLength: 15 });

describe('property: parseChildrenCpuS (process-cpu.ts)', () => {
  it('never throws, and gives null or finite non-negative seconds', () => {
    const text = fc.oneof(
      { arbitrary: toolText(fixtures('procfs/basic/self/stat'), ['(', ')', ') ', 'S', 'R', '(node)']), weight: 3 },
      {
        arbitrary: fc.tuple(fc.nat(), comm, fc.array(field, { maxLength: 22 })).map(([pid, name, fs]) => `${pid} (${name}) S ${fs.join(' ')}`),
        weight: 3,
      },
    );
    assertParser(
      text,
      parseChildrenCpuS,
      (s) => {
        if (s !== null) expect(Number.isFinite(s) && s >= 0, `cpu seconds ${s}`).toBe(true);
      },
      { examples: ['1 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 1e308 1e308 0 0'] },
    );
  });

  it('counts fields after the last parenthesis, whatever the command name holds', () => {
    fc.assert(
      fc.property(fc.nat(), comm, fc.array(fc.nat({ max: 1e9 }), { minLength: 15, maxLength: 40 }), (pid, name, rest) => {
        const s = parseChildrenCpuS(`${pid} (${name}) S ${rest.slice(1).join(' ')}\n`);
        expect(s).toBeCloseTo(((rest[13] as number) + (rest[14] as number)) / 100, 6);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('property: sysfs numbers (hwmon.ts, files.ts)', () => {
  const sysfsText = fc.oneof(
    { arbitrary: damaged(SYSFS_TEXTS, 2), weight: 3 },
    { arbitrary: fc.tuple(numberText, fc.constantFrom('', '\n', ' \n', '\r\n')).map(([n, end]) => n + end), weight: 4 },
    { arbitrary: unicodeText, weight: 1 },
    { arbitrary: bytesText, weight: 1 },
  );

  it('parseSysfsNumber never throws and gives null or a finite number below 2^63 in magnitude', () => {
    assertParser(sysfsText, parseSysfsNumber, (v) => {
      if (v !== null) expect(Number.isFinite(v) && Math.abs(v) < 2 ** 63, `value ${v}`).toBe(true);
    });
  });

  it('parseSysfsNumber reads back every safe integer it is given, padded as sysfs pads it', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.constantFrom('', '\n', ' ', '\t\n'), (n, pad) => {
        expect(parseSysfsNumber(`${pad}${n}${pad}`)).toBe(n);
      }),
      { numRuns: RUNS },
    );
  });

  it('readNumber never throws and gives a finite number or a one-line reason', async () => {
    const outcome = fc.oneof(
      { arbitrary: sysfsText.map((text) => ({ text })), weight: 5 },
      { arbitrary: fc.constantFrom('EACCES', 'ENOENT', 'ENODATA', 'EIO', 'EOPNOTSUPP', 'EPERM').map((code) => ({ code })), weight: 1 },
    );
    let usable = 0;
    await fc.assert(
      fc.asyncProperty(outcome, async (o) => {
        const files: FileReader = {
          readText: async (path) => {
            if ('code' in o) throw Object.assign(new Error(`${o.code}: ${path}`), { code: o.code });
            return o.text;
          },
          list: async () => [],
        };
        const r = await readNumber(files, '/sys/class/hwmon/hwmon0/power1_input');
        if (r.ok) {
          usable += 1;
          expect(Number.isFinite(r.value), `value ${r.value}`).toBe(true);
        } else {
          expect(r.reason).not.toMatch(/[\n\r]/);
          expect(['absent', 'permission', 'error']).toContain(r.state);
        }
      }),
      { numRuns: RUNS },
    );
    expect(usable).toBeGreaterThan(0);
  });

  it('hwmonChannels never throws and groups names into unique, sorted channels with safe indices', () => {
    const name = fc.oneof(
      fc.constantFrom(...SYSFS_NAMES),
      fc
        .tuple(fc.constantFrom('power', 'energy', 'in', 'curr', 'temp', 'fan', 'Power', ''), fc.oneof(numberText, fc.nat({ max: 20 }).map(String)), fc.constantFrom('_input', '_average', '_label', '_cap', '_', '', '_INPUT', '_average_interval', '_1'))
        .map((parts) => parts.join('')),
      unicodeText,
    );
    assertParser(
      fc.array(name, { maxLength: 30 }),
      hwmonChannels,
      (channels, names) => {
        const keys = new Set<string>();
        for (const ch of channels) {
          expect(['power', 'energy', 'in', 'curr', 'temp']).toContain(ch.type);
          expect(Number.isSafeInteger(ch.index) && ch.index >= 0, `index ${ch.index}`).toBe(true);
          expect(ch.attrs.size).toBeGreaterThan(0);
          for (const attr of ch.attrs) {
            expect(attr).toMatch(/^[a-z_]+$/);
            const from = names.some((n) => {
              const m = /^(power|energy|in|curr|temp)(\d+)_([a-z_]+)$/.exec(n);
              return m !== null && m[1] === ch.type && Number(m[2]) === ch.index && m[3] === attr;
            });
            expect(from, `${ch.type}${ch.index}_${attr} not among the names`).toBe(true);
          }
          const key = `${ch.type}${ch.index}`;
          expect(keys.has(key), `channel ${key} listed twice`).toBe(false);
          keys.add(key);
        }
        const order = channels.map((c) => [c.type, c.index] as const);
        const sorted = [...order].sort((a, b) => a[0].localeCompare(b[0]) || a[1] - b[1]);
        expect(order).toEqual(sorted);
      },
      { usable: (channels) => channels.length > 0 },
    );
  });

  it('hwmonScope never throws and always answers a known scope', () => {
    const SCOPES: Scope[] = ['cpu-package', 'cpu-core', 'cpu-uncore', 'dram', 'psys', 'gpu', 'npu', 'system-wall', 'battery', 'cpu', 'process', 'rail'];
    const label = fc.option(fc.oneof(fc.constantFrom('Esocket0', 'Ecore001', 'SVI2_P_Core', 'SVI2_P_SoC', 'VDD_IN', 'card', 'pkg', 'NC', '__proto__'), unicodeText), { nil: null });
    const device = fc.oneof(fc.constantFrom('amd_energy', 'zenergy', 'zenpower', 'nouveau', 'ina3221', 'power_meter', 'i915', 'constructor'), unicodeText);
    fc.assert(
      fc.property(device, fc.constantFrom('power', 'energy', 'vi') as fc.Arbitrary<'power' | 'energy' | 'vi'>, label, (d, type, l) => {
        const r = hwmonScope(d, type, l);
        expect(SCOPES).toContain(r.scope);
        if (r.note !== undefined) expect(typeof r.note).toBe('string');
      }),
      { numRuns: RUNS },
    );
  });
});

describe('property: battery helpers (battery.ts)', () => {
  it('statusReason never throws: only Discharging is usable, anything else is a one-line reason', () => {
    const status = fc.oneof(fc.constantFrom('Discharging', 'Charging', 'Full', 'Not charging', 'Unknown', 'discharging', ''), unicodeText, bytesText);
    fc.assert(
      fc.property(status, (s) => {
        const why = statusReason(s);
        if (s === 'Discharging') expect(why).toBeNull();
        else {
          expect(typeof why).toBe('string');
          expect(why).not.toMatch(/[\n\r]/);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('batteryPowerW never throws and gives null or a finite positive wattage, from any sysfs text', () => {
    const raw = fc.oneof(
      fc.double(),
      fc.constantFrom(Number.NaN, Infinity, -Infinity, 0, -0, 1e308, -1e308, Number.MAX_VALUE, 5e-324),
      fc.integer({ min: -1e8, max: 1e8 }),
      numberText.map((t) => parseSysfsNumber(t) ?? Number(t)),
    );
    const input = fc.oneof(
      raw.map((powerUw) => ({ powerUw })),
      fc.tuple(raw, raw).map(([voltageUv, currentUa]) => ({ voltageUv, currentUa })),
      fc.constant({}),
      fc.record({ voltageUv: raw }),
    );
    assertParser(input, batteryPowerW, (w) => {
      if (w !== null) expect(Number.isFinite(w) && w > 0, `power ${w}`).toBe(true);
    });
  });
});
