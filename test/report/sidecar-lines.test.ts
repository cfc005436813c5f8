import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { NotInLayout, SERIES_LEFT_OUT, sidecarLines } from '../../src/report/sidecar-lines.js';
import { summarizeSidecarText } from '../../src/report/sidecar.js';
import { sidecarText } from '../../src/results/sidecar-text.js';
import { FIXTURES } from '../helpers/fake-files.js';

const FIX = `${FIXTURES}report/`;

const window = (repetition: number, energyJ: number, series: unknown) => ({
  benchmark: 'k',
  kind: 'kernel',
  threads: 1,
  valid: true,
  repetition,
  energyJ,
  sources: [{ id: 'rapl:package-0', kind: 'counter', scope: 'cpu-package', quality: 'measured', energyJ, inTotal: true, series }],
});

describe('sidecarLines', () => {
  it('parses each window without its numeric series, and the whole window when asked', () => {
    const doc = { machine: 'm', windows: [window(1, 10, [[0.05, 100], [0.15, 1.5e-3]]), window(2, 12, [])] };
    const lines = sidecarLines(sidecarText(doc));
    expect(lines).not.toBeNull();
    expect(lines?.head).toEqual({ machine: 'm', windows: [] });
    const [first, second] = [...(lines?.windows ?? [])];
    expect((first?.value as typeof doc.windows[0]).sources[0]?.series).toBe(SERIES_LEFT_OUT);
    expect(first?.whole()).toEqual(doc.windows[0]);
    // An empty series is parsed as it is: there is nothing to leave out.
    expect(second?.value).toEqual(doc.windows[1]);
  });

  it('leaves in place what is not plainly a numeric series, or is not a key', () => {
    const odd = [
      window(1, 1, [['0.1', 2]]),
      window(2, 2, [[[1, 2]], [3, 4]]),
      window(3, 3, [[1, null]]),
      { ...window(4, 4, [[1, 2]]), 'x"series': [[1, 2]], note: '"series":[[1,2]]' },
    ];
    const lines = sidecarLines(sidecarText({ machine: 'm', windows: odd }));
    expect([...(lines?.windows ?? [])].map((w) => w.value)).toEqual([
      odd[0],
      odd[1],
      odd[2],
      { ...odd[3], sources: [{ ...(odd[3] as ReturnType<typeof window>).sources[0], series: SERIES_LEFT_OUT }] },
    ]);
  });

  it('gives up on anything not in the sidecar layout (null, or NotInLayout at the first bad line), so that the text is parsed whole', async () => {
    /** Whether the whole text is read line by line. */
    const readsLines = (text: string): boolean => {
      const lines = sidecarLines(text);
      if (lines === null) return false;
      try {
        for (const _ of lines.windows);
        return true;
      } catch (err) {
        expect(err).toBeInstanceOf(NotInLayout);
        return false;
      }
    };
    const good = sidecarText({ machine: 'm', windows: [window(1, 1, [[0, 1]]), window(2, 2, [[0, 2]])] });
    expect(readsLines(good)).toBe(true);
    expect(readsLines(JSON.stringify(JSON.parse(good), null, 2))).toBe(false);
    expect(readsLines(await readFile(`${FIX}gpu-box.json`, 'utf8'))).toBe(false);
    expect(readsLines(good.replace('},\n{', '}\n{'))).toBe(false);
    expect(readsLines(good.replace('"repetition":2', '"repetition":2,'))).toBe(false);
    expect(summarizeSidecarText('x.json', good.replace('"repetition":2', '"repetition":2,')).note).toMatch(/not readable JSON/);
    expect(sidecarLines(good.replace('\n  ]\n}\n', '\n  ]\n}\nx'))).toBeNull();
    expect(sidecarLines(good.replace('"machine": "m"', '"machine": "\\u0000wb-series-left-out"'))).toBeNull();
    expect(sidecarLines(good.slice(0, -20))).toBeNull();
    // A "windows" key of a nested object is not the top-level one.
    expect(sidecarLines(`{\n  "a": {${good.slice(1)}`)).toBeNull();
  });
});

describe('summarizeSidecarText: the same summary from either layout', () => {
  it('for the fixture sidecars, written indented and in the sidecar layout', async () => {
    for (const name of ['gpu-box', 'vm-a', 'vm-b', 'vm-a-cmd']) {
      const indented = await readFile(`${FIX}${name}.json`, 'utf8');
      const doc = JSON.parse(indented) as Record<string, unknown>;
      const laidOut = sidecarText(doc);
      if ((doc.windows as unknown[]).length > 0) expect([...(sidecarLines(laidOut)?.windows ?? [])], name).toHaveLength((doc.windows as unknown[]).length);
      expect(summarizeSidecarText('x.json', laidOut), name).toEqual(summarizeSidecarText('x.json', indented));
    }
  });
});
