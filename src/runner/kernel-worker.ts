import { parentPort, workerData } from 'node:worker_threads';
import { Bench } from 'tinybench';
import { findKernel } from '../../benchmarks/index.js';
import { readThreadCpu, type ThreadCpuSpan, threadCpuSpan, threadTask } from '../sources/cpu/thread-cpu.js';

/**
 * One worker thread running one kernel: the main thread stays free to sample while the kernel loads a core.
 * tinybench times the iterations inside each window; the main thread counts the window.
 */

/** Data a kernel worker starts with. */
export interface KernelWorkerData {
  kernelId: string;
  seed: number;
  size: number;
  /** /proc root the thread reads its own CPU time from (default /proc; tests point it elsewhere). */
  procfs?: string;
}

/** Messages a kernel worker answers with. */
export type KernelWorkerReply =
  | { type: 'ready'; workPerIteration: number; setupS: number }
  | { type: 'done'; runs: number; totalTimeMs: number; latencyMeanMs: number | null; cpu: ThreadCpuSpan }
  | { type: 'checksum'; checksum: string }
  | { type: 'error'; message: string };

const data = workerData as KernelWorkerData;
const port = parentPort;
if (!port) throw new Error('kernel-worker must run in a worker thread');

try {
  const kernel = findKernel(data.kernelId);
  if (!kernel) throw new Error(`unknown kernel ${data.kernelId}`);
  const t0 = performance.now();
  const instance = kernel.setup({ seed: data.seed, size: data.size });
  const thread = threadTask(data.procfs);
  port.postMessage({ type: 'ready', workPerIteration: instance.workPerIteration, setupS: (performance.now() - t0) / 1000 } satisfies KernelWorkerReply);
  let lastLatencyMs = 0;
  port.on('message', (msg: { type: 'run'; durationMs: number } | { type: 'checksum' }) => {
    if (msg.type === 'checksum') {
      // Asked for after the window closed, so hashing the output never counts as work.
      let checksum: string;
      try {
        checksum = instance.checksum();
      } catch (err) {
        // A kernel that cannot even checksum its output computed something wrong: that is a wrong answer, not a crash.
        checksum = `checksum-failed:${err instanceof Error ? err.message : String(err)}`;
      }
      port.postMessage({ type: 'checksum', checksum } satisfies KernelWorkerReply);
      return;
    }
    // tinybench stops at the first iteration that ends past its time budget, overshooting by half an iteration on
    // average; aiming half an iteration early makes windows last the requested time on average.
    const budgetMs = Math.max(msg.durationMs / 2, msg.durationMs - lastLatencyMs / 2);
    // iterations: 1 lets the time budget alone decide; one kernel iteration takes milliseconds.
    const bench = new Bench({ time: budgetMs, iterations: 1, warmup: false, throws: true });
    bench.add(kernel.id, () => instance.run());
    // This thread's own CPU time around its run: what the window's process_cpu_s sums over the team.
    readThreadCpu(thread)
      .then(async (cpuBefore) => {
        const [task] = await bench.run();
        const cpu = threadCpuSpan(cpuBefore, await readThreadCpu(thread));
        const result = task?.result;
        if (!task || !result || !('totalTime' in result)) throw new Error(`tinybench gave no result for ${kernel.id}`);
        lastLatencyMs = result.latency.mean ?? 0;
        const reply: KernelWorkerReply = { type: 'done', runs: task.runs, totalTimeMs: result.totalTime, latencyMeanMs: result.latency.mean ?? null, cpu };
        port.postMessage(reply);
      })
      .catch((err: unknown) => port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) } satisfies KernelWorkerReply));
  });
} catch (err) {
  port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) } satisfies KernelWorkerReply);
}
