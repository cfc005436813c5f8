import { UsageError } from '../errors.js';
import type { SessionOptions } from '../runner/session.js';
import { parsePowerScript } from '../sources/debug/debug.js';
import { parseMeters } from '../sources/meters/registry.js';
import type { SourceFlags } from './options.js';

/** From the source options a measuring command parsed to the library's session options (bad values: exit 2). */

function list(text: string | undefined): string[] | undefined {
  const items = text?.split(',').map((x) => x.trim()).filter(Boolean);
  return items?.length ? items : undefined;
}

/** Turns parsed flags into session options, checking that the linear estimate gets both ends. */
export function sessionOptions(flags: SourceFlags & { interval?: number }): SessionOptions {
  if ((flags.idleWatts === undefined) !== (flags.maxWatts === undefined)) {
    throw new UsageError('--idle-watts and --max-watts go together');
  }
  if (flags.idleWatts !== undefined && flags.maxWatts !== undefined && flags.maxWatts < flags.idleWatts) {
    throw new UsageError('--max-watts must be at least --idle-watts');
  }
  const estimate: SessionOptions['estimate'] = {};
  if (flags.tdp !== undefined) estimate.tdpW = flags.tdp;
  if (flags.idleWatts !== undefined) estimate.idleW = flags.idleWatts;
  if (flags.maxWatts !== undefined) estimate.maxW = flags.maxWatts;
  const meters = parseMeters(flags.meter ?? []);
  const debug = flags.debugSource === undefined ? undefined : parsePowerScript(flags.debugSource);
  if (debug && !debug.ok) throw new UsageError(debug.reason);
  const include = list(flags.source);
  const exclude = list(flags.excludeSource);
  return {
    sysfs: flags.sysfs,
    procfs: flags.procfs,
    estimate,
    ...(meters.length ? { meters } : {}),
    ...(include ? { include } : {}),
    ...(exclude ? { exclude } : {}),
    ...(flags.interval !== undefined ? { intervalMs: flags.interval } : {}),
    ...(debug ? { debug: { script: debug.steps } } : {}),
    ...(flags.nvmlLibrary !== undefined ? { nvmlLibrary: flags.nvmlLibrary } : {}),
    ...(flags.dcmiLibrary !== undefined ? { dcmiLibrary: flags.dcmiLibrary } : {}),
  };
}
