import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { sidecarLines } from '../../src/report/sidecar-lines.js';
import { type RowWindow, summarizeSidecarDocument, summarizeSidecarLines, summarizeSidecarText } from '../../src/report/sidecar.js';
import { sidecarText } from '../../src/results/sidecar-text.js';
import { FIXTURES } from '../helpers/fake-files.js';

const FIX = `${FIXTURES}report/`;

const window = (repetition: number, energyJ: number, series: unknown, benchmark = 'k') => ({
  benchmark,
  kind: 'kernel',
  threads: 1,
  version: '1',
  workUnit: 'MB',
  valid: true,
  repetition,
  energyJ,
  sources: [{ id: 'rapl:package-0', kind: 'counter', scope: 'cpu-package', quality: 'measured', energyJ, inTotal: true, series }],
});

/** The rows a CSV written with the sidecar holds for its windows, by run id (what `loadResults` passes). */
function rowsOf(doc: { runId?: unknown; windows: unknown[] }): Map<string, RowWindow[]> {
  const rows = doc.windows.map((w): RowWindow => {
    const x = w as Record<string, unknown>;
    return {
      benchmark: String(x.benchmark),
      kind: String(x.kind ?? 'kernel'),
      threads: typeof x.threads === 'number' ? x.threads : null,
      version: typeof x.version === 'string' ? x.version : null,
      workUnit: String(x.workUnit ?? ''),
      repetition: Number(x.repetition),
      valid: x.valid === true,
      rank: typeof x.energyJ === 'number' ? x.energyJ : Number(x.durationS ?? 0),
    };
  });
  return new Map([[String(doc.runId ?? ''), rows]]);
}

describe('sidecarLines', () => {
  it('finds the head and each window line without parsing the windows, from text or bytes', () => {
    const doc = { machine: 'm', runId: 'r1', windows: [window(1, 10, [[0.05, 100]], 'naïve "k"'), window(2, 12, [])] };
    const text = sidecarText(doc);
    for (const content of [text, Buffer.from(text, 'utf8')]) {
      const lines = sidecarLines(content);
      expect(lines?.head).toEqual({ machine: 'm', runId: 'r1', windows: [] });
      expect(lines?.count).toBe(2);
      expect(JSON.parse(lines?.line(0) ?? '')).toEqual(doc.windows[0]);
      expect(JSON.parse(lines?.line(1) ?? '')).toEqual(doc.windows[1]);
    }
  });

  it('is null for anything not in the sidecar layout, so that the text is parsed whole', async () => {
    const good = sidecarText({ machine: 'm', windows: [window(1, 1, [[0, 1]]), window(2, 2, [[0, 2]])] });
    expect(sidecarLines(good)).not.toBeNull();
    expect(sidecarLines(JSON.stringify(JSON.parse(good), null, 2))).toBeNull();
    expect(sidecarLines(await readFile(`${FIX}gpu-box.json`, 'utf8'))).toBeNull();
    expect(sidecarLines(good.replace('},\n{', '}\n{'))).toBeNull();
    expect(sidecarLines(good.replace('\n  ]\n}\n', '\n  ]\n}\nx'))).toBeNull();
    expect(sidecarLines(good.slice(0, -20))).toBeNull();
    // A "windows" key of a nested object is not the top-level one.
    expect(sidecarLines(`{\n  "a": {${good.slice(1)}`)).toBeNull();
  });
});

describe('summarizeSidecarText from the CSV rows', () => {
  it('parses only the chosen windows, and gives the summary of the document parsed whole', () => {
    const doc = { machine: 'm', runId: 'r1', windows: [window(1, 30, [[0, 3]]), window(2, 10, [[0, 1]]), window(3, 20, [[0, 2]]), window(1, 5, [[0, 5]], 'other')] };
    const text = sidecarText(doc);
    const fast = summarizeSidecarLines('x.json', text, rowsOf(doc));
    expect(fast).not.toBeNull();
    expect(fast?.sidecar?.configs.map((c) => [c.benchmark, c.valid, c.typical?.repetition])).toEqual([
      ['k', 3, 3],
      ['other', 1, 1],
    ]);
    expect(fast).toEqual(summarizeSidecarDocument('x.json', doc));
    // A window line that does not parse is never chosen unchecked: were it chosen, the whole text would be parsed.
    const broken = text.replace('"repetition":3,', '"repetition":3,,');
    expect(summarizeSidecarLines('x.json', broken, rowsOf(doc))).toBeNull();
    expect(summarizeSidecarText('x.json', broken, rowsOf(doc)).note).toMatch(/not readable JSON/);
  });

  it('parses the sidecar whole when its rows do not match it: another run, another count, another window', () => {
    const doc = { machine: 'm', runId: 'r1', windows: [window(1, 30, [[0, 3]]), window(2, 10, [[0, 1]]), window(3, 20, [[0, 2]])] };
    const text = sidecarText(doc);
    const whole = summarizeSidecarDocument('x.json', doc);
    const otherRun = new Map([['r2', rowsOf(doc).get('r1') as RowWindow[]]]);
    const fewer = new Map([['r1', (rowsOf(doc).get('r1') as RowWindow[]).slice(1)]]);
    const renumbered = new Map([['r1', (rowsOf(doc).get('r1') as RowWindow[]).map((r) => ({ ...r, repetition: r.repetition + 1 }))]]);
    for (const runs of [otherRun, fewer, renumbered]) {
      expect(summarizeSidecarLines('x.json', text, runs)).toBeNull();
      expect(summarizeSidecarText('x.json', text, runs)).toEqual(whole);
    }
  });

  it('for the fixture sidecars, written in the sidecar layout, reads what the indented files give', async () => {
    for (const name of ['gpu-box', 'vm-a', 'vm-b', 'vm-a-cmd']) {
      const indented = await readFile(`${FIX}${name}.json`, 'utf8');
      const doc = JSON.parse(indented) as { runId: string; windows: unknown[] };
      const laidOut = sidecarText(doc as unknown as Record<string, unknown>);
      const fast = summarizeSidecarLines('x.json', laidOut, rowsOf(doc));
      if (doc.windows.length > 0) expect(fast, name).not.toBeNull();
      expect(summarizeSidecarText('x.json', laidOut, rowsOf(doc)), name).toEqual(summarizeSidecarText('x.json', indented));
    }
  });
});
