#!/usr/bin/env -S node --no-memory-reducer
// --no-memory-reducer: V8 otherwise spends ~40 ms of CPU shrinking the heap about 8 s after start-up, inside the
// first window of every run; a short-lived CLI gains nothing from that shrink.
// Thin launcher: the CLI lives in the compiled library (npm ci runs `prepare`, which builds it).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const entry = join(root, 'dist', 'src', 'cli', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write('wattbench: not built yet; run `npm ci` (or `npm run build`) in ' + root + '\n');
  process.exit(2);
}
const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(process.argv.slice(2));
