import { type Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_ALPHA, DEFAULT_MAX_CV, DEFAULT_MIN_REPETITIONS, DEFAULT_THRESHOLD_PCT } from '../stats/verdict.js';
import { abAction, type AbFlags, DEFAULT_AB_REPEAT } from './ab.js';
import { checkAction, type CheckFlags } from './check.js';
import { COMPARE_FORMATS, compareAction, type CompareFlags } from './compare.js';
import type { Io } from './io.js';
import { addSourceOptions, nonNegativeNumber, positiveInt, positiveNumber } from './options.js';

/** Commands that compare results: `compare` (across machines), `check` (the CI gate) and `ab` (paired A/B runs). */

function alphaLevel(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n > 0 && n < 1)) throw new InvalidArgumentError(`expected a level strictly between 0 and 1, got ${JSON.stringify(value)}`);
  return n;
}

function seedValue(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n > 0xffffffff) throw new InvalidArgumentError(`expected a whole number from 0 to 4294967295, got ${JSON.stringify(value)}`);
  return n;
}

function nonNegativeInt(value: string): number {
  const n = nonNegativeNumber(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`expected a whole number, got ${JSON.stringify(value)}`);
  return n;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Adds the options that decide a verdict and whether it fails the gate (shared by `check` and `ab`). */
function addGateOptions(cmd: Command, withThreshold = true): Command {
  if (withThreshold) cmd.addOption(new Option('--threshold <pct>', `smallest change that counts, in percent (default ${DEFAULT_THRESHOLD_PCT})`).argParser(nonNegativeNumber));
  return cmd
    .addOption(
      new Option('--metric <list>', 'time, energy, work_per_j (comma-separated or repeated; default: time, plus energy when both sides are measured)').argParser(collect),
    )
    .addOption(new Option('--alpha <level>', `significance level; the bootstrap CI has confidence 1 - alpha (default ${DEFAULT_ALPHA})`).argParser(alphaLevel))
    .addOption(new Option('--min-repetitions <n>', `fewer valid repetitions per side is inconclusive (default ${DEFAULT_MIN_REPETITIONS})`).argParser(positiveInt))
    .addOption(new Option('--max-cv <pct>', `a coefficient of variation above this is too noisy to call unchanged (default ${DEFAULT_MAX_CV * 100})`).argParser(positiveNumber))
    .addOption(new Option('--seed <n>', 'seed of the bootstrap (and of the ABBA order in ab)').argParser(seedValue))
    .option('--fail-on-inconclusive', 'exit 1 also when a verdict is inconclusive or a baseline benchmark could not be compared');
}

/**
 * Adds `compare`, `check` and `ab` to a program built like main.ts's (exitOverride, enablePositionalOptions).
 * Each action reports its exit code through `setCode`; bad input throws a UsageError (exit 2, one line).
 */
export function registerCompareCommands(program: Command, io: Io, setCode: (code: number) => void): void {
  program
    .command('compare')
    .description('compare result files across machines: throughput, power, work per joule with 95% CIs, ratios to a baseline, geometric-mean scores')
    .argument('<file.csv...>', 'results files (any number; many machines, many runs)')
    .option('--baseline <machine|file>', 'baseline machine, or a results file holding one machine (default: the first machine read)')
    .addOption(new Option('--format <format>', 'output format').choices([...COMPARE_FORMATS]).default('table'))
    .option('--json', 'same as --format json')
    .addOption(new Option('--quality <quality>', 'keep only rows with this energy quality (the others are listed as excluded)').choices(['measured', 'estimated']))
    .addOption(new Option('--seed <n>', 'seed of the bootstrap intervals').argParser(seedValue))
    .action(async (files: string[], flags: CompareFlags) => {
      setCode(await compareAction(files, flags, io));
    });

  addGateOptions(
    program
      .command('check')
      .description('CI gate: verdict per benchmark of current against baseline results; exit 1 on a regression')
      .addOption(new Option('--baseline <file.csv>', 'baseline results (repeatable: files are pooled)').argParser(collect))
      .addOption(new Option('--current <file.csv>', 'current results (repeatable: files are pooled)').argParser(collect))
      .option('--threshold-from <aa.csv>', 'take the threshold from an A/A calibration written by `wattbench ab --out aa.csv -- <cmd>`')
      .addOption(new Option('--format <format>', 'output format').choices(['table', 'md', 'json']).default('table'))
      .option('--json', 'print one JSON document on stdout (same as --format json)'),
  ).action(async (flags: CheckFlags) => {
    setCode(await checkAction(flags, io));
  });

  addSourceOptions(
    addGateOptions(
      program
        .command('ab')
        .description('paired A/B on this machine: two commands interleaved in randomized ABBA blocks, then the check verdict; one command alone: A/A calibration')
        .argument('<command...>', 'after --: command A and its arguments, --vs, command B and its arguments (no --vs: A against itself)')
        .addOption(new Option('--repeat <n>', 'repetitions of each command').default(DEFAULT_AB_REPEAT).argParser(positiveInt))
        .addOption(new Option('--warmup <n>', 'unmeasured runs of each command first').default(1).argParser(nonNegativeInt))
        .option('--threshold-from <aa.csv>', 'take the threshold from an A/A calibration written by `wattbench ab --out aa.csv -- <cmd>`')
        .addOption(new Option('--interval <ms>', 'sampling interval in milliseconds').default(100).argParser(positiveNumber))
        .option('--out <file.csv>', 'results file (default results/<run id>.csv); rows of A are named "[A] <command>", of B "[B] <command>"')
        .option('--json', "print the run and the verdict as one JSON document on stdout (the commands' stdout goes to stderr)")
        .option('--label <name>', 'machine name written in the results (default: host name)')
        .passThroughOptions(),
    ),
  ).action(async (command: string[], flags: AbFlags) => {
    setCode(await abAction(command, flags, io));
  });
}
