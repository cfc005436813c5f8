import { monotonicS } from '../units.js';
import type { CpuTimes, ReadResult, Source } from '../sources/types.js';

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
  /** Milliseconds between periodic reads (default 100). */
  intervalMs?: number;
  /** Longest a bracketing read may wait for a source before it is recorded as timed out (default 2000 ms). */
  bracketTimeoutMs?: number;
}

interface Track {
  source: Source;
  records: SampleRecord[];
  pending: Promise<void> | null;
  /** Index of records[0] in the full history, so marks stay valid after trimming. */
  offset: number;
}

const timeout = <T>(ms: number): Promise<ReadResult<T>> =>
  new Promise((resolve) => {
    const t = setTimeout(() => resolve({ ok: false, reason: `no answer within ${ms} ms` }), ms);
    t.unref();
  });

/** Reads sources periodically without ever blocking: a source whose last read is still pending is skipped, not waited for. */
export class Sampler {
  readonly intervalMs: number;
  private readonly bracketTimeoutMs: number;
  private readonly tracks = new Map<string, Track>();
  private timer: NodeJS.Timeout | null = null;
  private nextTickS = 0;
  /** Periodic reads skipped because the source's previous read had not finished. */
  skippedReads = 0;
  /** Periodic ticks taken. */
  ticks = 0;

  constructor(sources: Source[], options: SamplerOptions = {}) {
    this.intervalMs = options.intervalMs ?? 100;
    this.bracketTimeoutMs = options.bracketTimeoutMs ?? 2000;
    if (!(this.intervalMs > 0)) throw new RangeError(`interval must be positive, got ${this.intervalMs}`);
    for (const s of sources) this.add(s);
  }

  /** Adds a source (for example the measured process) to future reads. */
  add(source: Source): void {
    this.tracks.set(source.info.id, { source, records: [], pending: null, offset: 0 });
  }

  /** Stops reading a source and forgets its records (take its windows first). */
  remove(id: string): void {
    this.tracks.delete(id);
  }

  /** Starts periodic reads. */
  start(): void {
    if (this.timer) return;
    this.nextTickS = monotonicS() + this.intervalMs / 1000;
    this.schedule();
  }

  /** Stops periodic reads and waits for reads in flight. */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await Promise.all([...this.tracks.values()].map((t) => t.pending));
  }

  /** Takes a bracketing read of every source now and returns its position in every series. */
  async mark(): Promise<Mark> {
    const entries = await Promise.all(
      [...this.tracks.entries()].map(async ([id, track]) => {
        if (track.pending) await Promise.race([track.pending, timeout(this.bracketTimeoutMs)]);
        await this.readInto(track, true);
        return [id, track.offset + track.records.length - 1] as const;
      }),
    );
    return { tS: monotonicS(), index: new Map(entries) };
  }

  /** Returns the records of one source from mark `from` to mark `to`, both bracketing reads included. */
  between(id: string, from: Mark, to: Mark): SampleRecord[] {
    const track = this.tracks.get(id);
    // A source added after `from` (the measured process, which starts at zero CPU time) begins at its first record.
    const start = from.index.get(id) ?? track?.offset;
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

  /** The sources being read, by id. */
  sources(): Source[] {
    return [...this.tracks.values()].map((t) => t.source);
  }

  private schedule(): void {
    // Aim each tick at a fixed grid so delays do not accumulate into drift.
    const delayMs = Math.max(0, (this.nextTickS - monotonicS()) * 1000);
    this.timer = setTimeout(() => {
      this.ticks += 1;
      this.nextTickS += this.intervalMs / 1000;
      const now = monotonicS();
      if (this.nextTickS < now) this.nextTickS = now + this.intervalMs / 1000;
      for (const track of this.tracks.values()) {
        if (track.pending) {
          this.skippedReads += 1;
          continue;
        }
        void this.readInto(track, false);
      }
      if (this.timer) this.schedule();
    }, delayMs);
  }

  private readInto(track: Track, bracket: boolean): Promise<void> {
    const startS = monotonicS();
    const read = Promise.race([safeRead(track.source), timeout<number | CpuTimes>(this.bracketTimeoutMs)]).then((r) => {
      const tS = r.ok && r.atS !== undefined ? r.atS : (startS + monotonicS()) / 2;
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
