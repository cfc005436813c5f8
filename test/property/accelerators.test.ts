import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  extractJson,
  normaliseBdf,
  parseAmdSmiList,
  parseAmdSmiPower,
  parsePowerValue,
  parseRocmSmiBus,
  parseRocmSmiPower,
  type AmdGpuPower,
} from '../../src/sources/accelerators/amd-gpu-parse.js';
import { parseNpuAicore, parseNpuKeyValues, parseNpuPower, parseNpuSmiInfo, parseWattsToken, type NpuChipValue } from '../../src/sources/accelerators/npu-smi-parse.js';
import { classifyFailure, parseHelpFields, parseNvidiaCell, splitRow } from '../../src/sources/accelerators/nvidia.js';
import {
  assertParser,
  damaged,
  expectIndex,
  expectNullOrInRange,
  FIXTURES,
  fixtures,
  hostileJsonValue,
  jsonText,
  MISSING_TOKENS,
  numberText,
  RUNS,
  toolText,
  unicodeText,
} from './arbitraries.js';

/** nvidia-smi output shapes (power-interfaces.md §5), as the fake nvidia-smi of test/fixtures/bin prints them. */
const NVIDIA_ROWS = [
  '0, NVIDIA GeForce RTX 3090, GPU-5a3c0d2e-1111-2222-3333-444455556666, 150.00, 98, 1935, 71',
  '1, NVIDIA A100-SXM4-80GB, GPU-9f1e7a6b-7777-8888-9999-000011112222, [N/A], 12, 1410, 38',
  '2, Tesla K80, GPU-00000000-0000-0000-0000-000000000000, [Not Supported], [Not Supported], 562, 30',
].join('\n');
const NVIDIA_HELP = ['index', 'name', 'uuid', 'power.draw', 'power.draw.average', 'power.draw.instant', 'utilization.gpu', 'clocks.sm', 'temperature.gpu']
  .map((f) => `"${f}"\nDescription of ${f}.\n`)
  .join('\n');
const NVIDIA_FAILURES = [
  "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.",
  'Failed to initialize NVML: Unknown Error',
  'Failed to initialize NVML: Insufficient Permissions',
  'No devices were found',
];

describe('property: nvidia-smi parsers (nvidia.ts)', () => {
  const cell = fc.oneof(numberText, fc.constantFrom(...MISSING_TOKENS), unicodeText, fc.constant(undefined));

  it('parseNvidiaCell never throws: a finite non-negative number, or a one-line reason', () => {
    assertParser(
      cell,
      parseNvidiaCell,
      (r) => {
        if (r.ok) expect(Number.isFinite(r.value) && r.value >= 0, `value ${r.value}`).toBe(true);
        else expect(r.reason).not.toMatch(/\n/);
      },
      { usable: (r) => r.ok },
    );
  });

  it('parseNvidiaCell refuses every missing-value token and reads back every 2-decimal figure', () => {
    fc.assert(
      fc.property(fc.constantFrom('[N/A]', 'N/A', '[Not Supported]', '[Unknown Error]', '[Insufficient Permissions]', '[GPU is lost]', '', ' '), (token) => {
        expect(parseNvidiaCell(token).ok).toBe(false);
      }),
      { numRuns: 20 },
    );
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e5, noNaN: true }), (w) => {
        const text = w.toFixed(2);
        expect(parseNvidiaCell(` ${text} `)).toEqual({ ok: true, value: Number(text) });
      }),
      { numRuns: RUNS },
    );
  });

  it('splitRow never throws: null, or exactly `count` trimmed cells without commas', () => {
    assertParser(
      fc.tuple(toolText([NVIDIA_ROWS], [', ', ',', '[N/A]']), fc.integer({ min: 0, max: 10 })),
      ([line, count]) => splitRow(line, count),
      (cells, [, count]) => {
        if (cells === null) return;
        expect(cells).toHaveLength(count);
        for (const c of cells) {
          expect(c).toBe(c.trim());
          expect(c).not.toContain(',');
        }
      },
    );
  });

  it('splitRow gives back the cells it was given (nvidia-smi separates them with ", ")', () => {
    const c = fc.string({ maxLength: 20 }).filter((s) => !s.includes(',')).map((s) => s.trim());
    fc.assert(
      fc.property(fc.array(c, { minLength: 1, maxLength: 8 }), (cells) => {
        expect(splitRow(cells.join(', '), cells.length)).toEqual(cells);
        expect(splitRow(cells.join(', '), cells.length + 1)).toBeNull();
      }),
      { numRuns: RUNS },
    );
  });

  it('parseHelpFields never throws and lists only lower-case field names that are quoted in the text', () => {
    assertParser(
      toolText([NVIDIA_HELP], ['"', '"power.draw"', '"Index"']),
      parseHelpFields,
      (fields, text) => {
        for (const f of fields) {
          expect(f).toMatch(/^[a-z][a-z0-9_.]*$/);
          expect(text.toLowerCase()).toContain(`"${f}"`);
        }
      },
      { usable: (s) => s.size > 0 },
    );
  });

  it('classifyFailure never throws and gives a state, a one-line reason and a fix or null', () => {
    const output = fc.oneof(toolText(NVIDIA_FAILURES), fc.constantFrom('', '\n\n'));
    const code = fc.option(fc.oneof(fc.constantFrom(0, 1, 4, 9, 255, -1), fc.integer()), { nil: null });
    fc.assert(
      fc.property(output, code, (text, c) => {
        const r = classifyFailure(text, c);
        expect(['permission', 'error']).toContain(r.state);
        expect(typeof r.reason).toBe('string');
        expect(r.reason?.length).toBeGreaterThan(0);
        expect(r.reason).not.toMatch(/\n/);
        expect(r.fix === null || typeof r.fix === 'string').toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});

const npuFiles = readdirSync(`${FIXTURES}npu-smi/`).filter((f) => f.endsWith('.txt'));
const NPU_INFO = fixtures(...npuFiles.filter((f) => f.startsWith('info-') || f === 'error.txt' || f === 'permission.txt').map((f) => `npu-smi/${f}`));
const NPU_KV = fixtures(...npuFiles.filter((f) => f.startsWith('power-') || f.startsWith('usages-')).map((f) => `npu-smi/${f}`));
const NPU_TOKENS = ['|', '+----+', '+====+', 'NPU', 'Chip', 'Power(W)', 'AICore(%)', 'Phy-ID', 'Device', 'Chip ID', ':', ' / ', 'Process id', '910B3', 'OK'];

function expectChipValues(values: NpuChipValue[], max: number): void {
  for (const v of values) {
    if (v.chipId !== null) expect(Number.isSafeInteger(v.chipId) && v.chipId >= 0 && v.chipId < 1e6).toBe(true);
    expectNullOrInRange(v.value, max, v.key);
    expect(typeof v.key).toBe('string');
    expect(typeof v.text).toBe('string');
  }
}

describe('property: npu-smi parsers (npu-smi-parse.ts)', () => {
  it('parseWattsToken never throws and gives null or 0..10000 W', () => {
    assertParser(fc.oneof(numberText, fc.constant(undefined)), parseWattsToken, (w) => expectNullOrInRange(w, 10_000, 'watts'));
  });

  it('parseNpuSmiInfo never throws: null, or chips with small ids, watts within 0..10000 and AICore within 0..100', () => {
    assertParser(toolText(NPU_INFO, NPU_TOKENS), parseNpuSmiInfo, (info) => {
      if (info === null) return;
      expect(['910b', 'a3', '310', 'unknown']).toContain(info.layout);
      expect(info.version === null || typeof info.version === 'string').toBe(true);
      expect(info.chips.length).toBeGreaterThan(0);
      for (const c of info.chips) {
        for (const id of [c.npuId, c.chipId, ...(c.chipSecondId === null ? [] : [c.chipSecondId])]) {
          expectIndex(id, 'id');
          expect(id).toBeLessThan(1e6);
        }
        expectNullOrInRange(c.powerW, 10_000, 'powerW');
        expectNullOrInRange(c.aicorePct, 100, 'aicorePct');
        for (const s of [c.name, c.health, c.busId, c.powerText, c.aicoreText]) expect(typeof s).toBe('string');
      }
    });
  });

  it('parseNpuKeyValues never throws and gives trimmed keys without colons, and small chip ids', () => {
    assertParser(
      toolText(NPU_KV, NPU_TOKENS),
      parseNpuKeyValues,
      (blocks) => {
        for (const b of blocks) {
          if (b.chipId !== null) expectIndex(b.chipId, 'chipId');
          for (const [k, v] of b.entries) {
            expect(k.length).toBeGreaterThan(0);
            expect(k.length).toBeLessThanOrEqual(80);
            expect(k).not.toContain(':');
            expect(k).toBe(k.trim());
            expect(v).toBe(v.trim());
          }
        }
      },
      { usable: (b) => b.length > 0 },
    );
  });

  it('parseNpuPower and parseNpuAicore never throw and keep watts within 0..10000 and percentages within 0..100', () => {
    assertParser(toolText(NPU_KV, NPU_TOKENS), parseNpuPower, (v) => expectChipValues(v, 10_000), { usable: (v) => v.some((x) => x.value !== null) });
    assertParser(toolText(NPU_KV, NPU_TOKENS), parseNpuAicore, (v) => expectChipValues(v, 100), { usable: (v) => v.some((x) => x.value !== null) });
  });
});

const AMD_JSON_FILES = readdirSync(`${FIXTURES}amd/`).filter((f) => f.endsWith('.json'));
const AMD_POWER = fixtures(...AMD_JSON_FILES.filter((f) => f.includes('power') || f.startsWith('rocm-smi-') && !f.includes('bus')).map((f) => `amd/${f}`), 'amd/garbage.txt');
const AMD_BUS = fixtures(...AMD_JSON_FILES.filter((f) => f.includes('list') || f.includes('bus')).map((f) => `amd/${f}`), 'amd/garbage.txt');
const BDF = /^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/;

function expectGpus(gpus: AmdGpuPower[] | null): void {
  if (gpus === null) return;
  const seen = new Set<number>();
  for (const g of gpus) {
    expectIndex(g.index, 'GPU index');
    expect(seen.has(g.index), `GPU ${g.index} listed twice`).toBe(false);
    seen.add(g.index);
    expectNullOrInRange(g.powerW, 100_000, `GPU ${g.index} power`);
    if (g.powerW === null) expect(typeof g.reason).toBe('string');
    else expect(g.reason).toBeNull();
    expect(typeof g.secondaryDie).toBe('boolean');
  }
}

function expectBus(map: Map<number, string> | null): void {
  if (map === null) return;
  expect(map.size).toBeGreaterThan(0);
  for (const [index, bdf] of map) {
    expectIndex(index, 'GPU index');
    expect(bdf).toMatch(BDF);
  }
}

/** Lines amd-smi and rocm-smi print before their JSON (power-interfaces.md §6). */
const WARNING_LINE = fc.oneof(
  fc.constantFrom(
    "/opt/rocm/libexec/amdsmi_cli/amdsmi_helpers.py:412: SyntaxWarning: invalid escape sequence '\\d'",
    '  if re.match("[\\d]+", value):',
    'WARNING: AMD GPU device(s) is/are in a low-power state. Check power control/runtime_status',
    '[WARNING] Unable to read some fields',
    '',
  ),
  fc.string({ maxLength: 30 }).map((s) => `WARNING: ${s.replace(/\n/g, ' ')}`),
);

describe('property: amd-smi / rocm-smi parsers (amd-gpu.ts)', () => {
  it('parsePowerValue never throws: watts within 0..100 kW, or a one-line reason', () => {
    assertParser(
      fc.tuple(hostileJsonValue, fc.constantFrom('W', 'mW', 'uW', 'µW', 'kW', 'constructor', '')),
      ([raw, unit]) => parsePowerValue(raw, unit),
      (v) => {
        if (v.ok) expectNullOrInRange(v.powerW, 100_000, 'powerW');
        else {
          expect(v.reason).not.toMatch(/\n/);
          expect(typeof v.secondaryDie).toBe('boolean');
        }
      },
      { usable: (v) => v.ok },
    );
  });

  it('extractJson never throws, and finds a pretty-printed document after any warning lines', () => {
    assertParser(toolText(AMD_POWER), extractJson, () => undefined, { usable: (v) => v !== undefined });
    const doc = fc.oneof(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }), fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 4 }));
    fc.assert(
      fc.property(fc.array(WARNING_LINE, { maxLength: 4 }), doc, fc.constantFrom(2, 4), (warnings, value, indent) => {
        const text = [...warnings, JSON.stringify(value, null, indent)].join('\n');
        expect(extractJson(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: RUNS },
    );
  });

  it('parseAmdSmiPower never throws: null, or GPUs with unique safe indices and watts within 0..100 kW', () => {
    assertParser(jsonText(AMD_POWER), parseAmdSmiPower, expectGpus, {
      examples: ['[{"gpu": 0, "power": {"socket_power": 10}}, {"gpu": "0", "power": {"socket_power": 20}}]'],
    });
  });

  it('parseRocmSmiPower never throws: null, or GPUs with unique safe indices and watts within 0..100 kW', () => {
    assertParser(
      jsonText(AMD_POWER),
      parseRocmSmiPower,
      expectGpus,
      { examples: [`{"card${'9'.repeat(400)}": {"Average Graphics Package Power (W)": "19.0"}}`, '{"card0": {"Average Graphics Package Power (W)": "19.0"}, "card00": {"Average Graphics Package Power (W)": "19.0"}}'] },
    );
  });

  it('parseAmdSmiList and parseRocmSmiBus never throw: null, or safe indices mapped to normalised PCI addresses', () => {
    assertParser(jsonText(AMD_BUS), parseAmdSmiList, expectBus);
    assertParser(jsonText(AMD_BUS), parseRocmSmiBus, expectBus, { examples: [`{"card${'9'.repeat(400)}": {"PCI Bus": "0000:03:00.0"}}`] });
  });

  it('normaliseBdf never throws, gives dddd:bb:dd.f or null, and is idempotent', () => {
    const hex = (maxLength: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEFg'), maxLength });
    const bdf = fc.oneof(
      fc
        .tuple(fc.option(hex(9)), hex(3), hex(3), fc.nat({ max: 9 }))
        .map(([d, b, s, f]) => `${d === null ? '' : `${d}:`}${b}:${s}.${f}`),
      damaged(['0000:C1:00.0', '0000:83:00.0']),
      unicodeText,
    );
    assertParser(bdf, normaliseBdf, (n) => {
      if (n === null) return;
      expect(n).toMatch(BDF);
      expect(normaliseBdf(n)).toBe(n);
    });
  });
});
