import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import { positiveInt } from './options.js';

/** `--repeat N` and `--repetitions N`: two spellings of one option, accepted by `measure`, `run` and `ab` alike. */

/** The flags the two spellings parse into. */
export interface RepetitionFlags {
  repeat?: number;
  repetitions?: number;
}

/** Adds both spellings to `cmd`, `primary` shown with `help` (what one repetition is, and the default). */
export function addRepetitionOptions(cmd: Command, help: string, primary: 'repeat' | 'repetitions' = 'repeat'): Command {
  const other = primary === 'repeat' ? 'repetitions' : 'repeat';
  return cmd
    .addOption(new Option(`--${primary} <n>`, `${help}; also written --${other}`).argParser(positiveInt))
    .addOption(new Option(`--${other} <n>`, `same as --${primary}`).argParser(positiveInt).hideHelp());
}

/** The repetitions asked for, or `fallback`; both spellings with different values are a usage error. */
export function repetitionsOf<T extends number | undefined>(flags: RepetitionFlags, fallback: T): number | T {
  if (flags.repeat !== undefined && flags.repetitions !== undefined && flags.repeat !== flags.repetitions) {
    throw new UsageError(`--repeat ${flags.repeat} and --repetitions ${flags.repetitions} are the same option: give one`);
  }
  return flags.repeat ?? flags.repetitions ?? fallback;
}
