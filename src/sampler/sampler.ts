import { systemClock, type Clock, type ClockTimer } from '../clock.js';
import type { CpuTimes, ReadResult, Source, SourceInfo } from '../sources/types.js';

/** The sampler: periodic reads of every source, plus bracketing reads on demand, each with its own monotonic time. */

/** One read of one source: its value or the reason it failed. */
export interface SampleRecord<T = number | CpuTimes> {
  /** Monotonic seconds at the middle of the read. */
  tS: number;
  value: T | null;
  reason?: string;
  /** True for a bracketing read taken by `mark()`. */
  bracket?: boolean;
}

/** A point in every source's series, taken by `mark()`. */
export interface Mark {
  tS: number;
  /** Per source id, the index of the bracketing record in its series. */
  index: Map<string, number>;
}

/** Sampler settings. */
export interface SamplerOptions {
  /** Milliseconds between periodic reads of the sources that need the finest timeline (default 100). */
  intervalMs?: number;
  /** Longest a bracketing read may wait for a source before it is recorded as timed out (default 2000 ms). */
  bracketTimeoutMs?: number;
  /** Seconds between periodic reads of a source (Infinity: bracketing reads only); default: the interval, or the source's `minIntervalS` if longer. */
  periodOf?: (info: SourceInfo, intervalS: number) => number;
  /** Time and timers of the reads (default the system clock; tests drive a manual one). */
  clock?: Clock;
}

interface Track {
  source: Source;
  records: SampleRecord[];
  pending: Promise<void> | null;
  /** Index of records[0] in the full history, so marks stay valid after trimming. */
  offset: number;
  periodS: number;
  /** Monotonic seconds when the next periodic read is due. */
  dueS: number;
}

/** Resolves with the read, or with a failure after `ms`; the timer is cleared either way. */
function withTimeout<T>(read: Promise<ReadResult<T>>, ms: number, clock: Clock): Promise<ReadResult<T>> {
  let timer: ClockTimer | undefined;
  const late = new Promise<ReadResult<T>>((resolve) => {
    timer = clock.setTimer(() => resolve({ ok: false, reason: `no answer within ${ms} ms` }), ms);
  });
  return Promise.race([read, late]).finally(() => timer?.cancel());
}

const defaultPeriod = (info: SourceInfo, intervalS: number): number => Math.max(intervalS, info.minIntervalS ?? 0);

/**
 * Reads sources periodically without ever blocking: a source whose last read is still pending is skipped, not
 * waited for. The timer wakes only when some source is due, because on a VM each wake-up alone costs about 0.25 ms.
 */
export class Sampler {
  readonly intervalMs: number;
  private readonly bracketTimeoutMs: number;
  private readonly periodOf: NonNullable<SamplerOptions['periodOf']>;
  private readonly tracks = new Map<string, Track>();
  private readonly clock: Clock;
  private timer: ClockTimer | null = null;
  private running = false;
  /** Periodic reads skipped because the source's previous read had not finished. */
  skippedReads = 0;
  /** Timer wake-ups taken. */
  ticks = 0;

  constructor(sources: Source[], options: SamplerOptions = {}) {
    this.intervalMs = options.intervalMs ?? 100;
    this.bracketTimeoutMs = options.bracketTimeoutMs ?? 2000;
    this.periodOf = options.periodOf ?? defaultPeriod;
    this.clock = options.clock ?? systemClock;
    if (!(this.intervalMs > 0)) throw new RangeError(`interval must be positive, got ${this.intervalMs}`);
    for (const s of sources) this.add(s);
  }

  /** Adds a source to the reads. */
  add(source: Source): void {
    const periodS = this.periodOf(source.info, this.intervalMs / 1000);
    this.tracks.set(source.info.id, { source, records: [], pending: null, offset: 0, periodS, dueS: this.clock.nowS() + periodS });
    if (this.running) this.schedule();
  }

  /** Seconds between periodic reads of a source (Infinity when it is read only at window edges). */
  periodS(id: string): number | undefined {
    return this.tracks.get(id)?.periodS;
  }

  /** Starts periodic reads. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const now = this.clock.nowS();
    for (const t of this.tracks.values()) t.dueS = now + t.periodS;
    this.schedule();
  }

  /** Stops periodic reads and waits for reads in flight. */
  async stop(): Promise<void> {
    this.running = false;
    this.timer?.cancel();
    this.timer = null;
    await Promise.all([...this.tracks.values()].map((t) => t.pending));
  }

  /** Takes a bracketing read of every source now and returns its position in every series. */
  async mark(): Promise<Mark> {
    const entries = await Promise.all(
      [...this.tracks.entries()].map(async ([id, track]) => {
        if (track.pending) await withTimeout(track.pending.then(() => ({ ok: true, value: 0 })), this.bracketTimeoutMs, this.clock);
        await this.readInto(track, true);
        return [id, track.offset + track.records.length - 1] as const;
      }),
    );
    return { tS: this.clock.nowS(), index: new Map(entries) };
  }

  /** Returns the records of one source from mark `from` to mark `to`, both bracketing reads included. */
  between(id: string, from: Mark, to: Mark): SampleRecord[] {
    const track = this.tracks.get(id);
    const start = from.index.get(id);
    const end = to.index.get(id);
    if (!track || start === undefined || end === undefined) return [];
    return track.records.slice(Math.max(0, start - track.offset), end - track.offset + 1);
  }

  /** Drops records older than a mark, so hour-long runs keep bounded memory. */
  trimBefore(mark: Mark): void {
    for (const [id, track] of this.tracks) {
      const start = mark.index.get(id);
      if (start === undefined) continue;
      const drop = start - track.offset;
      if (drop > 0) {
        track.records.splice(0, drop);
        track.offset += drop;
      }
    }
  }

  /** The sources being read. */
  sources(): Source[] {
    return [...this.tracks.values()].map((t) => t.source);
  }

  private schedule(): void {
    this.timer?.cancel();
    this.timer = null;
    let next = Infinity;
    for (const t of this.tracks.values()) next = Math.min(next, t.dueS);
    if (!this.running || next === Infinity) return;
    this.timer = this.clock.setTimer(() => this.tick(), Math.max(0, (next - this.clock.nowS()) * 1000));
  }

  private tick(): void {
    this.ticks += 1;
    // Reads that fall due within a millisecond share this wake-up.
    const now = this.clock.nowS() + 0.001;
    for (const track of this.tracks.values()) {
      if (track.dueS > now) continue;
      // Keep each source on its own fixed grid so delays do not accumulate into drift.
      track.dueS += track.periodS;
      if (track.dueS <= now) track.dueS = now + track.periodS;
      if (track.pending) {
        this.skippedReads += 1;
        continue;
      }
      void this.readInto(track, false);
    }
    this.schedule();
  }

  private readInto(track: Track, bracket: boolean): Promise<void> {
    const startS = this.clock.nowS();
    // Periodic reads need no timer: a read still pending just makes later ticks skip the source.
    const raw = safeRead(track.source);
    const read = (bracket ? withTimeout(raw, this.bracketTimeoutMs, this.clock) : raw).then((r) => {
      const tS = r.ok && r.atS !== undefined ? r.atS : (startS + this.clock.nowS()) / 2;
      const record: SampleRecord = r.ok ? { tS, value: r.value } : { tS, value: null, reason: r.reason };
      if (bracket) record.bracket = true;
      track.records.push(record);
    });
    const pending = read.finally(() => {
      if (track.pending === pending) track.pending = null;
    });
    track.pending = pending;
    return pending;
  }
}

async function safeRead(source: Source): Promise<ReadResult<number | CpuTimes>> {
  try {
    return await source.read();
  } catch (err) {
    // A source must not throw; if one does, the sampler records why and goes on.
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}
