/**
 * The report page: one self-contained HTML file (inline CSS, charts as inline SVG, no script, no external URL),
 * with a Content-Security-Policy that forbids scripts and every network load, so it works offline and as a CI
 * artifact. Every string that comes from the inputs (benchmark names, command lines, machine labels, file names,
 * warnings) goes through `escapeHtml`: data is text, never markup.
 */
import type { Quality } from '../sources/types.js';
import { type Estimate, type Figure, type MachineInfo, NOISY_CV, type Notice, type ReportModel } from './aggregate.js';
import { type ChartSpec, fmt, PALETTE } from './charts.js';

/** A chart ready for the page: its SVG, or why it is missing. */
export interface RenderedChart {
  chart: ChartSpec;
  svg: string | null;
  /** Why there is no SVG (no data, or rendering failed). */
  missing: string | null;
}

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

const e = escapeHtml;

const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1d1d1f; background: #f6f7f9; }
main { max-width: 1180px; margin: 0 auto; padding: 20px 24px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 10px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 0 0 4px; }
.meta { color: #555; margin: 0 0 12px; }
.meta code, td code { font-size: 12px; background: #eef0f3; padding: 0 3px; border-radius: 3px; overflow-wrap: anywhere; }
.notices { margin: 16px 0; }
.notice { border-radius: 6px; padding: 10px 14px; margin: 8px 0; border: 2px solid; }
.notice strong { font-size: 15px; }
.notice ul { margin: 6px 0 0 18px; padding: 0; }
.notice li { word-break: break-word; }
.notice.danger { background: #fdecea; border-color: #d93025; color: #5f1410; }
.notice.danger::before { content: "⚠ "; font-weight: bold; }
.notice.warning { background: #fff6e0; border-color: #e8a100; color: #4d3600; }
.notice.warning::before { content: "⚠ "; font-weight: bold; }
.notice.info { background: #eef3fb; border-color: #8aa8d8; color: #1c355e; }
.notice.ok { background: #eaf6ec; border-color: #3b9a4f; color: #14401d; }
table { border-collapse: collapse; width: 100%; background: white; margin: 6px 0 14px; font-size: 13px; }
th, td { border: 1px solid #dde1e6; padding: 4px 7px; text-align: left; vertical-align: top; }
table.figures td:first-child { max-width: 340px; overflow-wrap: anywhere; }
table.machines td { min-width: 70px; }
th { background: #f0f2f5; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.estimated td { background: #fff8f0; }
.badge { display: inline-block; padding: 0 6px; border-radius: 9px; font-size: 11px; font-weight: 700; letter-spacing: .02em; white-space: nowrap; }
.q-measured { background: #dff3e4; color: #14532d; }
.q-estimated { background: #d93025; color: white; }
.q-none { background: #e3e5e8; color: #333; }
.chip { display: inline-block; margin: 1px 3px 1px 0; padding: 0 6px; border-radius: 4px; background: #eef0f3; font-size: 12px; white-space: nowrap; }
.chip.est { background: #fde2df; color: #7a1a12; font-weight: 600; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px; vertical-align: baseline; }
figure.chart { background: white; border: 1px solid #dde1e6; border-radius: 8px; margin: 16px 0; padding: 14px 16px; }
figure.chart p { margin: 2px 0 8px; color: #444; }
figure.chart .svg { overflow-x: auto; }
figure.chart svg { display: block; max-width: none; }
figure.chart svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
figure.missing { border: 2px dashed #e8a100; background: #fffaf0; }
p.why { font-weight: 600; color: #6b4a00 !important; }
p.note { font-size: 12px; color: #666 !important; }
details summary { cursor: pointer; color: #345; }
footer { margin-top: 32px; color: #777; font-size: 12px; }
`;

function badge(quality: Quality): string {
  const text = quality === 'measured' ? 'measured' : quality === 'estimated' ? 'ESTIMATED' : 'no energy';
  return `<span class="badge q-${quality}">${text}</span>`;
}

function noticeHtml(n: Notice): string {
  const items = n.items.length ? `<ul>${n.items.map((i) => `<li>${e(i)}</li>`).join('')}</ul>` : '';
  return `<div class="notice ${n.level}" role="${n.level === 'info' ? 'note' : 'alert'}"><strong>${e(n.title)}</strong>${items}</div>`;
}

const get = (o: unknown, ...path: string[]): unknown => {
  let v: unknown = o;
  for (const k of path) v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined;
  return v;
};
const text = (v: unknown): string => (typeof v === 'string' && v.trim() !== '' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : '');

function fingerprintCells(m: MachineInfo): string[] {
  const fp = m.fingerprint;
  if (!fp) return ['<td colspan="4"><em>no fingerprint (no sidecar)</em></td>'];
  const cpu = [text(get(fp, 'cpu', 'manufacturer')), text(get(fp, 'cpu', 'brand'))].filter(Boolean).join(' ');
  const logical = text(get(fp, 'cpu', 'logicalCores'));
  const physical = text(get(fp, 'cpu', 'physicalCores'));
  const ghz = text(get(fp, 'cpu', 'baseSpeedGhz'));
  const mem = get(fp, 'memoryBytes');
  const memText = typeof mem === 'number' && mem > 0 ? `${(mem / 2 ** 30).toFixed(1)} GiB` : '';
  const os = [text(get(fp, 'os', 'distro')), text(get(fp, 'os', 'release')), text(get(fp, 'os', 'arch'))].filter(Boolean).join(' ');
  const kernel = text(get(fp, 'os', 'kernel'));
  const virtual = get(fp, 'virtual') === true ? `virtual${text(get(fp, 'virtualHost')) ? ` (${text(get(fp, 'virtualHost'))})` : ''}` : get(fp, 'virtual') === false ? 'bare metal' : '';
  const system = [text(get(fp, 'system', 'manufacturer')), text(get(fp, 'system', 'model'))].filter(Boolean).join(' ');
  const governor = text(get(fp, 'governor'));
  const host = text(get(fp, 'hostname'));
  return [
    `<td>${e(cpu || '?')}${logical ? `<br>${e(logical)} logical / ${e(physical || '?')} physical cores` : ''}${ghz ? `, ${e(ghz)} GHz` : ''}</td>`,
    `<td>${e(memText || '?')}</td>`,
    `<td>${e(os || '?')}${kernel ? `<br>kernel ${e(kernel)}` : ''}<br>${e([virtual, system].filter(Boolean).join(', '))}${governor ? `<br>governor ${e(governor)}` : ''}</td>`,
    `<td>${host ? `host ${e(host)}<br>` : ''}${m.node ? `Node ${e(m.node)}<br>` : ''}${m.harness ? e(m.harness) : ''}</td>`,
  ];
}

function sourcesCell(m: MachineInfo): string {
  if (!m.hasSidecar) return '<td><em>unknown (no sidecar)</em></td>';
  const ok = m.sources.filter((s) => s.state === 'ok');
  const bad = m.sources.filter((s) => s.state !== 'ok');
  const chips = ok
    .map((s) => `<span class="chip${s.quality === 'estimated' ? ' est' : ''}" title="${e(s.description ?? '')}">${e(s.id)} · ${e(s.scope)}${s.quality === 'estimated' ? ' · ESTIMATED' : s.fidelity ? ` · ${e(s.fidelity)}` : ''}</span>`)
    .join(' ');
  const unusable = bad.length
    ? `<details><summary>${bad.length} not usable</summary><ul>${bad.map((s) => `<li><code>${e(s.id)}</code> ${e(s.state)}${s.reason ? `: ${e(s.reason)}` : ''}</li>`).join('')}</ul></details>`
    : '';
  const totals = m.totals.length ? `<div>total: ${m.totals.map((t) => e(t)).join('<br>')}</div>` : '';
  return `<td>${chips || '<em>none usable</em>'}${totals}${unusable}</td>`;
}

function machinesHtml(model: ReportModel): string {
  const series = [...new Set(model.figures.map((f) => f.series))];
  const colorOf = (machine: string): string => {
    const i = series.findIndex((s) => s === machine || s.startsWith(`${machine} [`));
    return i === -1 ? '#999' : (PALETTE[i % PALETTE.length] as string);
  };
  const rows = model.machines.map((m) => {
    const runs = `${m.files.map((f) => `<code>${e(f)}</code>`).join('<br>')}${m.runIds.length ? `<br>run ${m.runIds.map((r) => e(r)).join(', ')}` : ''}${m.complete === false ? '<br><span class="badge q-estimated">INCOMPLETE</span>' : ''}`;
    return `<tr><th scope="row"><span class="swatch" style="background:${colorOf(m.machine)}"></span>${e(m.machine)}</th><td>${m.qualities.map(badge).join(' ') || badge('none')}<br>${m.valid} valid windows</td>${sourcesCell(m)}${fingerprintCells(m).join('')}<td>${runs}</td></tr>`;
  });
  return `<table class="machines"><thead><tr><th>machine</th><th>energy</th><th>sources and total</th><th>CPU</th><th>memory</th><th>system</th><th>software</th><th>results</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function estimateCell(est: Estimate, unit: string): string {
  if (est.median === null) return '<td class="num">–</td>';
  const ci = est.lo !== null && est.hi !== null ? ` <small>[${fmt(est.lo)}–${fmt(est.hi)}]</small>` : '';
  return `<td class="num">${e(fmt(est.median))} ${e(unit)}${ci}</td>`;
}

function figuresTable(figures: Figure[], quality: Quality): string {
  const rows = figures.map(
    (f) =>
      `<tr class="${f.quality}"><td>${e(f.label)}</td><td>${e(f.machine)}</td><td class="num">${f.n}</td>${estimateCell(f.throughputPerS, `${f.workUnit}/s`)}${quality === 'none' ? '' : `${estimateCell(f.workPerJ, `${f.workUnit}/J`)}${estimateCell(f.powerW, 'W')}`}<td class="num">${f.noisyCv !== null ? '<strong>' : ''}${f.workPerJ.cv !== null || f.throughputPerS.cv !== null ? `${((f.workPerJ.cv ?? f.throughputPerS.cv ?? 0) * 100).toFixed(1)}%` : '–'}${f.noisyCv !== null ? ' noisy</strong>' : ''}</td><td><code>${e(f.source)}</code></td></tr>`,
  );
  const energyCols = quality === 'none' ? '' : '<th>work per joule [95% CI]</th><th>power</th>';
  return `<table class="figures"><thead><tr><th>benchmark</th><th>machine</th><th>n</th><th>throughput [95% CI]</th>${energyCols}<th>CV</th><th>energy source</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function chartHtml(r: RenderedChart): string {
  const { chart } = r;
  const notes = chart.notes.map((n) => `<p class="note">${e(n)}</p>`).join('');
  const head = `<figcaption><h3>${e(chart.title)}</h3><p>${e(chart.description)}</p></figcaption>`;
  if (r.svg === null) {
    return `<figure class="chart missing" id="chart-${e(chart.id)}" data-chart="${e(chart.id)}" data-missing="true">${head}<p class="why">Not drawn: ${e(r.missing ?? chart.missing ?? 'no data')}</p>${notes}</figure>`;
  }
  return `<figure class="chart" id="chart-${e(chart.id)}" data-chart="${e(chart.id)}">${head}<div class="svg">${r.svg}</div>${notes}</figure>`;
}

/** Builds the whole page. `charts` carry SVG produced by Vega (already escaped by it); everything else is escaped here. */
export function renderHtml(model: ReportModel, charts: RenderedChart[]): string {
  const notices = model.notices.length
    ? model.notices.map(noticeHtml).join('')
    : '<div class="notice ok"><strong>No warnings: every row valid, energy measured, no throttling or noise flagged.</strong></div>';
  const qualities: Quality[] = ['measured', 'estimated', 'none'];
  const tables = qualities
    .map((q) => {
      const figures = model.figures.filter((f) => f.quality === q);
      if (figures.length === 0) return '';
      const heading = q === 'measured' ? 'Measured energy' : q === 'estimated' ? 'ESTIMATED energy (modelled, not measured: never rank against measured)' : 'No energy source (throughput only)';
      return `<h3>${badge(q)} ${e(heading)}</h3>${figuresTable(figures, q)}`;
    })
    .join('');
  const dangers = model.notices.filter((n) => n.level === 'danger').length;
  const inputs = model.inputs.map((f) => `<code>${e(f)}</code>`).join(' ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="wattbench">
<title>${e(model.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<header>
<h1>${e(model.title)}</h1>
<p class="meta">${model.machines.length} machine${model.machines.length === 1 ? '' : 's'}, ${model.figures.length} configurations from ${model.rows} rows (${model.validRows} valid) in ${inputs}. Generated ${e(model.generatedAt)}.${dangers ? ` <strong>${dangers} serious warning${dangers === 1 ? '' : 's'} below.</strong>` : ''}</p>
</header>
<section id="warnings" class="notices" aria-label="warnings">
${notices}
</section>
<section id="machines">
<h2>Machines compared</h2>
${machinesHtml(model)}
</section>
<section id="charts">
<h2>Charts</h2>
${charts.map(chartHtml).join('\n')}
</section>
<section id="numbers">
<h2>Numbers</h2>
<p class="meta">Medians over valid repetitions with 95% confidence intervals (of the median with 6 or more repetitions, else of the mean). CV: coefficient of variation between repetitions; above ${NOISY_CV * 100}% is flagged noisy.</p>
${tables || '<p><em>No valid rows.</em></p>'}
</section>
<footer>wattbench report · self-contained: no script, no external resource · work per joule uses gross energy of the declared total of each machine.</footer>
</main>
</body>
</html>
`;
}
