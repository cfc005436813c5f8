import { spawn, type ChildProcess } from 'node:child_process';
import { systemClock, type Clock } from '../../clock.js';
import { Lease, type LeaseHolder } from './lease.js';
import { freshValue, type Stamped } from './latest.js';
import { spawnFailure } from './tool.js';
import type { ReadResult } from '../types.js';

/**
 * A long-running tool that prints samples as it measures (`nvidia-smi -lms`, `powermetrics`, `perf stat -I`):
 * one process for the whole run instead of one spawn per sample. Lines (or NUL-separated records) are handed to a
 * parser as they arrive, each with its monotonic arrival time; when the tool exits on its own, what it printed after
 * its last separator is handed over as a final record (not when wattbench stopped it: that record may be cut short).
 */

/** Options for a streaming tool. */
export interface StreamOptions {
  /** Called for each record with its arrival time. Must not throw; garbage is the parser's to ignore. */
  onRecord(record: string, atS: number): void;
  /** Record separator: newline (default) or NUL (powermetrics plists). */
  separator?: '\n' | '\0';
  /** How long `start()` waits for the first record. */
  firstRecordTimeoutMs: number;
  /** A record longer than this is dropped (a tool printing garbage without separators cannot exhaust memory). */
  maxRecordBytes?: number;
  env?: NodeJS.ProcessEnv;
  /** Arrival times and the first-record timeout (default the system clock). */
  clock?: Clock;
}

/** A streaming tool process. */
export class ToolStream {
  private child: ChildProcess | null = null;
  private buffer = '';
  private stderrTail = '';
  /** Set by `close()`: a record cut short by our own kill is not flushed as one. */
  private stopping = false;
  /** Monotonic time of the last record, or null before the first. */
  lastRecordAtS: number | null = null;
  /** Why the stream ended, once it has. */
  endReason: string | null = null;

  private readonly clock: Clock;

  constructor(
    readonly file: string,
    readonly args: string[],
    private readonly options: StreamOptions,
  ) {
    this.clock = options.clock ?? systemClock;
  }

  /** Starts the tool and waits for its first record; a failure is a reason, never an exception. */
  start(): Promise<{ ok: true } | { ok: false; reason: string; state: 'absent' | 'permission' | 'error' }> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = (r: { ok: true } | { ok: false; reason: string; state: 'absent' | 'permission' | 'error' }): void => {
        if (settled) return;
        settled = true;
        timer.cancel();
        resolve(r);
      };
      const child = spawn(this.file, this.args, { stdio: ['ignore', 'pipe', 'pipe'], shell: false, env: this.options.env ?? process.env });
      this.child = child;
      const timer = this.clock.setTimer(() => {
        const why = `${this.file} printed nothing within ${this.options.firstRecordTimeoutMs} ms${this.stderrTail ? `: ${this.stderrTail}` : ''}`;
        void this.close();
        settle({ ok: false, reason: why, state: 'error' });
      }, this.options.firstRecordTimeoutMs);
      child.stdout?.setEncoding('utf8');
      child.stdout?.on('data', (chunk: string) => {
        this.take(chunk);
        if (this.lastRecordAtS !== null) settle({ ok: true });
      });
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (chunk: string) => {
        this.stderrTail = (this.stderrTail + chunk).slice(-300).trim();
      });
      child.once('error', (e: NodeJS.ErrnoException) => {
        const f = spawnFailure(this.file, e);
        this.endReason = f.reason;
        settle({ ok: false, ...f });
      });
      child.once('close', (code, signal) => {
        // A tool that exits after a last record without a separator still printed that record.
        const flushed = !this.stopping && this.flush();
        this.endReason ??= `${this.file} exited (${signal ?? `code ${code}`})${this.stderrTail ? `: ${this.stderrTail.split('\n')[0]}` : ''}`;
        this.child = null;
        settle(flushed ? { ok: true } : { ok: false, reason: this.endReason, state: 'error' });
      });
    });
  }

  /** True while the process runs. */
  get alive(): boolean {
    return this.child !== null;
  }

  /** Stops the tool: SIGTERM, then SIGKILL after a second. */
  async close(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.stopping = true;
    this.endReason ??= 'stopped by wattbench';
    await new Promise<void>((resolve) => {
      // Real time, not the injected clock: a process that ignores SIGTERM must die even under a test's manual clock.
      const kill = setTimeout(() => child.kill('SIGKILL'), 1000);
      child.once('close', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  private take(chunk: string): void {
    const sep = this.options.separator ?? '\n';
    const max = this.options.maxRecordBytes ?? 1 << 20;
    this.buffer += chunk;
    let at = this.buffer.indexOf(sep);
    while (at !== -1) {
      const record = this.buffer.slice(0, at);
      this.buffer = this.buffer.slice(at + 1);
      const atS = this.clock.nowS();
      this.lastRecordAtS = atS;
      if (record.trim() !== '') this.options.onRecord(record, atS);
      at = this.buffer.indexOf(sep);
    }
    if (this.buffer.length > max) this.buffer = '';
  }

  /** Hands what is left after the last separator to the parser as a final record; returns whether there was one. */
  private flush(): boolean {
    const record = this.buffer;
    this.buffer = '';
    if (record.trim() === '') return false;
    const atS = this.clock.nowS();
    this.lastRecordAtS = atS;
    this.options.onRecord(record, atS);
    return true;
  }
}

/** Settings of a shared stream. */
export interface SharedStreamOptions {
  /** Name of the tool in reasons (`perf`, `powermetrics`, `typeperf`). */
  label: string;
  /** What one record is called in reasons: `line` or `record`. */
  recordName: 'line' | 'record';
  env: NodeJS.ProcessEnv;
  separator?: '\n' | '\0';
  firstRecordTimeoutMs: number;
  /** A value older than this many seconds is refused: a tool that stalls keeps running but prints nothing. */
  staleAfterS: number;
  /** The reason read before the first start (default `<label> stream not started`). */
  notStarted?: string;
  /** Arrival times, staleness and the first-record timeout (default the system clock). */
  clock?: Clock;
}

/**
 * The stream driver: one streaming tool shared by several sources (one process for all of them), started with the
 * first source and stopped with the last (a {@link Lease}), its latest value per key refused once stale, after a
 * failed start, or after the tool died. Subclasses parse records into `latest` and may mark a key unusable.
 */
export abstract class SharedToolStream<K, V = number> {
  protected stream: ToolStream | null = null;
  /** The last record that could not be read, quoted, or null after a good one. */
  protected garbage: string | null = null;
  protected readonly latest = new Map<K, Stamped<V>>();
  protected readonly clock: Clock;
  private startFailure: string | null = null;
  private readonly lease = new Lease(
    () => this.launch(),
    () => this.stream?.close(),
  );

  constructor(
    private readonly file: string,
    private readonly args: string[],
    private readonly options: SharedStreamOptions,
  ) {
    this.clock = options.clock ?? systemClock;
  }

  /** Start and close for one source: the stream runs while any source holds it. */
  holder(): LeaseHolder {
    return this.lease.holder();
  }

  /** The latest value for `key`, or why there is none; `missing` and `stale` word the reasons for this tool. */
  protected readLatest(key: K, missing: string, stale: (age: string) => string): ReadResult<V> {
    const { label } = this.options;
    if (!this.stream) return { ok: false, reason: this.options.notStarted ?? `${label} stream not started` };
    if (this.startFailure) return { ok: false, reason: this.startFailure };
    if (!this.stream.alive) return { ok: false, reason: this.stream.endReason ?? `${label} stopped` };
    const unusable = this.unusable(key);
    if (unusable) return { ok: false, reason: unusable };
    const note = this.garbageNote();
    return freshValue(this.latest.get(key), this.clock.nowS(), this.options.staleAfterS, {
      missing: `${missing}${note}`,
      stale: (age) => `${stale(age)}${note}`,
    });
  }

  /** What reasons add about the last unreadable record: empty when there is none. */
  protected garbageNote(): string {
    return this.garbage ? `; last ${this.options.recordName} unreadable: ${this.garbage}` : '';
  }

  /** Why `key` can no longer give a value (a counter perf stopped counting), or null. */
  protected unusable(_key: K): string | null {
    return null;
  }

  /** Clears a subclass's own parsing state before a (re)start. */
  protected abstract reset(): void;

  /** Parses one record; must not throw. */
  protected abstract take(record: string, atS: number): void;

  private async launch(): Promise<void> {
    this.latest.clear();
    this.startFailure = null;
    this.garbage = null;
    this.reset();
    this.stream = new ToolStream(this.file, this.args, {
      env: this.options.env,
      ...(this.options.separator ? { separator: this.options.separator } : {}),
      firstRecordTimeoutMs: this.options.firstRecordTimeoutMs,
      clock: this.clock,
      onRecord: (record, atS) => this.take(record, atS),
    });
    const started = await this.stream.start();
    if (!started.ok) this.startFailure = started.reason;
  }
}
