import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltReport, buildReport } from '../../src/report/index.js';
import { escapeHtml } from '../../src/report/html.js';

const FIX = new URL('../fixtures/report/', import.meta.url).pathname;
const ALL = ['vm-a.csv', 'vm-b.csv', 'gpu-box.csv', 'vm-a-cmd.csv'].map((f) => `${FIX}${f}`);
const HOSTILE = `<script>alert('x')</script> & "q"`;

let dir = '';
let report: BuiltReport;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wb-report-html-'));
  report = await buildReport(ALL, { title: 'Fixture <b>report</b>', now: new Date('2026-11-29T12:00:00Z') });
}, 30_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('escapeHtml', () => {
  it('escapes the five characters that matter in content and quoted attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
    expect(escapeHtml(42)).toBe('42');
  });
});

describe('the report page', () => {
  it('is one self-contained document: no script, no external resource, a CSP that forbids both', () => {
    const { html } = report;
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<(link|iframe|object|embed|img|foreignObject)\b/i);
    expect(html).not.toMatch(/\s(src|href|xlink:href)\s*=/i);
    expect(html).not.toMatch(/url\(|@import/i);
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
  });

  it('escapes every name taken from the data: the hostile command line and the title stay text', () => {
    const { html } = report;
    expect(html).not.toContain(HOSTILE);
    expect(html).toContain(escapeHtml(HOSTILE));
    expect(html).toContain('<title>Fixture &lt;b&gt;report&lt;/b&gt;</title>');
    expect(html).not.toContain('<b>report</b>');
  });

  it('shows the warnings first, before the machines and the charts', () => {
    const { html } = report;
    const warnings = html.indexOf('id="warnings"');
    expect(warnings).toBeGreaterThan(0);
    expect(warnings).toBeLessThan(html.indexOf('id="machines"'));
    expect(html.indexOf('id="machines"')).toBeLessThan(html.indexOf('id="charts"'));
    expect(html).toMatch(/class="notice danger" role="alert"><strong>ESTIMATED energy on vm-a, vm-b/);
    expect(html).toMatch(/2 invalid rows left out/);
    expect(html).toContain('2 serious warnings below');
  });

  it('names the machines with fingerprint, sources and quality', () => {
    const machines = report.html.slice(report.html.indexOf('id="machines"'), report.html.indexOf('id="charts"'));
    for (const m of ['vm-a', 'vm-b', 'gpu-box']) expect(machines).toContain(`>${m}</th>`);
    expect(machines).toContain('AMD EPYC');
    expect(machines).toContain('meter:fake-wattmeter · system-wall');
    expect(machines).toContain('estimate:cpu · cpu-package · ESTIMATED');
    expect(machines).toMatch(/badge q-estimated">ESTIMATED/);
  });

  it('shows each source fidelity where the sidecar records it, and nothing for an older sidecar', async () => {
    const { readFile, writeFile } = await import('node:fs/promises');
    await copyFile(`${FIX}gpu-box.csv`, join(dir, 'gpu-box.csv'));
    const doc = JSON.parse(await readFile(`${FIX}gpu-box.json`, 'utf8'));
    for (const s of doc.sources) if (s.id === 'nvidia:0') s.fidelity = 'averaged';
    await writeFile(join(dir, 'gpu-box.json'), JSON.stringify(doc));
    const built = await buildReport([join(dir, 'gpu-box.csv')], { now: new Date('2026-11-29T12:00:00Z') });
    const machines = built.html.slice(built.html.indexOf('id="machines"'), built.html.indexOf('id="charts"'));
    expect(machines).toContain('nvidia:0 · gpu · averaged</span>');
    expect(machines).toContain('nvidia:1 · gpu</span>');
  }, 30_000);

  it('has every chart as inline SVG', () => {
    for (const id of ['work-per-joule-measured', 'work-per-joule-estimated', 'scaling', 'power-timeline', 'energy-split']) {
      const start = report.html.indexOf(`<figure class="chart" id="chart-${id}"`);
      expect(start, id).toBeGreaterThan(0);
      const figure = report.html.slice(start, report.html.indexOf('</figure>', start));
      expect(figure, id).toMatch(/<svg[^>]*class="marks"/);
    }
    expect(report.chartWarnings).toEqual([]);
  });

  it('says why a chart is missing when its data is (a CSV without its sidecar)', async () => {
    const csv = join(dir, 'alone.csv');
    await copyFile(`${FIX}vm-a.csv`, csv);
    const { html } = await buildReport([csv]);
    for (const id of ['power-timeline', 'energy-split']) {
      const start = html.indexOf(`id="chart-${id}"`);
      const figure = html.slice(start, html.indexOf('</figure>', start));
      expect(figure, id).toContain('data-missing="true"');
      expect(figure, id).toMatch(/Not drawn: .*sidecar/);
      expect(figure, id).not.toContain('<svg');
    }
    expect(html).toMatch(/<figure class="chart" id="chart-work-per-joule-estimated"[^>]*>.*<svg/s);
  }, 30_000);
});
