import { nodeFileReader } from '../../src/sources/io/files.js';
import type { FileReader } from '../../src/sources/types.js';

/** Fixture roots shipped with the tests. */
export const FIXTURES = new URL('../fixtures/', import.meta.url).pathname;
export const sysfs = (name: string): string => `${FIXTURES}sysfs/${name}`;
export const procfs = (name: string): string => `${FIXTURES}procfs/${name}`;

/** Returns an errno-style error, as fs would throw it. */
export function errno(code: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${path}`), { code });
}

/** A file reader over the real filesystem where some paths fail or are computed by the test. */
export function seamReader(overrides: {
  fail?: (path: string) => string | null;
  text?: (path: string) => string | null;
}): FileReader {
  return {
    async readText(path) {
      const code = overrides.fail?.(path);
      if (code) throw errno(code, path);
      const text = overrides.text?.(path);
      return text ?? nodeFileReader.readText(path);
    },
    list: (path) => nodeFileReader.list(path),
  };
}
