import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Sampler } from '../sampler/sampler.js';
import { readingPolicy } from '../sampler/policy.js';
import { totalRule } from '../sampler/total.js';
import { WindowMeter, type Measurement } from '../sampler/window.js';
import { discoverSources, isMeasuredEnergy, sourceContext, type DiscoverOptions } from '../sources/discover.js';
import type { Probe, Source, SourceContext } from '../sources/types.js';
import { monotonicS } from '../units.js';

/** A measuring session: sources probed once, one sampler running, windows opened and closed around work. */

/** Options for a session. */
export interface SessionOptions extends DiscoverOptions {
  /** Milliseconds between periodic samples (default 100). */
  intervalMs?: number;
  /** Probes found earlier (skips discovery). */
  probes?: Probe[];
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

/** Chooses the sources to sample: every usable one, except the estimate when something is measured. */
export function selectSources(probes: Probe[]): Source[] {
  const measured = probes.some(isMeasuredEnergy);
  return probes
    .filter((p) => p.state === 'ok' && p.source)
    .filter((p) => !(measured && p.info.quality === 'estimated'))
    .map((p) => p.source as Source);
}

/** An open session; close it when done. */
export class Session {
  readonly sampler: Sampler;
  readonly meter: WindowMeter;

  private constructor(
    readonly probes: Probe[],
    readonly context: SourceContext,
    intervalMs: number,
  ) {
    const sources = selectSources(probes);
    const rule = totalRule(sources.map((s) => s.info));
    this.sampler = new Sampler(sources, { intervalMs, periodOf: readingPolicy(rule) });
    this.meter = new WindowMeter(this.sampler, rule);
    this.sampler.start();
  }

  /** Probes the sources (unless given) and starts sampling. */
  static async open(options: SessionOptions = {}): Promise<Session> {
    const context = sourceContext(options);
    const probes = options.probes ?? (await discoverSources({ ...options, files: context.files }));
    return new Session(probes, context, options.intervalMs ?? 100);
  }

  /** Measures one window around `work`; the window ends when `work` settles. */
  async measure<T>(work: () => Promise<T>): Promise<{ measurement: Measurement; result: T }> {
    const open = await this.meter.open();
    let endS = 0;
    const result = await work().finally(() => {
      endS = monotonicS();
    });
    const measurement = await this.meter.close(open, endS);
    return { measurement, result };
  }

  /** Stops sampling and releases every source. */
  async close(): Promise<void> {
    await this.sampler.stop();
    await Promise.all(this.probes.map((p) => p.source?.close?.()));
    await this.context.files.close?.();
  }
}
