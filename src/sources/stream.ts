import { spawn, type ChildProcess } from 'node:child_process';
import { monotonicS } from '../units.js';
import { spawnFailure } from './tool.js';

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

  constructor(
    readonly file: string,
    readonly args: string[],
    private readonly options: StreamOptions,
  ) {}

  /** Starts the tool and waits for its first record; a failure is a reason, never an exception. */
  start(): Promise<{ ok: true } | { ok: false; reason: string; state: 'absent' | 'permission' | 'error' }> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = (r: { ok: true } | { ok: false; reason: string; state: 'absent' | 'permission' | 'error' }): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(r);
      };
      const child = spawn(this.file, this.args, { stdio: ['ignore', 'pipe', 'pipe'], shell: false, env: this.options.env ?? process.env });
      this.child = child;
      const timer = setTimeout(() => {
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
      const atS = monotonicS();
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
    const atS = monotonicS();
    this.lastRecordAtS = atS;
    this.options.onRecord(record, atS);
    return true;
  }
}
