import { beforeAll, describe, expect, it } from 'vitest';
import { aggregate, type ReportModel } from '../../src/report/aggregate.js';
import { loadResults } from '../../src/report/load.js';
import { escapeMarkdown, renderMarkdown } from '../../src/report/markdown.js';

const FIX = new URL('../fixtures/report/', import.meta.url).pathname;
const ALL = ['vm-a.csv', 'vm-b.csv', 'gpu-box.csv', 'vm-a-cmd.csv'].map((f) => `${FIX}${f}`);

let model: ReportModel;
let md = '';
beforeAll(async () => {
  model = aggregate(await loadResults(ALL), { title: 'PR #12 | perf' });
  md = renderMarkdown(model, { htmlName: 'report.html' });
});

/** Cells of a table line, split on pipes that are not escaped. */
const cells = (line: string): string[] => line.replace(/^\|\s?|\s?\|$/g, '').split(/(?<!\\)\|/);

describe('escapeMarkdown', () => {
  it('turns markup, links, table pipes, code, line breaks and mentions into text', () => {
    expect(escapeMarkdown(`<script>alert('x')</script>`)).toBe(`&lt;script&gt;alert\\(\\'x\\'\\)&lt;/script&gt;`);
    expect(escapeMarkdown('[click](https://evil.example) | `rm -rf` *b* _i_')).toBe('\\[click\\]\\(https:\\/\\/evil\\.example\\) \\| \\`rm \\-rf\\` \\*b\\* \\_i\\_');
    expect(escapeMarkdown('a\nb\r\nc')).toBe('a b c');
    expect(escapeMarkdown('ping @octocat & co')).toBe('ping &#64;octocat &amp; co');
  });
});

describe('renderMarkdown', () => {
  it('points to the HTML report and lists the warnings as alerts', () => {
    expect(md.split('\n')[0]).toBe('## PR \\#12 \\| perf');
    expect(md).toContain('**Charts and details:** `report.html`');
    expect(md).toMatch(/> \[!CAUTION\]\n> \*\*ESTIMATED energy on vm\\-a, vm\\-b/);
    expect(md).toMatch(/> \[!CAUTION\]\n> \*\*2 invalid rows left out/);
  });

  it('has one work-per-joule table per energy quality, never both in one', () => {
    const measured = md.slice(md.indexOf('### Work per joule — measured'), md.indexOf('### Work per joule — ⚠ ESTIMATED'));
    const estimated = md.slice(md.indexOf('### Work per joule — ⚠ ESTIMATED'), md.indexOf('### Throughput'));
    expect(measured).toContain('| benchmark | unit | gpu\\-box |');
    expect(measured).not.toContain('vm\\-a');
    expect(estimated).toContain('| benchmark | unit | vm\\-a | vm\\-b |');
    expect(estimated).not.toContain('gpu\\-box');
    expect(md).toMatch(/\| sha256 x1 \| MB\/J \| [\d.]+ \[[\d.]+–[\d.]+\]/);
  });

  it('keeps every table row as wide as its header, and the hostile command line inert', () => {
    const lines = md.split('\n');
    let width = 0;
    for (const line of lines) {
      if (!line.startsWith('|')) {
        width = 0;
        continue;
      }
      if (width === 0) width = cells(line).length;
      else expect(cells(line), line).toHaveLength(width);
    }
    expect(md).not.toContain('<script>');
    expect(md).toContain('&lt;script&gt;');
  });
});
