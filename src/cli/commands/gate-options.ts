import { type Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_ALPHA, DEFAULT_MAX_CV_FRACTION, DEFAULT_MIN_REPETITIONS, DEFAULT_THRESHOLD_PCT } from '../../stats/verdict-defaults.js';
import { nonNegativeNumber, positiveInt, positiveNumber } from '../options.js';

/** Option parsers of the commands that compare results, and the options that decide a verdict (`check`, `ab`). */

/** Parses a significance level strictly between 0 and 1. */
export function alphaLevel(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n > 0 && n < 1)) throw new InvalidArgumentError(`expected a level strictly between 0 and 1, got ${JSON.stringify(value)}`);
  return n;
}

/** Parses a 32-bit unsigned seed. */
export function seedValue(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n > 0xffffffff) throw new InvalidArgumentError(`expected a whole number from 0 to 4294967295, got ${JSON.stringify(value)}`);
  return n;
}

/** Parses a whole number >= 0. */
export function nonNegativeInt(value: string): number {
  const n = nonNegativeNumber(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`expected a whole number, got ${JSON.stringify(value)}`);
  return n;
}

/** Collects a repeatable option's values. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Adds the options that decide a verdict and whether it fails the gate (shared by `check` and `ab`). */
export function addGateOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--threshold <pct>', `smallest change that counts, in percent (default ${DEFAULT_THRESHOLD_PCT})`).argParser(nonNegativeNumber))
    .addOption(
      new Option('--metric <list>', 'time, energy, work_per_j (comma-separated or repeated; default: time, plus energy when both sides are measured)').argParser(collect),
    )
    .addOption(new Option('--alpha <level>', `significance level; the bootstrap CI has confidence 1 - alpha (default ${DEFAULT_ALPHA})`).argParser(alphaLevel))
    .addOption(new Option('--min-repetitions <n>', `fewer valid repetitions per side is inconclusive (default ${DEFAULT_MIN_REPETITIONS})`).argParser(positiveInt))
    .addOption(new Option('--max-cv <pct>', `a coefficient of variation above this is too noisy to call unchanged, in percent (default ${DEFAULT_MAX_CV_FRACTION * 100})`).argParser(positiveNumber))
    .addOption(new Option('--seed <n>', 'seed of the bootstrap (and of the ABBA order in ab)').argParser(seedValue))
    .option('--fail-on-inconclusive', 'exit 1 also when a verdict is inconclusive or a baseline benchmark could not be compared');
}
