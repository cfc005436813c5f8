import type { TotalRule } from '../sampler/total.js';
import type { Fingerprint } from './fingerprint.js';
import type { ProbeRecord } from './probe-record.js';
import type { WindowRecord } from './window-record.js';

/** The JSON sidecar of a run, as `writeRun` writes it beside the CSV and the report reads it back. */
export interface SidecarDocument {
  schemaVersion: number;
  runId: string;
  machine: string;
  startedAt: string;
  finishedAt: string;
  /** False for an interrupted run. */
  complete: boolean;
  harness: { name: string; version: string };
  /** `process.version` of the Node that ran it. */
  node: string;
  fingerprint: Fingerprint | null;
  sources: ProbeRecord[];
  totalRule: TotalRule;
  settings: Record<string, unknown>;
  /** Last, one window per line (see `sidecar-text.ts`). */
  windows: WindowRecord[];
}

/** A sidecar as read from a file: the same members, each possibly missing or of another type (a file is untrusted). */
export type SidecarInput = { readonly [K in keyof SidecarDocument]?: unknown };
