import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { VERSION } from '../../../src/version.js';

const DIR = new URL('../../../src/cli/commands/', import.meta.url);
// What a command declaration may load at start-up: commander and the option declarations, nothing that measures,
// reads results or draws (those come with the action module, imported when the command runs).
const ALLOWED = new Set(['commander', '../options.js', '../repetitions.js', '../../stats/verdict-defaults.js']);

describe('command declarations', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));

  it('import only commander and option declarations at start-up; actions come by import()', () => {
    expect(files.length).toBeGreaterThanOrEqual(9);
    for (const file of files) {
      const text = readFileSync(new URL(file, DIR), 'utf8');
      const eager = [...text.matchAll(/^import\s+(?!type\s)[^;]*?from\s+'([^']+)';/gms)].map((m) => m[1] as string);
      for (const spec of eager) expect(ALLOWED.has(spec) || spec.startsWith('./'), `${file} imports ${spec} at start-up`).toBe(true);
    }
    const withActions = files.filter((f) => /import\('\.\.\/[a-z-]+\.js'\)/.test(readFileSync(new URL(f, DIR), 'utf8')));
    expect(withActions.sort()).toEqual(['ab.ts', 'check.ts', 'compare.ts', 'list.ts', 'measure.ts', 'report.ts', 'run.ts', 'sources.ts']);
  });

  it('registers every command, and --version prints the version of package.json', async () => {
    let out = '';
    expect(await main(['--version'], { out: (t) => void (out += t), err: () => undefined })).toBe(0);
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
    expect(out).toBe(`${pkg.version}\n`);
    let help = '';
    await main(['--help'], { out: (t) => void (help += t), err: () => undefined });
    for (const name of ['sources', 'measure', 'list', 'run', 'compare', 'check', 'ab', 'report']) expect(help).toMatch(new RegExp(`^  ${name} `, 'm'));
  });
});
