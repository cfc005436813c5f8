/** The source model (DESIGN.md §3): every interface wattbench reads is a source with a kind, a scope and a quality. */

/**
 * What a source's values mean: a cumulative energy `counter`, an instantaneous or averaged power `gauge`,
 * CPU time for `utilization`, or auxiliary `frequency` (MHz) and `temperature` (°C) telemetry.
 */
export type SourceKind = 'counter' | 'gauge' | 'utilization' | 'frequency' | 'temperature';

/** What part of the machine a source covers; the total rule uses it to avoid double counting. */
export type Scope =
  | 'cpu-package'
  | 'cpu-core'
  | 'cpu-uncore'
  | 'dram'
  | 'psys'
  | 'gpu'
  | 'npu'
  | 'system-wall'
  | 'battery'
  | 'cpu'
  | 'process'
  /** A rail or sensor whose coverage is unknown: reported, never added to a total. */
  | 'rail';

/** How an energy figure was obtained: read from a sensor, computed from a model, or not at all (no energy known). */
export type Quality = 'measured' | 'estimated' | 'none';

/** What a source can be, and a figure that exists: read from a sensor or computed from a model. */
export type SourceQuality = Exclude<Quality, 'none'>;

/**
 * How directly a source's energy follows the hardware, weakest first: a model's `estimated` figure, a power gauge the
 * device `averaged` over its own period (its changes lag and smooth the load), an `instant` power gauge (energy between
 * its readings is interpolated), or a hardware energy `counter` (every joule counted, whatever the sampling).
 */
export type Fidelity = 'estimated' | 'averaged' | 'instant' | 'counter';

/** Every fidelity, weakest first: the order a total's fidelity is the minimum of. */
export const FIDELITIES: readonly Fidelity[] = ['estimated', 'averaged', 'instant', 'counter'];

/** The outcome of probing a source. */
export type ProbeState = 'ok' | 'absent' | 'permission' | 'error';

/** Static description of a source, fixed at probe time. */
export interface SourceInfo {
  /** Stable id such as `rapl:package-0`, `procstat:cpu` or `estimate:cpu`. */
  id: string;
  kind: SourceKind;
  scope: Scope;
  quality: SourceQuality;
  /** One line saying what is read and from where. */
  description: string;
  /** For counters: joules per raw unit (1e-6 for µJ counters). */
  joulesPerUnit?: number;
  /** For counters: the raw value at which the counter wraps to 0, when known. */
  maxRange?: number | null;
  /**
   * How directly the energy follows the hardware; only set where the kind does not say it (an `averaged` gauge):
   * `fidelityOf` derives the rest from `kind` and `quality`.
   */
  fidelity?: Fidelity;
  /** For an `averaged` gauge: the seconds the device averages each reading over, when known. */
  averagingS?: number;
  /** Seconds between the sensor's own updates; windows shorter than two updates are flagged. */
  updatePeriodS?: number;
  /** The device's own declared power limit in watts (a GPU's enforced limit), when known: power above 1.5× it is implausible. */
  powerLimitW?: number;
  /** When set, this source reads the same thing as another one (an mmio mirror, a mirrored die) and never enters a total. */
  duplicateOf?: string;
  /** Least seconds between two periodic reads (slow-moving telemetry need not be read every tick); brackets always read. */
  minIntervalS?: number;
  /** For estimates: the model id and the parameters actually used. */
  model?: { id: string; params: Record<string, string | number> };
}

/** CPU time read from /proc (or the OS), cumulative, in seconds. */
export interface CpuTimes {
  /** Busy seconds (user + nice + system + irq + softirq + steal, guest excluded as it is inside user). */
  busyS: number;
  /** All seconds across CPUs (busy + idle + iowait), or null for a process, which has no idle time. */
  totalS: number | null;
  /** Seconds stolen by the hypervisor, or null when unknown. */
  stealS: number | null;
  /** Number of CPUs summed, or null for a process. */
  cpus: number | null;
}

/** One read: a value, or the reason it could not be read (never a made-up 0). */
export type ReadResult<T> = { ok: true; value: T; atS?: number } | { ok: false; reason: string };

interface SourceBase<K extends SourceKind, T> {
  readonly info: SourceInfo & { kind: K };
  /** Reads the current value; must never throw and never block the event loop (tool and HTTP sources answer from their last streamed or polled value). */
  read(): Promise<ReadResult<T>>;
  /** Starts what the source needs while measuring (a streaming tool, a poller); idempotent, never throws. `sources` never calls it. */
  start?(): Promise<void>;
  /** Releases what the source holds (streams, pollers, handles); idempotent. */
  close?(): Promise<void>;
}

/** A cumulative energy counter in raw units (see `info.joulesPerUnit`, `info.maxRange`). */
export type CounterSource = SourceBase<'counter', number>;
/** A power gauge in watts. */
export type GaugeSource = SourceBase<'gauge', number>;
/** A CPU-time reader (scopes `cpu`, `process`), or a busy-percentage reader (accelerators: GPU or NPU busy %). */
export type UtilizationSource = SourceBase<'utilization', CpuTimes | number>;
/** A frequency reader in MHz. */
export type FrequencySource = SourceBase<'frequency', number>;
/** A temperature reader in °C. */
export type TemperatureSource = SourceBase<'temperature', number>;

/** Any usable source. */
export type Source = CounterSource | GaugeSource | UtilizationSource | FrequencySource | TemperatureSource;

/** The result of probing one interface: usable with its source, or a state with a reason and a fix. */
export interface Probe {
  info: SourceInfo;
  state: ProbeState;
  /** Why the source is not usable (or a note when it is), or null. */
  reason: string | null;
  /** The exact persistent fix a person can apply, or null when there is none. */
  fix: string | null;
  /** Present exactly when `state` is `ok`. */
  source?: Source;
}

/** The file-reading seam: tests inject errors (EACCES as root) and fake trees through it. */
export interface FileReader {
  /** Reads a whole text file. */
  readText(path: string): Promise<string>;
  /** Lists a directory's entries. */
  list(path: string): Promise<string[]>;
  /** Releases whatever the reader holds open. */
  close?(): Promise<void>;
}

/** Where sources look: the filesystem roots of DESIGN.md §3, the reading seam, and the environment tools run in. */
export interface SourceContext {
  /** Root of sysfs, `/sys` by default. */
  sysfs: string;
  /** Root of procfs, `/proc` by default. */
  procfs: string;
  /** How files are read. */
  files: FileReader;
  /** Environment for tools (PATH finds them; tests put fakes first) and for meter credentials. */
  env: NodeJS.ProcessEnv;
  /** Milliseconds between the fastest reads, so streaming tools can be asked for the same rate. */
  intervalMs: number;
}

/**
 * A source's fidelity, derived in this one place: an explicit `fidelity` wins, an estimate is `estimated`, a counter is a
 * `counter` and a gauge `instant`; sources without energy (utilization, telemetry) have none (null).
 */
export function fidelityOf(info: Pick<SourceInfo, 'kind' | 'quality' | 'fidelity'>): Fidelity | null {
  if (info.kind !== 'counter' && info.kind !== 'gauge') return null;
  if (info.quality === 'estimated') return 'estimated';
  if (info.fidelity !== undefined) return info.fidelity;
  if (info.kind === 'counter') return 'counter';
  if (info.kind === 'gauge') return 'instant';
  return null;
}

/** The weakest of several fidelities (estimated < averaged < instant < counter), or null when none is known. */
export function weakestFidelity(fidelities: ReadonlyArray<Fidelity | null>): Fidelity | null {
  let weakest: Fidelity | null = null;
  for (const f of fidelities) {
    if (f === null) continue;
    if (weakest === null || FIDELITIES.indexOf(f) < FIDELITIES.indexOf(weakest)) weakest = f;
  }
  return weakest;
}
