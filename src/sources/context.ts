import type { Clock } from '../clock.js';
import type { DebugOptions } from './debug/debug.js';
import type { EstimateOptions } from './estimate/estimate-model.js';
import { HandleFileReader } from './io/files.js';
import type { RedfishOptions } from './bmc/redfish.js';
import type { MeterSpec } from './meters/registry.js';
import type { FileReader, SourceContext } from './types.js';

/** What discovery is given (DESIGN.md §3): filesystem roots, seams, and the meters a person named. */

/** Options for discovering sources. */
export interface DiscoverOptions {
  /** Root of sysfs (default `/sys`). */
  sysfs?: string;
  /** Root of procfs (default `/proc`). */
  procfs?: string;
  /** File-reading seam (tests inject errors through it). */
  files?: FileReader;
  /** Overrides for the estimate's power model. */
  estimate?: EstimateOptions;
  /** Environment for tools and credentials (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Sampling interval in ms, passed to streaming tools (default 100). */
  intervalMs?: number;
  /** External meters (`--meter shelly=…`, `tasmota=…`, `redfish=…`, `command=…`), as `parseMeters` returns them. */
  meters?: MeterSpec[];
  /**
   * Redfish BMCs, probed after the `redfish` entries of `meters`.
   * @deprecated give them in `meters` as `{ type: 'redfish', url, insecure }`.
   */
  redfish?: RedfishOptions[];
  /** Where NVML is (`--nvml-library PATH`, or `off`); default `$WATTBENCH_NVML_LIBRARY`, else where the loader finds it. */
  nvmlLibrary?: string;
  /** Where DCMI is (`--dcmi-library PATH`, or `off`); default `$WATTBENCH_DCMI_LIBRARY`, else the loader's and the driver's folders. */
  dcmiLibrary?: string;
  /** The scripted debug source (`--debug-source`), for tests and demonstrations; absent by default. */
  debug?: DebugOptions;
  /** Time of the sources that keep their own (the estimate, the debug source); default the system clock. */
  clock?: Clock;
}

/** Builds the context sources read through. */
export function sourceContext(options: DiscoverOptions = {}): SourceContext {
  return {
    sysfs: options.sysfs ?? '/sys',
    procfs: options.procfs ?? '/proc',
    files: options.files ?? new HandleFileReader(),
    env: options.env ?? process.env,
    intervalMs: options.intervalMs ?? 100,
  };
}

/** Every meter of the options in one list: `meters`, then the BMCs of the deprecated `redfish` list. */
export function metersOf(options: DiscoverOptions): MeterSpec[] {
  return [...(options.meters ?? []), ...(options.redfish ?? []).map((r): MeterSpec => ({ ...r, type: 'redfish' }))];
}
