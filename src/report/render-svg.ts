/**
 * Renders a Vega-Lite specification to an SVG string in Node, with Vega's headless renderer: the page that shows
 * it needs no script, no font and no network. Vega escapes every text and attribute it writes, so data (benchmark
 * names, command lines) stays text. Data must be inline: the loader refuses every URL.
 */
import { loader, logger, parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** A rendered chart and what Vega or Vega-Lite warned about while drawing it. */
export interface RenderedSvg {
  svg: string;
  warnings: string[];
}

/**
 * Vega-Lite messages that say nothing about the drawing: independent scales per facet (which the charts ask for)
 * and the empty extent of a layer that a facet cell does not use (whiskers without an interval, points of a series
 * that has a line).
 */
const BENIGN = [/^Detected faceted independent scales that union domain/, /^Infinite extent for field "(lo|hi|t|w)"/];

/** A Vega loader that loads nothing: a report never reaches outside the machine. */
function offlineLoader(): ReturnType<typeof loader> {
  const l = loader();
  l.sanitize = (uri: string) => Promise.reject(new Error(`a report loads no external data (asked for ${uri})`));
  return l;
}

/** Geometry attributes whose numbers Vega writes with full double precision; a hundredth of a pixel is plenty. */
const GEOMETRY = /\s(d|transform|x|y|x1|x2|y1|y2|width|height|cx|cy|r)="([^"]*)"/g;

/** Shortens the numbers of geometry attributes to two decimals (about a third of the size of a large chart). */
export function compactSvg(svg: string): string {
  return svg.replace(GEOMETRY, (_m, name: string, value: string) => ` ${name}="${value.replace(/(\d\.\d{2})\d+/g, '$1')}"`);
}

/** Compiles and renders one Vega-Lite spec to SVG; warnings are collected rather than printed. */
export async function renderSvg(spec: TopLevelSpec): Promise<RenderedSvg> {
  const warnings: string[] = [];
  const collect = logger(2, 'warn', (_method, _level, args) => {
    const text = args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ');
    if (!BENIGN.some((re) => re.test(text))) warnings.push(text);
  });
  const compiled = compile(spec, { logger: collect }).spec;
  const view = new View(parse(compiled), { renderer: 'none', logger: collect, loader: offlineLoader() });
  try {
    const svg = compactSvg(await view.toSVG());
    return { svg, warnings };
  } finally {
    view.finalize();
  }
}
