/**
 * Draws charts on worker threads (`render-worker.ts`), each with Vega loaded once, so that a report's charts are
 * drawn in parallel and can start while the sidecars are still being read: drawing is most of a report's fixed
 * cost (about 2 s for five charts on a slow core). Without the compiled worker (tests running the TypeScript
 * sources) or with no workers asked for, charts are drawn in this thread.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { TopLevelSpec } from 'vega-lite';
import { type RenderedSvg, renderSvg } from './render-svg.js';

const WORKER = new URL('./render-worker.js', import.meta.url);

type Reply = { id: number; error: string } | ({ id: number } & RenderedSvg);

interface Slot {
  worker: Worker;
  busy: number;
}

/** A set of chart-drawing threads; `close` ends them (they would keep the process alive). */
export class RenderPool {
  private readonly slots: Slot[] = [];
  private readonly waiting = new Map<number, { resolve: (r: RenderedSvg) => void; reject: (e: Error) => void; slot: Slot }>();
  private nextId = 0;

  /** Starts `workers` threads (none when the compiled worker is not there: charts are then drawn in this thread). */
  constructor(workers: number) {
    if (workers <= 0 || !existsSync(fileURLToPath(WORKER))) return;
    for (let i = 0; i < workers; i++) {
      const slot: Slot = { worker: new Worker(WORKER), busy: 0 };
      slot.worker.on('message', (reply: Reply) => this.settle(reply));
      slot.worker.on('error', (err) => this.fail(slot, err));
      slot.worker.on('exit', (code) => this.fail(slot, new Error(`chart worker exited with code ${code}`)));
      this.slots.push(slot);
    }
  }

  /** Worker threads drawing charts (0: charts are drawn in this thread). */
  get threads(): number {
    return this.slots.length;
  }

  /** Draws one chart on the least busy thread (or here); rejects when it cannot be drawn. */
  render(spec: TopLevelSpec): Promise<RenderedSvg> {
    const slot = this.slots.reduce<Slot | null>((best, s) => (best === null || s.busy < best.busy ? s : best), null);
    if (slot === null) return renderSvg(spec);
    const id = this.nextId++;
    slot.busy++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, slot });
      slot.worker.postMessage({ id, spec });
    });
  }

  /** Ends the threads; charts still being drawn are rejected. */
  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
    for (const [id, job] of this.waiting) {
      this.waiting.delete(id);
      job.reject(new Error('the report was closed before the chart was drawn'));
    }
  }

  private settle(reply: Reply): void {
    const job = this.waiting.get(reply.id);
    if (!job) return;
    this.waiting.delete(reply.id);
    job.slot.busy--;
    if ('error' in reply) job.reject(new Error(reply.error));
    else job.resolve({ svg: reply.svg, warnings: reply.warnings });
  }

  /** A thread that failed takes its charts with it; the rest are drawn by the others (or here). */
  private fail(slot: Slot, err: Error): void {
    const at = this.slots.indexOf(slot);
    if (at !== -1) this.slots.splice(at, 1);
    for (const [id, job] of this.waiting) {
      if (job.slot !== slot) continue;
      this.waiting.delete(id);
      job.reject(err);
    }
  }
}
