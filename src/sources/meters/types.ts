import type { Probe, SourceContext } from '../types.js';

/** What every external meter type shares: its timings, and the descriptor it registers in `registry.ts`. */

/** Timing options for external meters. */
export interface MeterOptions {
  /** Milliseconds allowed for each request or command run, and for a command's first line (default 2000). */
  timeoutMs?: number;
  /** Milliseconds between polls of a plug or of a command that prints once (default 1000). */
  periodMs?: number;
  /** Seconds after which a value is refused as stale (default: three periods, or a period plus a timeout if longer). */
  staleAfterS?: number;
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
  const staleAfterS = positive(options.staleAfterS, Math.max(3 * periodMs, periodMs + timeoutMs) / 1000);
  return { timeoutMs, periodMs, staleAfterS };
}

/** The source family whose code a meter type lives in; it decides where the meter's probes appear in `sources`. */
export type MeterFamily = 'meters' | 'bmc';

/** What the registry hands a meter's probe: the meter's unique id (`shelly:host#2`) and its timings. */
export interface MeterRun {
  /** The id for its main source, unique among the meters given (`#2`, `#3`… for a second meter with the same base id). */
  id: string;
  timings: MeterTimings;
}

/** One meter type of `--meter TYPE=TARGET`: how it is written, parsed, named and probed. */
export interface MeterDescriptor<S extends { type: string } = { type: string }> {
  /** The word before `=` (lower case), which is also the spec's `type`. */
  type: S['type'];
  /** Other words that select this type with a variant (`redfish-insecure`), lower case. */
  aliases?: readonly string[];
  /** Where the type's code lives. */
  family: MeterFamily;
  /** How a person writes it, for usage texts (`shelly=http://HOST`). */
  usage: string;
  /**
   * Parses the text after `=` (trimmed); `word` is the word before it, the type or one of the aliases. An error is one
   * line without the `--meter TYPE:` prefix (the registry adds it) and never echoes credentials.
   */
  parse(target: string, word: string): S | { error: string };
  /** The id the meter gets before de-duplication (`shelly:<host>`). */
  baseId(spec: S): string;
  /** Equal for two specs that name the same meter, which is then read once. */
  sameMeterKey(spec: S): string;
  /** Probes the meter once. */
  probe(ctx: SourceContext, spec: S, run: MeterRun): Promise<Probe[]>;
}
