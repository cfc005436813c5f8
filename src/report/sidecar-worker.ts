/**
 * Worker thread of `load.ts`: parses and summarizes one large sidecar that cannot be read from its CSV rows (an
 * older layout) off the main thread, so that parsing it overlaps with drawing charts, and its memory is freed when
 * the worker ends.
 */
import { readFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { type SidecarResult, summarizeSidecarText } from './sidecar.js';

const { file } = workerData as { file: string };
let result: SidecarResult;
try {
  result = summarizeSidecarText(file, await readFile(file, 'utf8'));
} catch (err) {
  result = { sidecar: null, note: `${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})` };
}
parentPort?.postMessage(result);
