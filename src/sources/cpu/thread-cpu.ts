import { readlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { ticksToS } from '../../units.js';
import { reasonOfError } from '../io/files.js';

/**
 * CPU time of the calling thread, for kernel windows: their work runs on worker threads of this process, which
 * neither cutime/cstime (children only) nor the process's total (every thread, the sampler's included) isolates.
 * Linux gives each thread its own figures under /proc/<pid>/task/<tid>: schedstat's first field is the scheduler's
 * run time in nanoseconds; stat's utime + stime, in 1/100 s ticks, is the fallback where schedstat is absent.
 */

/** The calling thread's folder under /proc, or why it has none. */
export type ThreadTask = { ok: true; dir: string } | { ok: false; reason: string };

/** A thread's CPU time so far, read one way; or why it could not be read. */
export type ThreadCpuReading = { ok: true; cpuS: number; via: 'schedstat' | 'stat' } | { ok: false; reason: string };

/** CPU seconds of a thread over an interval, or why there is no figure. */
export type ThreadCpuSpan = { ok: true; cpuS: number } | { ok: false; reason: string };

/** Parses the run time (seconds) from a /proc/<pid>/task/<tid>/schedstat line; null when malformed. */
export function parseSchedstatCpuS(text: string): number | null {
  const first = text.trim().split(/\s+/)[0] ?? '';
  if (!/^\d+$/.test(first)) return null;
  const ns = Number(first);
  return Number.isFinite(ns) ? ns / 1e9 : null;
}

/** Parses utime + stime (seconds) from a /proc/<pid>/task/<tid>/stat line; null when malformed. */
export function parseThreadStatCpuS(text: string): number | null {
  // The thread name (field 2) may contain spaces and parentheses: fields are counted after the last ')'.
  const close = text.lastIndexOf(')');
  if (close === -1) return null;
  const rest = text.slice(close + 1).trim().split(/\s+/);
  // rest[0] is field 3 (state); utime and stime are fields 14 and 15.
  const ticks = [rest[11], rest[12]].map(Number);
  if (ticks.some((t) => !Number.isFinite(t) || t < 0)) return null;
  const sum = (ticks[0] as number) + (ticks[1] as number);
  return Number.isFinite(sum) ? ticksToS(sum) : null;
}

/**
 * Finds the calling worker thread's folder, `<procfs>/<pid>/task/<tid>` (`procfs` is the /proc root, for tests).
 * Called once when a worker starts, before any window, and never on the main thread, which samples.
 */
export function threadTask(procfs = '/proc'): ThreadTask {
  if (process.platform !== 'linux') return { ok: false, reason: `per-thread CPU time is read from /proc/<pid>/task/<tid>, which ${process.platform} does not have` };
  if (isMainThread) return { ok: false, reason: 'only a worker thread looks up its own CPU time: the main thread samples and must not block' };
  const link = join(procfs, 'thread-self');
  try {
    // Synchronous on purpose: an asynchronous call runs on libuv's thread pool, where /proc/thread-self names a pool
    // thread, not this one. One readlink per worker, before it runs anything that is measured.
    return { ok: true, dir: join(procfs, readlinkSync(link)) };
  } catch (err) {
    return { ok: false, reason: reasonOfError(err, link) };
  }
}

/** Reads a thread's CPU time so far from its folder (see `threadTask`); any thread may read it. */
export async function readThreadCpu(task: ThreadTask): Promise<ThreadCpuReading> {
  if (!task.ok) return task;
  const schedstat = join(task.dir, 'schedstat');
  try {
    const cpuS = parseSchedstatCpuS(await readFile(schedstat, 'utf8'));
    if (cpuS !== null) return { ok: true, cpuS, via: 'schedstat' };
  } catch {
    // A kernel without CONFIG_SCHED_INFO has no schedstat: stat still has the thread's ticks.
  }
  const stat = join(task.dir, 'stat');
  try {
    const cpuS = parseThreadStatCpuS(await readFile(stat, 'utf8'));
    return cpuS === null ? { ok: false, reason: `malformed ${stat}` } : { ok: true, cpuS, via: 'stat' };
  } catch (err) {
    return { ok: false, reason: reasonOfError(err, stat) };
  }
}

/** The CPU seconds between two readings of one thread; no figure unless both were read, and the same way. */
export function threadCpuSpan(start: ThreadCpuReading, end: ThreadCpuReading): ThreadCpuSpan {
  if (!start.ok) return start;
  if (!end.ok) return end;
  if (start.via !== end.via) return { ok: false, reason: `thread CPU time read from ${start.via} at the start and ${end.via} at the end` };
  // A thread's CPU time never decreases: less at the end means the readings are not of one thread.
  if (end.cpuS < start.cpuS) return { ok: false, reason: `thread CPU time went back from ${start.cpuS} s to ${end.cpuS} s` };
  return { ok: true, cpuS: end.cpuS - start.cpuS };
}

/** The CPU seconds of several threads over one window: their sum, or the first reason one has none. */
export function sumThreadCpu(spans: readonly ThreadCpuSpan[]): ThreadCpuSpan {
  let cpuS = 0;
  for (const span of spans) {
    if (!span.ok) return span;
    cpuS += span.cpuS;
  }
  return spans.length === 0 ? { ok: false, reason: 'no worker thread ran' } : { ok: true, cpuS };
}
