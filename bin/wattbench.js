#!/usr/bin/env -S node --no-memory-reducer
// --no-memory-reducer: V8 otherwise spends ~40 ms of CPU shrinking the heap about 8 s after start-up, inside the
// first window of every run; a short-lived CLI gains nothing from that shrink.
// Thin launcher: the CLI lives in the compiled library (npm ci runs `prepare`, which builds it). It imports nothing
// else, and asks the file system nothing first: a missing build shows up as the import's own failure.
let cli;
try {
  cli = await import('../dist/src/cli/main.js');
} catch (err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes('dist/src/cli/main.js')) throw err;
  const root = new URL('..', import.meta.url).pathname;
  process.stderr.write('wattbench: not built yet; run `npm ci` (or `npm run build`) in ' + root + '\n');
  process.exit(2);
}
process.exitCode = await cli.main(process.argv.slice(2));
