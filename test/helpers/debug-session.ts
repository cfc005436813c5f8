import type { Clock } from '../../src/clock.js';
import { Session } from '../../src/runner/session.js';
import { probeDebug } from '../../src/sources/debug/debug.js';
import { sourceContext } from '../../src/sources/discover.js';
import { procfs, sysfs } from './fake-files.js';

const vm = { sysfs: sysfs('vm'), procfs: procfs('basic') };

/**
 * A session whose only source is the debug source: every read settles within microtasks, so on a manual clock a
 * window's energy and duration are exactly what the script and the test's `advance` calls say.
 */
export async function debugSession(script: string, clock?: Clock): Promise<Session> {
  const probe = await probeDebug(sourceContext(vm), { script, ...(clock ? { clock } : {}) });
  return Session.open({ ...vm, probes: [probe], ...(clock ? { clock } : {}) });
}
