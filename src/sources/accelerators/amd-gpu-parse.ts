/**
 * Lenient parsers for the ROCm tools' JSON (power-interfaces.md §6): `amd-smi metric --power --json` in its bare-list
 * and 26.x `gpu_data` layouts, `rocm-smi --showpower --json`, and the bus ids of `amd-smi list` / `rocm-smi --showbus`,
 * after whatever warning lines the tools print first. They never throw.
 */

/** One GPU's power as a tool reports it. */
export interface AmdGpuPower {
  /** The tool's GPU index (`gpu` in amd-smi, `cardN` in rocm-smi). */
  index: number;
  /** Socket/package power in watts, or null with `reason`. */
  powerW: number | null;
  reason: string | null;
  /** True for the secondary die of a two-die package (MI250/MI250X), whose power is reported on the primary. */
  secondaryDie: boolean;
}

/** A power value: watts, a secondary die, or why it is not a number. */
export type PowerValue = { ok: true; powerW: number } | { ok: false; secondaryDie: boolean; reason: string };

/** Above this a "power" is garbage, not a GPU (the largest accelerators draw about 1.5 kW). */
const MAX_PLAUSIBLE_W = 100_000;

const UNIT_TO_W: Record<string, number> = { w: 1, mw: 1e-3, uw: 1e-6, 'µw': 1e-6, 'μw': 1e-6 };

/**
 * Parses one power value as amd-smi/rocm-smi print it: a bare number, a numeric string (`"19.0"`, `"19 W"`), a
 * `{ value, unit }` object (ROCm 6.1+), `"N/A"` or `"N/A (Secondary die)"`; `defaultUnit` applies to bare numbers.
 */
export function parsePowerValue(raw: unknown, defaultUnit = 'W'): PowerValue {
  let value: unknown = raw;
  let unit = defaultUnit;
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && 'value' in raw) {
    value = (raw as { value: unknown }).value;
    const u = (raw as { unit?: unknown }).unit;
    if (typeof u === 'string' && u.trim()) unit = u.trim();
  }
  let n: number;
  if (typeof value === 'number') {
    n = value;
  } else if (typeof value === 'string') {
    const t = value.trim();
    if (/^N\/A/i.test(t)) {
      const secondaryDie = /secondary die/i.test(t);
      return { ok: false, secondaryDie, reason: secondaryDie ? 'secondary die: its package power is reported on the primary die' : 'power not supported (N/A)' };
    }
    const m = /^(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*([a-zµμ]*)$/i.exec(t);
    if (!m) return { ok: false, secondaryDie: false, reason: `not a power value: ${JSON.stringify(t.slice(0, 40))}` };
    n = Number(m[1]);
    if (m[2]) unit = m[2];
  } else {
    return { ok: false, secondaryDie: false, reason: `not a power value: ${JSON.stringify(value)?.slice(0, 40) ?? String(value)}` };
  }
  const scale = UNIT_TO_W[unit.toLowerCase()];
  if (scale === undefined) return { ok: false, secondaryDie: false, reason: `unknown power unit ${JSON.stringify(unit.slice(0, 10))}` };
  const w = n * scale;
  if (!Number.isFinite(w) || w < 0 || w > MAX_PLAUSIBLE_W) return { ok: false, secondaryDie: false, reason: `implausible power ${n} ${unit}` };
  return { ok: true, powerW: w };
}

/**
 * Finds the JSON document in a tool's output: amd-smi and rocm-smi may print warning lines (`WARNING: …`, Python
 * `SyntaxWarning` lines with the offending source line) before it, so each line that opens with `[` or `{` is tried.
 */
export function extractJson(text: string): unknown {
  const lines = text.split('\n');
  let tries = 0;
  for (let i = 0; i < lines.length && tries < 16; i++) {
    // A document opens a line with a bracket followed by a quote, a bracket or nothing; "[WARNING] …" does not.
    if (!/^\s*[[{]\s*(["[{\]}]|$)/.test(lines[i] as string)) continue;
    tries += 1;
    const rest = lines.slice(i).join('\n').trim();
    for (const candidate of [rest, rest.slice(0, Math.max(rest.lastIndexOf(']'), rest.lastIndexOf('}')) + 1)]) {
      try {
        return JSON.parse(candidate) as unknown;
      } catch {
        // not this line: a warning's source excerpt can start with a bracket too
      }
    }
  }
  return undefined;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The list of per-GPU entries from amd-smi's bare list, its 26.x `{ gpu_data: [...] }` wrapper, or a single entry. */
function gpuEntries(json: unknown): Record<string, unknown>[] | null {
  let list: unknown = json;
  if (isRecord(json) && Array.isArray(json.gpu_data)) list = json.gpu_data;
  else if (isRecord(json) && 'gpu' in json) list = [json];
  if (!Array.isArray(list)) return null;
  // A GPU listed twice (`0` and `"0"`) is one GPU: the first entry is kept, or it would become two sources.
  const seen = new Set<number>();
  const entries = list.filter(isRecord).filter((e) => {
    const index = gpuIndex(e.gpu);
    if (index === null || seen.has(index)) return false;
    seen.add(index);
    return true;
  });
  return entries.length > 0 || list.length === 0 ? entries : null;
}

function gpuIndex(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/** The N of a rocm-smi `cardN` key, or null (also for digits too many to be an index). */
function cardIndex(key: string): number | null {
  const m = /^card(\d+)$/.exec(key);
  return m ? gpuIndex(m[1]) : null;
}

/** amd-smi power keys by preference: the CLI's own (6.1+), then the library names of MI300 and MI200. */
const AMD_SMI_POWER_KEYS = ['socket_power', 'current_socket_power', 'average_socket_power'];

function amdSmiGpus(entries: Record<string, unknown>[]): AmdGpuPower[] {
  return entries.map((e) => {
    const index = gpuIndex(e.gpu) as number;
    const power = e.power;
    if (!isRecord(power)) return { index, powerW: null, reason: `no power section for GPU ${index}`, secondaryDie: false };
    const key = AMD_SMI_POWER_KEYS.find((k) => k in power);
    if (!key) return { index, powerW: null, reason: `no socket power field for GPU ${index}`, secondaryDie: false };
    const v = parsePowerValue(power[key]);
    return v.ok ? { index, powerW: v.powerW, reason: null, secondaryDie: false } : { index, powerW: null, reason: v.reason, secondaryDie: v.secondaryDie };
  });
}

/** Parses `amd-smi metric --power --json` (bare list or `gpu_data` wrapper, warnings before it); null for garbage. */
export function parseAmdSmiPower(text: string): AmdGpuPower[] | null {
  const entries = gpuEntries(extractJson(text));
  return entries ? amdSmiGpus(entries) : null;
}

/**
 * Parses `rocm-smi --showpower --json`: the legacy card map (`{"card0": {"Average Graphics Package Power (W)": "19.0"}}`,
 * or `Current Socket Graphics Package Power (W)` on APUs and MI300), with values as strings, numbers or value/unit
 * objects; an amd-smi-style list is accepted too. Null for garbage.
 */
export function parseRocmSmiPower(text: string): AmdGpuPower[] | null {
  const json = extractJson(text);
  const entries = gpuEntries(json);
  if (entries && entries.length > 0) return amdSmiGpus(entries);
  if (!isRecord(json)) return null;
  const gpus: AmdGpuPower[] = [];
  for (const [card, fields] of Object.entries(json)) {
    const index = cardIndex(card);
    // `card0` and `card00` name one GPU: the first is kept.
    if (index === null || !isRecord(fields) || gpus.some((g) => g.index === index)) continue;
    const keys = Object.keys(fields).filter((k) => /power/i.test(k) && /package|socket/i.test(k));
    const key = keys.find((k) => /^average/i.test(k)) ?? keys.find((k) => /^current socket/i.test(k)) ?? keys[0];
    if (!key) {
      gpus.push({ index, powerW: null, reason: `no package power field for card${index}`, secondaryDie: false });
      continue;
    }
    const unit = /\((W|mW|uW|µW)\)/i.exec(key)?.[1] ?? 'W';
    const v = parsePowerValue(fields[key], unit);
    gpus.push(v.ok ? { index, powerW: v.powerW, reason: null, secondaryDie: false } : { index, powerW: null, reason: v.reason, secondaryDie: v.secondaryDie });
  }
  return gpus.length > 0 ? gpus.sort((a, b) => a.index - b.index) : null;
}

/** Normalises a PCI address to `dddd:bb:dd.f` in lower case, or null. */
export function normaliseBdf(text: string): string | null {
  const t = text.trim().toLowerCase();
  const m = /^(?:([0-9a-f]{4,8}):)?([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])$/.exec(t);
  if (!m) return null;
  return `${(m[1] ?? '0000').slice(-4).padStart(4, '0')}:${m[2]}:${m[3]}.${m[4]}`;
}

/** Parses `amd-smi list --json` into GPU index → PCI address (bare list or `gpu_data` wrapper); null for garbage. */
export function parseAmdSmiList(text: string): Map<number, string> | null {
  const entries = gpuEntries(extractJson(text));
  if (!entries) return null;
  const out = new Map<number, string>();
  for (const e of entries) {
    const bdf = typeof e.bdf === 'string' ? normaliseBdf(e.bdf) : null;
    if (bdf) out.set(gpuIndex(e.gpu) as number, bdf);
  }
  return out.size > 0 ? out : null;
}

/** Parses `rocm-smi --showbus --json` (`{"card0": {"PCI Bus": "0000:03:00.0"}}`) into card index → PCI address; null for garbage. */
export function parseRocmSmiBus(text: string): Map<number, string> | null {
  const json = extractJson(text);
  if (!isRecord(json)) return null;
  const out = new Map<number, string>();
  for (const [card, fields] of Object.entries(json)) {
    const index = cardIndex(card);
    if (index === null || !isRecord(fields) || out.has(index)) continue;
    const value = Object.entries(fields).find(([k]) => /pci bus/i.test(k))?.[1];
    const bdf = typeof value === 'string' ? normaliseBdf(value) : null;
    if (bdf) out.set(index, bdf);
  }
  return out.size > 0 ? out : null;
}
