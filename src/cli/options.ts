import { InvalidArgumentError, Option, type Command } from 'commander';
import { meterUsage } from '../sources/meters/registry.js';

/** Options shared by the measuring commands, and their parsers (bad values are usage errors, exit 2). */

/** Parses a positive number, or throws commander's usage error. */
export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a positive number, got ${JSON.stringify(value)}`);
  return n;
}

/** Parses a positive integer, or throws commander's usage error. */
export function positiveInt(value: string): number {
  const n = positiveNumber(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`expected a whole number, got ${JSON.stringify(value)}`);
  return n;
}

/** Parses a number >= 0 (seconds that may be zero). */
export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`expected a number >= 0, got ${JSON.stringify(value)}`);
  return n;
}

/** Parses a non-negative number of watts. */
export function watts(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`expected watts (a number >= 0), got ${JSON.stringify(value)}`);
  return n;
}

/** Options every command that reads sources takes. */
export interface SourceFlags {
  sysfs: string;
  procfs: string;
  tdp?: number;
  idleWatts?: number;
  maxWatts?: number;
  source?: string;
  excludeSource?: string;
  meter?: string[];
  debugSource?: string;
  nvmlLibrary?: string;
  dcmiLibrary?: string;
}

/**
 * Commander reads any `--no-x` as the negation of `--x`, so `--no-source ID` would overwrite `--source`: before parsing,
 * it is renamed `--exclude-source` (up to the `--` that starts a measured command, which is never touched).
 */
export function renameNegatedOptions(argv: string[]): string[] {
  const end = argv.indexOf('--');
  return argv.map((arg, i) => {
    if (end !== -1 && i >= end) return arg;
    if (arg === '--no-source') return '--exclude-source';
    if (arg.startsWith('--no-source=')) return `--exclude-source=${arg.slice('--no-source='.length)}`;
    return arg;
  });
}

/** Adds --sysfs, --procfs and the estimate overrides. */
export function addSourceOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--sysfs <dir>', 'root of sysfs (for containers and tests)').default('/sys'))
    .addOption(new Option('--procfs <dir>', 'root of procfs').default('/proc'))
    .addOption(new Option('--tdp <watts>', 'CPU TDP for the estimate when no sensor is readable (Teads curve)').argParser(positiveNumber))
    .addOption(new Option('--idle-watts <watts>', 'machine idle power for a linear estimate (with --max-watts)').argParser(watts))
    .addOption(new Option('--max-watts <watts>', 'machine full-load power for a linear estimate (with --idle-watts)').argParser(watts))
    .option('--source <ids>', 'use only these sources (ids or prefixes, e.g. rapl,nvidia:0)')
    .option('--exclude-source <ids>', 'also written --no-source: never use these sources (ids or prefixes)')
    .addOption(
      new Option('--meter <type=target>', `external meter: ${meterUsage()} (repeatable)`).argParser(
        (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
      ),
    )
    .option('--nvml-library <path>', 'NVIDIA NVML library to load (a path, or off; default: $WATTBENCH_NVML_LIBRARY, else as dlopen finds libnvidia-ml.so.1)')
    .option('--dcmi-library <path>', 'Huawei Ascend DCMI library to load (a path, or off; default: $WATTBENCH_DCMI_LIBRARY, else the loader\'s and the driver\'s folders)')
    .addOption(new Option('--debug-source <script>', 'add the scripted debug source: W, or W@S,W@S,… (see README)').hideHelp());
}
