import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The house rules of DESIGN.md §1–§2, checked on the import graph of `src/` and `benchmarks/`: no import cycle, and the
 * pipeline runs one way. Every relative import counts, `import type` and `import()` included: a circle of types is
 * still a circle in the design.
 */

const ROOT = resolve(import.meta.dirname, '..');

/** Small modules every layer may import; they import only each other. */
const SHARED = ['units', 'errors', 'clock', 'version'] as const;

/** The pipeline of DESIGN.md §1, left to right: a stage may import the stages to its left (and the shared modules). */
const PIPELINE = ['sources', 'sampler', 'runner', 'results', 'compare', 'format', 'report', 'export'] as const;

/**
 * What a layer may import besides the stages to its left and the shared modules. `stats` is pure (no I/O), so the
 * stages that compute figures and the kernels (its seeded PRNG) may use it; the kernel suite is run by the runner.
 */
const ALSO: Record<string, readonly string[] | 'anything'> = {
  stats: [],
  benchmarks: ['stats'],
  runner: ['stats', 'benchmarks'],
  results: ['stats'],
  compare: ['stats'],
  report: ['stats'],
  /** `list` describes the kernels. */
  format: ['stats', 'benchmarks'],
  export: ['stats'],
  /** The command-line shell and the public API sit on top of everything. */
  cli: 'anything',
  index: 'anything',
};

/** The layer of a file: its folder under src/ (`sources`), a top-level module's name (`units`, `index`), or `benchmarks`. */
function layerOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] === 'benchmarks') return 'benchmarks';
  if (parts[0] !== 'src' || parts.length < 2) return `outside:${file}`;
  return parts.length === 2 ? (parts[1] as string).replace(/\.ts$/, '') : (parts[1] as string);
}

/** True when a file of layer `from` may import a file of layer `to`. */
function mayImport(from: string, to: string): boolean | 'unknown layer' {
  const isShared = (l: string): boolean => (SHARED as readonly string[]).includes(l);
  const stage = (l: string): number => (PIPELINE as readonly string[]).indexOf(l);
  const known = (l: string): boolean => isShared(l) || stage(l) !== -1 || l in ALSO;
  if (!known(from) || !known(to)) return 'unknown layer';
  if (from === to || isShared(to)) return true;
  if (isShared(from)) return false;
  const also = ALSO[from] ?? [];
  if (also === 'anything' || also.includes(to)) return true;
  return stage(from) !== -1 && stage(to) !== -1 && stage(to) < stage(from);
}

function tsFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) return tsFiles(path);
    return e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** A relative import: the importing file, the specifier as written, and the file it names (repo-relative). */
interface Edge {
  from: string;
  specifier: string;
  to: string;
}

/** Every relative import of every file, parsed by TypeScript's own pre-processor (comments and strings are not imports). */
function importEdges(files: string[]): Edge[] {
  return files.flatMap((from) => {
    const text = readFileSync(join(ROOT, from), 'utf8');
    return ts
      .preProcessFile(text, true, true)
      .importedFiles.map((f) => f.fileName)
      .filter((s) => s.startsWith('.'))
      .map((specifier) => {
        const target = relative(ROOT, resolve(ROOT, dirname(from), specifier)).split('\\').join('/');
        return { from, specifier, to: target.replace(/\.js$/, '.ts') };
      });
  });
}

/** Finds the import cycles of a graph (one per strongly connected component), each as the files around it, first file repeated last. */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  // Tarjan's algorithm, iterative so a deep chain of imports cannot overflow the stack.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let next = 0;
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: Array<{ node: string; i: number }> = [{ node: start, i: 0 }];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length) {
      const top = work[work.length - 1] as { node: string; i: number };
      const targets = graph.get(top.node) ?? [];
      if (top.i < targets.length) {
        const to = targets[top.i++] as string;
        if (!index.has(to)) {
          index.set(to, next);
          low.set(to, next++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, i: 0 });
        } else if (onStack.has(to)) low.set(top.node, Math.min(low.get(top.node) as number, index.get(to) as number));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node) as number, low.get(top.node) as number));
      if (low.get(top.node) === index.get(top.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop() as string;
          onStack.delete(member);
          component.push(member);
        } while (member !== top.node);
        const selfLoop = component.length === 1 && (graph.get(top.node) ?? []).includes(top.node);
        if (component.length > 1 || selfLoop) components.push(component);
      }
    }
  }
  return components.map((component) => cycleThrough(graph, new Set(component)));
}

/** One concrete cycle inside a strongly connected component: the shortest way from its first file back to itself. */
function cycleThrough(graph: ReadonlyMap<string, readonly string[]>, component: Set<string>): string[] {
  const first = [...component].sort()[0] as string;
  const cameFrom = new Map<string, string>();
  const queue = [first];
  while (queue.length) {
    const node = queue.shift() as string;
    for (const to of graph.get(node) ?? []) {
      if (!component.has(to)) continue;
      if (to === first) {
        const path: string[] = [];
        for (let at = node; at !== first; at = cameFrom.get(at) as string) path.unshift(at);
        return [first, ...path, first];
      }
      if (!cameFrom.has(to)) {
        cameFrom.set(to, node);
        queue.push(to);
      }
    }
  }
  return [first, first];
}

const FILES = [...tsFiles('src'), ...tsFiles('benchmarks')].sort();
const EDGES = importEdges(FILES);

describe('architecture: the import graph of src/ and benchmarks/', () => {
  it('sees the whole tree', () => {
    expect(FILES).toContain('src/cli/main.ts');
    expect(FILES).toContain('src/sources/discover.ts');
    expect(FILES).toContain('benchmarks/index.ts');
    expect(EDGES.length).toBeGreaterThan(FILES.length);
  });

  it('every relative import names a file of the tree', () => {
    const known = new Set(FILES);
    const broken = EDGES.filter((e) => e.specifier.endsWith('.js') && !known.has(e.to) && !existsSync(join(ROOT, e.to)));
    expect(broken.map((e) => `${e.from} imports ${e.specifier}`)).toEqual([]);
  });

  it('has no import cycle', () => {
    const graph = new Map<string, string[]>(FILES.map((f) => [f, []]));
    for (const e of EDGES) if (graph.has(e.to)) graph.get(e.from)?.push(e.to);
    expect(findCycles(graph).map((cycle) => cycle.join(' -> '))).toEqual([]);
  });

  it('runs the pipeline one way: each layer imports only what the rule table allows', () => {
    const wrong = EDGES.flatMap((e) => {
      const verdict = mayImport(layerOf(e.from), layerOf(e.to));
      if (verdict === true) return [];
      const why = verdict === 'unknown layer' ? 'a layer the rule table does not know: add it there' : `${layerOf(e.from)} may not import ${layerOf(e.to)}`;
      return [`${e.from} imports ${e.specifier} (${why})`];
    });
    expect(wrong).toEqual([]);
  });
});

describe('architecture: the checks themselves', () => {
  it('finds and spells out a cycle, and none in a tree', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c', 'd']],
      ['c', ['a']],
      ['d', []],
      ['e', ['e']],
    ]);
    expect(findCycles(graph)).toEqual(expect.arrayContaining([['a', 'b', 'c', 'a'], ['e', 'e']]));
    expect(findCycles(graph)).toHaveLength(2);
    expect(findCycles(new Map([['a', ['b', 'c']], ['b', ['c']], ['c', []]]))).toEqual([]);
  });

  it('lets a stage import leftwards and the shared modules, never rightwards', () => {
    expect(mayImport('sampler', 'sources')).toBe(true);
    expect(mayImport('sources', 'sampler')).toBe(false);
    expect(mayImport('results', 'runner')).toBe(true);
    expect(mayImport('runner', 'results')).toBe(false);
    expect(mayImport('sources', 'units')).toBe(true);
    expect(mayImport('units', 'sources')).toBe(false);
    expect(mayImport('stats', 'sources')).toBe(false);
    expect(mayImport('compare', 'stats')).toBe(true);
    expect(mayImport('sources', 'stats')).toBe(false);
    expect(mayImport('benchmarks', 'runner')).toBe(false);
    // The report is an output too: it escapes its Markdown with the formatters' one escaper.
    expect(mayImport('report', 'format')).toBe(true);
    expect(mayImport('format', 'report')).toBe(false);
    expect(mayImport('export', 'format')).toBe(true);
    expect(mayImport('cli', 'export')).toBe(true);
    expect(mayImport('sources', 'cli')).toBe(false);
    expect(mayImport('plugins', 'sources')).toBe('unknown layer');
  });

  it('names layers by folder', () => {
    expect(layerOf('src/sources/cpu/powercap.ts')).toBe('sources');
    expect(layerOf('src/units.ts')).toBe('units');
    expect(layerOf('src/index.ts')).toBe('index');
    expect(layerOf('benchmarks/nbody.ts')).toBe('benchmarks');
  });
});
