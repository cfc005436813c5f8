import { describe, expect, it } from 'vitest';
import { sidecarText, WINDOWS_START } from '../../src/results/sidecar-text.js';

const doc = {
  schemaVersion: 1,
  machine: 'm1',
  fingerprint: { cpu: { brand: 'EPYC', logicalCores: 2 } },
  windows: [
    { benchmark: 'a,"b"\nc', valid: true, sources: [{ id: 'rapl:package-0', series: [[0.05, 12.5], [0.15, 13]] }] },
    { benchmark: 'sha256', valid: false, sources: [] },
  ],
};

describe('sidecarText', () => {
  it('is JSON of the same document: metadata indented, one window per line, last', () => {
    const text = sidecarText(doc);
    expect(JSON.parse(text)).toEqual(doc);
    expect(text.endsWith('\n  ]\n}\n')).toBe(true);
    const [head, body] = text.split(WINDOWS_START) as [string, string];
    expect(head).toContain('\n  "fingerprint": {\n    "cpu": {\n');
    const lines = body.split('\n');
    expect(lines.slice(0, 2)).toEqual([`${JSON.stringify(doc.windows[0])},`, JSON.stringify(doc.windows[1])]);
  });

  it('writes a sidecar without windows indented throughout, and a document of windows alone', () => {
    expect(sidecarText({ machine: 'm', windows: [] })).toBe(`${JSON.stringify({ machine: 'm', windows: [] }, null, 2)}\n`);
    expect(JSON.parse(sidecarText({ windows: [{ a: 1 }] }))).toEqual({ windows: [{ a: 1 }] });
  });
});
