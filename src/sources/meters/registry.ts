import { basename } from 'node:path';
import { probeCommandMeter } from './command-meter.js';
import { probeShelly } from './shelly.js';
import { probeTasmota } from './tasmota.js';
import type { Probe, SourceContext } from '../types.js';

/** External meters given with `--meter TYPE=TARGET` (DESIGN.md §6): parsing the spec and probing each meter. */

/** One external meter as the user named it: a smart plug's base URL, or a command split into argv. */
export type MeterSpec = { type: 'shelly'; url: string } | { type: 'tasmota'; url: string } | { type: 'command'; argv: string[] };

/** Timing options for external meters. */
export interface MeterOptions {
  /** Milliseconds allowed for each request or command run, and for a command's first line (default 2000). */
  timeoutMs?: number;
  /** Milliseconds between polls of a plug or of a command that prints once (default 1000). */
  periodMs?: number;
  /** A value older than this is refused as stale (default: three periods, or a period plus a timeout if longer). */
  staleAfterMs?: number;
}

/** Meter timings with every default filled in, as the meter probes take them. */
export type MeterTimings = Required<MeterOptions>;

/** Default milliseconds allowed for one request or command run. */
export const DEFAULT_METER_TIMEOUT_MS = 2000;
/** Default milliseconds between polls: plugs update their readings about once per second. */
export const DEFAULT_METER_PERIOD_MS = 1000;

/** Fills in the defaults of meter timings. */
export function meterTimings(options: MeterOptions = {}): MeterTimings {
  const positive = (v: number | undefined, fallback: number): number => (v !== undefined && Number.isFinite(v) && v > 0 ? v : fallback);
  const timeoutMs = positive(options.timeoutMs, DEFAULT_METER_TIMEOUT_MS);
  const periodMs = positive(options.periodMs, DEFAULT_METER_PERIOD_MS);
  // A slow meter that still answers within its timeout must not look stale between two of its answers.
  const staleAfterMs = positive(options.staleAfterMs, Math.max(3 * periodMs, periodMs + timeoutMs));
  return { timeoutMs, periodMs, staleAfterMs };
}

const USAGE = "expected TYPE=TARGET: shelly=http://HOST, tasmota=http://HOST or command='CMD ARGS'";

/** Parses one `--meter` value; a bad spec gives a one-line error that never echoes a URL's credentials. */
export function parseMeterSpec(text: string): MeterSpec | { error: string } {
  const at = text.indexOf('=');
  // The text is not echoed: it may be a URL with a password in it.
  if (at === -1) return { error: `--meter: no "=" in the value; ${USAGE}` };
  const type = text.slice(0, at).trim().toLowerCase();
  const target = text.slice(at + 1).trim();
  if (type === 'shelly' || type === 'tasmota') {
    const url = parseMeterUrl(type, target);
    return 'error' in url ? url : { type, url: url.url };
  }
  if (type === 'command') {
    const argv = splitCommand(target);
    return 'error' in argv ? { error: `--meter command: ${argv.error}` } : { type, argv };
  }
  // A "type" that is not a plain word may be the start of a URL with credentials (`http://user:pw@host/?a=b`): not echoed.
  const shown = /^[a-z0-9_-]{1,20}$/.test(type) ? ` ${JSON.stringify(type)}` : '';
  return { error: `--meter: unknown meter type${shown}; ${USAGE}` };
}

const ENV_PREFIX = { shelly: 'WATTBENCH_SHELLY', tasmota: 'WATTBENCH_TASMOTA' } as const;

/** Normalizes a plug's base URL: http:// is assumed, credentials, queries and fragments are refused. */
function parseMeterUrl(type: 'shelly' | 'tasmota', target: string): { url: string } | { error: string } {
  if (target === '') return { error: `--meter ${type}: no address given (e.g. ${type}=http://192.168.1.20)` };
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(target) ? target : `http://${target}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    return { error: `--meter ${type}: not a URL or host name (e.g. ${type}=http://192.168.1.20)` };
  }
  if (u.username || u.password) {
    const env = ENV_PREFIX[type];
    return { error: `--meter ${type}: credentials do not belong in the URL; set ${env}_USER and ${env}_PASSWORD instead` };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return { error: `--meter ${type}: only http:// and https:// are supported, got ${u.protocol}` };
  if (u.hostname === '') return { error: `--meter ${type}: the URL has no host` };
  if (u.search || u.hash) return { error: `--meter ${type}: give the device's base URL without a query (wattbench adds the API path itself)` };
  return { url: `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}` };
}

/** Characters a shell would treat specially outside quotes: wattbench runs no shell, so it refuses them rather than guess. */
const SHELL_OPERATORS = new Set(['|', '&', ';', '<', '>', '(', ')', '$', '`']);
const GLOB = new Set(['*', '?', '[', '{']);
/** Characters a backslash escapes inside double quotes (POSIX); before any other character it stays literal. */
const DQ_ESCAPABLE = new Set(['"', '\\', '$', '`']);

/**
 * Splits a command line into argv the way a POSIX shell would for plain words, single quotes, double quotes and
 * backslash escapes; anything that needs a real shell (pipes, redirections, variables, globs, `~`, comments) is
 * refused with a one-line error, never run or half-interpreted.
 */
export function splitCommand(text: string): string[] | { error: string } {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  const needsShell = (what: string): { error: string } => ({
    error: `${what} needs a shell, and wattbench runs meter commands without one; put it in a script and give the script's path`,
  });
  // Checked once for the whole text: a NUL inside single quotes or after a backslash would otherwise reach argv.
  if (text.includes('\0')) return { error: 'the command contains a NUL character' };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end === -1) return { error: `unterminated ' quote at character ${i + 1}` };
      word += text.slice(i + 1, end);
      inWord = true;
      i = end;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let closed = false;
      for (; j < text.length; j++) {
        const d = text[j] as string;
        if (d === '"') {
          closed = true;
          break;
        }
        if (d === '\\') {
          const e = text[j + 1];
          if (e === '\n') j += 1;
          else if (e !== undefined && DQ_ESCAPABLE.has(e)) {
            word += e;
            j += 1;
          } else word += d;
          continue;
        }
        if (d === '$' || d === '`') return needsShell(`${d} inside double quotes`);
        if (d === '\0') return { error: 'the command contains a NUL character' };
        word += d;
      }
      if (!closed) return { error: `unterminated " quote at character ${i + 1}` };
      inWord = true;
      i = j;
      continue;
    }
    if (c === '\\') {
      const e = text[i + 1];
      if (e === undefined) return { error: 'the command ends with a lone backslash' };
      i += 1;
      // Backslash-newline is a line continuation, as in a shell.
      if (e !== '\n') {
        word += e;
        inWord = true;
      }
      continue;
    }
    if (SHELL_OPERATORS.has(c)) return needsShell(JSON.stringify(c));
    if (GLOB.has(c)) return needsShell(`the pattern character ${JSON.stringify(c)} (quote it if it is meant literally)`);
    if (!inWord && (c === '~' || c === '#')) {
      return needsShell(c === '~' ? '"~" (home directory expansion; give the full path or quote it)' : '"#" (a comment; quote it if it is meant literally)');
    }
    word += c;
    inWord = true;
  }
  if (inWord) words.push(word);
  if (words.length === 0 || words[0] === '') return { error: `no command given (e.g. command='read-watts --port /dev/ttyUSB0')` };
  if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0] as string)) return needsShell('a leading VAR=value assignment (use env VAR=value CMD)');
  return words;
}

/** The id a meter gets before de-duplication: `shelly:<host>`, `tasmota:<host>` or `meter:<basename of the command>`. */
export function meterBaseId(spec: MeterSpec): string {
  if (spec.type === 'command') return `meter:${basename(spec.argv[0] ?? 'command')}`;
  return `${spec.type}:${new URL(spec.url).host}`;
}

function specKey(spec: MeterSpec): string {
  return spec.type === 'command' ? `command\0${spec.argv.join('\0')}` : `${spec.type}\0${spec.url.toLowerCase()}`;
}

/**
 * Probes every meter given with `--meter` once and concurrently, each id made unique (`#2`, `#3`…), and a meter given
 * twice reported as an error instead of being counted twice in the wall total.
 */
export async function probeMeters(ctx: SourceContext, specs: MeterSpec[], options: MeterOptions = {}): Promise<Probe[]> {
  const timings = meterTimings(options);
  const idOfKey = new Map<string, string>();
  const used = new Set<string>();
  const unique = (base: string): string => {
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}#${n}`;
    used.add(id);
    return id;
  };
  const tasks = specs.map((spec): Promise<Probe[]> => {
    const id = unique(meterBaseId(spec));
    const key = specKey(spec);
    const first = idOfKey.get(key);
    if (first !== undefined) return Promise.resolve([duplicateProbe(spec, id, first)]);
    idOfKey.set(key, id);
    if (spec.type === 'shelly') return probeShelly(ctx, spec.url, timings, id);
    if (spec.type === 'tasmota') return probeTasmota(ctx, spec.url, timings, id);
    return probeCommandMeter(ctx, spec.argv, timings, id).then((p) => [p]);
  });
  return (await Promise.all(tasks)).flat();
}

function duplicateProbe(spec: MeterSpec, id: string, first: string): Probe {
  return {
    info: { id, kind: 'gauge', scope: 'system-wall', quality: 'measured', description: `${spec.type} meter given twice`, duplicateOf: first },
    state: 'error',
    reason: `the same meter was given twice with --meter (already probed as ${first}); it is read once`,
    fix: 'give each --meter once',
  };
}
