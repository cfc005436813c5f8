import { join } from 'node:path';
import { milliCToC } from '../../units.js';
import { readNumber, reasonOfError, stateOfError } from '../io/files.js';
import type { Probe, SourceContext, TemperatureSource } from '../types.js';

/** The hottest readable thermal zone (`temp` in m°C), the figure that matters for throttling. */

/** Probes `<sysfs>/class/thermal/thermal_zone*`; zones that cannot be read (a radio that is off) are skipped. */
export async function probeThermal(ctx: SourceContext): Promise<Probe> {
  const root = join(ctx.sysfs, 'class', 'thermal');
  const info = {
    id: 'thermal',
    kind: 'temperature' as const,
    scope: 'cpu' as const,
    quality: 'measured' as const,
    minIntervalS: 1,
    description: `hottest thermal zone under ${root}, °C`,
  };
  let zones: string[];
  try {
    zones = (await ctx.files.list(root)).filter((e) => e.startsWith('thermal_zone'));
  } catch (err) {
    return { info, state: stateOfError(err), reason: reasonOfError(err, root), fix: null };
  }
  const paths = zones.map((z) => join(root, z, 'temp'));
  const firsts = await Promise.all(paths.map((p) => readNumber(ctx.files, p)));
  const readable = paths.filter((_, i) => firsts[i]?.ok);
  if (readable.length === 0) {
    return { info, state: 'absent', reason: `no readable thermal zone under ${root}`, fix: null };
  }
  const types = await Promise.all(
    readable.map((p) => ctx.files.readText(join(p, '..', 'type')).then((t) => t.trim(), () => '?')),
  );
  info.description = `hottest of ${types.join(', ')} under ${root}, °C`;
  const source: TemperatureSource = {
    info,
    async read() {
      const values = await Promise.all(readable.map((p) => readNumber(ctx.files, p)));
      const ok = values.filter((v): v is { ok: true; value: number } => v.ok);
      if (ok.length === 0) return { ok: false, reason: 'thermal zones became unreadable' };
      return { ok: true, value: milliCToC(Math.max(...ok.map((v) => v.value))) };
    },
  };
  return { info, state: 'ok', reason: null, fix: null, source };
}
