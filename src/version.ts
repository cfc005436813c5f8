import { readFileSync } from 'node:fs';

/**
 * The package's name and version, read from `package.json` once: the compiled code (dist/src/) and the sources run by
 * the tests (src/) sit at different depths, so the file is looked for upwards from this module.
 */
function readPackage(): { name: string; version: string } {
  for (const up of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'wattbench' && typeof pkg.version === 'string') return { name: pkg.name, version: pkg.version };
    } catch {
      // Not at this depth: try the next.
    }
  }
  throw new Error('wattbench: package.json not found beside the code');
}

const pkg = readPackage();

/** The version of wattbench, as in package.json. */
export const VERSION: string = pkg.version;

/** Harness name and version recorded in every sidecar. */
export const HARNESS: { readonly name: string; readonly version: string } = Object.freeze({ name: pkg.name, version: pkg.version });
