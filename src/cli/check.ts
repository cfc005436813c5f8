import { appendFile } from 'node:fs/promises';
import { thresholdFromFile } from '../compare/ab-verdict.js';
import { type checkResults, type Metric, METRICS } from '../compare/check.js';
import { checkFiles } from '../compare/check-files.js';
import { checkJson, checkText } from '../format/gate.js';
import { checkMarkdown } from '../format/markdown.js';
import { jsonText } from '../format/json.js';
import { UsageError } from '../errors.js';
import type { Io } from './io.js';

/** Flags shared by `check` and `ab`: how a verdict is reached and what fails the gate. */
export interface GateFlags {
  threshold?: number;
  metric?: string[];
  alpha?: number;
  minRepetitions?: number;
  /** `--max-cv`, in percent (the library takes a fraction: converted once, in `gateOptions`). */
  maxCv?: number;
  seed?: number;
  failOnInconclusive?: boolean;
  json?: boolean;
}

/** Flags of `wattbench check`. */
export interface CheckFlags extends GateFlags {
  baseline?: string[];
  current?: string[];
  thresholdFrom?: string;
  format?: 'table' | 'md' | 'json';
}

/** Parses `--metric` values (repeatable, comma-separated) into metrics; undefined means the default choice. */
export function parseMetrics(values: readonly string[] | undefined): Metric[] | undefined {
  if (!values?.length) return undefined;
  const out: Metric[] = [];
  for (const part of values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean)) {
    const metric = METRICS.find((m) => m === part);
    if (!metric) throw new UsageError(`--metric takes ${METRICS.join(', ')} (comma-separated), got ${JSON.stringify(part)}`);
    if (!out.includes(metric)) out.push(metric);
  }
  return out.length ? out : undefined;
}

/** The gate options of parsed flags. */
export function gateOptions(flags: GateFlags, thresholdPct?: number): Parameters<typeof checkResults>[2] & object {
  const metrics = parseMetrics(flags.metric);
  return {
    ...(metrics ? { metrics } : {}),
    ...(thresholdPct !== undefined ? { thresholdPct } : flags.threshold !== undefined ? { thresholdPct: flags.threshold } : {}),
    ...(flags.alpha !== undefined ? { alpha: flags.alpha } : {}),
    ...(flags.minRepetitions !== undefined ? { minRepetitions: flags.minRepetitions } : {}),
    ...(flags.maxCv !== undefined ? { maxCvFraction: flags.maxCv / 100 } : {}),
    ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
    failOnInconclusive: Boolean(flags.failOnInconclusive),
  };
}

/** Appends Markdown to the file named by $GITHUB_STEP_SUMMARY, when set; a failure is reported, never fatal (the verdict matters more). */
export async function appendStepSummary(markdown: string, env: NodeJS.ProcessEnv, io: Io): Promise<void> {
  const path = env.GITHUB_STEP_SUMMARY;
  if (!path) return;
  try {
    await appendFile(path, `${markdown}\n`);
  } catch (err) {
    io.err(`wattbench: warning: cannot append to GITHUB_STEP_SUMMARY (${path}): ${(err as NodeJS.ErrnoException).code ?? String(err)}\n`);
  }
}

/** `wattbench check --baseline A.csv --current B.csv`: the CI gate; returns 0, or 1 on a regression (UsageError: 2). */
export async function checkAction(flags: CheckFlags, io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (!flags.baseline?.length) throw new UsageError('--baseline <file.csv> is required');
  if (!flags.current?.length) throw new UsageError('--current <file.csv> is required');
  if (flags.threshold !== undefined && flags.thresholdFrom !== undefined) throw new UsageError('--threshold and --threshold-from go alone: choose one');
  const format = flags.json ? 'json' : (flags.format ?? 'table');
  let thresholdPct: number | undefined;
  let threshold: Record<string, unknown> = { pct: flags.threshold ?? null, from: flags.threshold === undefined ? 'default' : '--threshold' };
  if (flags.thresholdFrom !== undefined) {
    const found = await thresholdFromFile(flags.thresholdFrom, flags.alpha === undefined ? {} : { alpha: flags.alpha });
    thresholdPct = found.thresholdPct;
    threshold = { pct: thresholdPct, from: flags.thresholdFrom, command: found.command, calibration: found.calibration };
  }
  const options = gateOptions(flags, thresholdPct);
  const result = await checkFiles(flags.baseline, flags.current, options);
  for (const note of result.readNotes) io.err(`wattbench: ${note}\n`);
  if (threshold.pct === null) threshold.pct = result.settings.thresholdPct;
  const markdown = checkMarkdown(result) + (flags.thresholdFrom !== undefined ? `\nThreshold ${result.settings.thresholdPct}% from the A/A calibration in ${flags.thresholdFrom}.\n` : '');
  await appendStepSummary(markdown, env, io);
  if (format === 'json') {
    io.out(jsonText(checkJson(result, threshold)));
  } else if (format === 'md') {
    io.out(markdown);
  } else {
    io.out(checkText(result, flags.thresholdFrom));
  }
  return result.exitCode;
}
