import { Worker } from 'node:worker_threads';
import type { Kernel } from '../../benchmarks/kernel.js';
import { sumThreadCpu, type ThreadCpuSpan } from '../sources/cpu/thread-cpu.js';
import type { KernelWorkerData, KernelWorkerReply } from './kernel-worker.js';

/** N worker threads running the same kernel at once; the main thread only starts them and counts. */

/** What one team run returns: per worker, iterations done. */
export interface TeamRun {
  runs: number[];
  /** Mean latency of one iteration over all workers, ms. */
  latencyMeanMs: number | null;
  /** CPU seconds of the workers' threads during their runs, summed; or why there is no figure. */
  cpu: ThreadCpuSpan;
}

/** Where the compiled worker lives (next to this module in dist/). */
export const DEFAULT_WORKER_URL = new URL('./kernel-worker.js', import.meta.url);

/** A set of workers, each with the kernel's input prepared. */
export class KernelTeam {
  private stopped = false;

  private constructor(
    private readonly workers: Worker[],
    readonly workPerIteration: number,
    readonly setupS: number,
  ) {}

  /** Starts `threads` workers and waits until each has generated its input. */
  static async start(kernel: Kernel, threads: number, options: { seed: number; size: number; workerUrl?: URL; threadProcfs?: string }): Promise<KernelTeam> {
    const data: KernelWorkerData = { kernelId: kernel.id, seed: options.seed, size: options.size, ...(options.threadProcfs !== undefined ? { procfs: options.threadProcfs } : {}) };
    const workers = Array.from({ length: threads }, () => new Worker(options.workerUrl ?? DEFAULT_WORKER_URL, { workerData: data }));
    try {
      const ready = await Promise.all(workers.map((w) => nextReply(w)));
      for (const r of ready) if (r.type !== 'ready') throw new Error(r.type === 'error' ? r.message : 'worker answered out of turn');
      const first = ready[0];
      if (!first || first.type !== 'ready') throw new Error('no worker started');
      const setupS = Math.max(...ready.map((r) => (r.type === 'ready' ? r.setupS : 0)));
      return new KernelTeam(workers, first.workPerIteration, setupS);
    } catch (err) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw new Error(`kernel ${kernel.id} could not start: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Number of workers in the team. */
  get size(): number {
    return this.workers.length;
  }

  /** Runs the first `threads` workers (default: all) for `durationMs` at once and resolves when all are done. */
  async run(durationMs: number, threads = this.workers.length): Promise<TeamRun> {
    this.assertRunning();
    const replies = await Promise.all(
      this.workers.slice(0, threads).map((w) => {
        const reply = nextReply(w);
        w.postMessage({ type: 'run', durationMs });
        return reply;
      }),
    );
    const runs: number[] = [];
    const cpu: ThreadCpuSpan[] = [];
    let latencySum = 0;
    let latencyCount = 0;
    for (const r of replies) {
      if (r.type !== 'done') throw new Error(r.type === 'error' ? r.message : 'worker answered out of turn');
      runs.push(r.runs);
      cpu.push(r.cpu);
      if (r.latencyMeanMs !== null) {
        latencySum += r.latencyMeanMs;
        latencyCount += 1;
      }
    }
    return { runs, latencyMeanMs: latencyCount ? latencySum / latencyCount : null, cpu: sumThreadCpu(cpu) };
  }

  /** Asks the first `threads` workers for the checksum of their last output. */
  async checksums(threads = this.workers.length): Promise<string[]> {
    this.assertRunning();
    const replies = await Promise.all(
      this.workers.slice(0, threads).map((w) => {
        const reply = nextReply(w);
        w.postMessage({ type: 'checksum' });
        return reply;
      }),
    );
    return replies.map((r) => {
      if (r.type !== 'checksum') throw new Error(r.type === 'error' ? r.message : 'worker answered out of turn');
      return r.checksum;
    });
  }

  /** Stops every worker. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private assertRunning(): void {
    // A terminated worker never answers and never exits again: waiting for it would hang forever.
    if (this.stopped) throw new Error('the kernel team is stopped');
  }
}

function nextReply(worker: Worker): Promise<KernelWorkerReply> {
  return new Promise((resolve, reject) => {
    const onMessage = (msg: KernelWorkerReply): void => {
      cleanup();
      resolve(msg);
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const onExit = (code: number): void => {
      cleanup();
      reject(new Error(`worker exited with code ${code}`));
    };
    const cleanup = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.once('message', onMessage);
    worker.once('error', onError);
    worker.once('exit', onExit);
  });
}
