/**
 * Worker thread of `render-pool.ts`: renders Vega-Lite specs to SVG off the main thread, one message per chart, so
 * that charts are drawn on several cores and while sidecars are still being read.
 */
import { parentPort } from 'node:worker_threads';
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg } from './render-svg.js';

parentPort?.on('message', (job: { id: number; spec: TopLevelSpec }) => {
  renderSvg(job.spec).then(
    (rendered) => parentPort?.postMessage({ id: job.id, ...rendered }),
    (err: unknown) => parentPort?.postMessage({ id: job.id, error: err instanceof Error ? err.message : String(err) }),
  );
});
