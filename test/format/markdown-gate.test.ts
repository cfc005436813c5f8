import { describe, expect, it } from 'vitest';
import { checkResults, CHECK_SERIES } from '../../src/compare/check.js';
import { COMPARE_SERIES, compareResults } from '../../src/compare/compare.js';
import { checkMarkdown, compareMarkdown, fmtPct, gateMarkdown, mdText } from '../../src/format/markdown.js';
import { readResults } from '../../src/results/read.js';
import { FIXTURES } from '../helpers/fake-files.js';
import { series, setOf } from '../compare/rows.js';

const results = (name: string): string => `${FIXTURES}results/${name}`;

/** Cells of a Markdown table row, split on pipes that are not escaped. */
function cells(line: string): string[] {
  return line
    .replace(/^\|\s?|\s?\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

describe('mdText', () => {
  it('escapes pipes, flattens newlines and control characters, and neutralises HTML, links and mentions', () => {
    expect(mdText('a|b')).toBe('a\\|b');
    expect(mdText('line1\nline2\r\nline3')).toBe('line1 line2 line3');
    expect(mdText('<img src=x onerror=alert(1)>')).toBe('&lt;img src=x onerror=alert\\(1\\)&gt;');
    expect(mdText('[x](http://evil.example)')).toBe('\\[x\\]\\(http:\\/\\/evil\\.example\\)');
    expect(mdText('![i](y)')).toBe('\\!\\[i\\]\\(y\\)');
    expect(mdText('see www.evil.example')).toBe('see www\\.evil\\.example');
    expect(mdText('@team `code` *b* _i_ ~s~ #1 &amp;')).toBe('&#64;team \\`code\\` \\*b\\* \\_i\\_ \\~s\\~ \\#1 &amp;amp;');
    expect(mdText('abc\u202edcba\u0007\u001b[31m')).toBe('abc\ufffddcba  \\[31m');
    expect(mdText('x'.repeat(300))).toHaveLength(201);
  });

  it('formats signed percentages', () => {
    expect(fmtPct(12.34)).toBe('+12.3%');
    expect(fmtPct(-5)).toBe('−5.0%');
    expect(fmtPct(null)).toBe('-');
  });
});

describe('Markdown reports', () => {
  it('keeps every table row intact whatever the names hold', async () => {
    const set = await readResults([results('hostile-names.csv')], { series: COMPARE_SERIES });
    const md = compareMarkdown(compareResults(set, { baseline: 'ok' }));
    const table = md.split('\n').filter((line) => line.startsWith('| '));
    const width = cells(table[0]!).length;
    expect(width).toBe(9);
    // Header, separator and one row per name: a pipe or newline in a name would change a row's cell count.
    expect(table.filter((line) => cells(line).length === width)).toHaveLength(2 + 6);
    expect(table.filter((line) => cells(line).length !== width && cells(line).length !== 5)).toEqual([]);
    expect(md).not.toMatch(/<img|(?<!\\)\]\(http|\u202e/);
    expect(md).toContain('line1 line2');
    expect(md).toContain('evil\\|machine');
  });

  it('renders a compare of the fixture machines with ratios, scores and exclusions', async () => {
    const set = await readResults([results('m1.csv'), results('m2.csv'), results('m4-json-v2.csv')], { series: COMPARE_SERIES });
    const md = compareMarkdown(compareResults(set));
    expect(md).toMatch(/^### wattbench compare: 3 machines, baseline m1$/m);
    expect(md).toMatch(/\| sha256 x1 \| m2 \| 6 \| 2000 MB\/s \| 25\.04 \| 80\.04 \[78\.18, 81\.29\] \| measured \| 1\.600 \[1\.\d+, 1\.\d+\] \| 2\.000 \[/);
    expect(md).toMatch(/\| json x1 \| m1 \| 5 \| .* \| 2\.002 \[1\.996, 2\.008\]† \|/);
    expect(md).toContain('#### Score: geometric mean of ratios to m1');
    expect(md).toContain('- json x1 on m4 \\(6 rows from');
    expect(md).toContain('1 row excluded: invalid window \\(valid=false\\) \\(line 10\\)');
  });

  it('renders a check with its outcome, the reasons and what was not compared', () => {
    const pooled = { series: CHECK_SERIES, byMachine: false } as const;
    const base = setOf([...series({}, [100, 101, 99, 100, 102, 98]), ...series({ benchmark: 'gone' }, [1, 1, 1])], pooled, 'a.csv');
    const slower = setOf(series({}, [80, 81, 79, 80, 82, 78]), pooled, 'b|c.csv');
    const md = checkMarkdown(checkResults(base, slower));
    expect(md).toMatch(/^### wattbench check: ❌ regression$/m);
    expect(md).toContain('Current: b\\|c\\.csv \\(m1\\)');
    expect(md).toMatch(/\| sha256 x1 \| throughput \(MB\/s\) \| 100 \| 80 \| −20\.0% \| 0\.800 \[0\.\d+, 0\.\d+\] \| 0\.00\d+ \| 6 \/ 6 \| ❌ \*\*regressed\*\* \|/);
    expect(md).toContain('energy (J/MB)');
    expect(md).toContain('- not compared: gone x1: only in the baseline \\(not in the current results\\)');
    expect(md).toContain('Outcome: 2 regressed; exit code 1.');
  });

  it('says a strict gate failed, and shows an A/A calibration', () => {
    const md = gateMarkdown({
      title: 'wattbench ab',
      context: ['A (baseline): sleep 1'],
      entries: [],
      notCompared: [],
      notes: [],
      excludedRows: [],
      exitCode: 1,
      calibrations: [{ metric: 'time', n: 10, noiseCvPct: 1.234, observedChangePct: -0.5, ratioCi: [0.99, 1.01], minDetectableChangePct: 1.2, recommendedThresholdPct: 3 }],
    });
    expect(md).toMatch(/^### wattbench ab: ⚠️ failed \(strict\)$/m);
    expect(md).toContain('| time | 10 | 1.23% | −0.5% | 1.20% | 3% |');
  });
});
