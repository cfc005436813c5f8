import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { systemClock, type Clock } from '../clock.js';
import { Sampler } from '../sampler/sampler.js';
import { readingPolicy } from '../sampler/policy.js';
import { totalRule } from '../sampler/total.js';
import { WindowMeter, type Measurement, type OpenWindow } from '../sampler/window.js';
import { discoverSources, sourceContext, type DiscoverOptions } from '../sources/discover.js';
import { selectSources, type SourceChoice } from '../sources/select.js';
import type { Probe, Source, SourceContext } from '../sources/types.js';
import type { RunResult } from './types.js';

/** A measuring session: sources probed once, one sampler running, windows opened and closed around work. */

/** Options for a session. */
export interface SessionOptions extends DiscoverOptions, SourceChoice {
  /** Milliseconds between periodic samples (default 100). */
  intervalMs?: number;
  /** Probes found earlier (skips discovery). */
  probes?: Probe[];
  /** Time of the sampler, the windows and the runner's waits (default the system clock; tests drive a manual one). */
  clock?: Clock;
}

/** Returns a fresh run id: UTC time plus random hex, so two runs never share a file name. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/** Returns the machine name used in results: the label, else the host name. */
export function machineName(label?: string): string {
  return label && label.trim() ? label.trim() : hostname();
}


/** An open session; close it when done. */
export class Session {
  readonly sampler: Sampler;
  readonly meter: WindowMeter;

  private constructor(
    readonly probes: Probe[],
    sources: Source[],
    readonly context: SourceContext,
    intervalMs: number,
    /** The session's time: its sampler and windows read it, and the runner waits on it. */
    readonly clock: Clock,
  ) {
    const rule = totalRule(sources.map((s) => s.info));
    this.sampler = new Sampler(sources, { intervalMs, periodOf: readingPolicy(rule), clock });
    this.meter = new WindowMeter(this.sampler, rule, clock);
    this.sampler.start();
  }

  /** Probes the sources (unless given), starts those that stream or poll, and starts sampling. */
  static async open(options: SessionOptions = {}): Promise<Session> {
    const context = sourceContext(options);
    const clock = options.clock ?? systemClock;
    // Sources that keep time of their own (the estimate, the debug source) read the session's clock.
    const probes = options.probes ?? (await discoverSources({ ...options, files: context.files, clock }));
    const sources = selectSources(probes, options);
    await Promise.all(sources.map((s) => s.start?.()));
    return new Session(probes, sources, context, options.intervalMs ?? 100, clock);
  }

  /**
   * Measures one window around `work`; the window ends when `work` settles. With `skipS`, the window opens `skipS`
   * seconds after `work` started (its first seconds are left out); `runS` is then how long `work` ran in all, and
   * `skipped` is false when it ended before `skipS` (the measurement then covers the whole of its short run).
   */
  async measure<T>(work: () => Promise<T>, options: { skipS?: number } = {}): Promise<{ measurement: Measurement; result: T; runS: number; skipped: boolean }> {
    const skipS = options.skipS ?? 0;
    const open = await this.meter.open();
    let endS = 0;
    let late: Promise<OpenWindow> | null = null;
    const timer = skipS > 0 ? this.clock.setTimer(() => void (late = this.meter.open()), skipS * 1000) : null;
    const result = await work().finally(() => {
      endS = this.clock.nowS();
      timer?.cancel();
    });
    const steady = late === null ? null : await (late as Promise<OpenWindow>);
    // A window that opened as the work ended (its bracketing read straddled the end) has nothing to measure either.
    const window = steady !== null && steady.startS < endS ? steady : open;
    const measurement = await this.meter.close(window, endS);
    return { measurement, result, runS: endS - open.startS, skipped: skipS > 0 && window !== open };
  }

  /** Starts the record of a run in this session: a fresh id, the machine name, its probes and total rule, no windows yet. */
  newRun(label: string | undefined, settings: Record<string, unknown>): RunResult {
    return {
      runId: newRunId(),
      machine: machineName(label),
      startedAt: new Date().toISOString(),
      windows: [],
      probes: this.probes,
      rule: this.meter.rule,
      settings,
    };
  }

  /** Stops sampling and releases every source. */
  async close(): Promise<void> {
    await this.sampler.stop();
    await Promise.all(this.probes.map((p) => p.source?.close?.()));
    await this.context.files.close?.();
  }
}
