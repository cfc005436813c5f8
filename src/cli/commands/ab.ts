import { Option, type Command } from 'commander';
import type { AbFlags } from '../ab.js';
import { addSourceOptions, positiveNumber } from '../options.js';
import { addRepetitionOptions } from '../repetitions.js';
import type { CommandContext } from './command.js';
import { DEFAULT_AB_REPEAT } from './defaults.js';
import { addGateOptions, nonNegativeInt } from './gate-options.js';


/** `wattbench ab [options] -- <cmd A...> [--vs <cmd B...>]`: paired A/B on this machine. */
export function registerAb(program: Command, { io, setCode }: CommandContext): void {
  addSourceOptions(
    addGateOptions(
      addRepetitionOptions(program.command('ab'), `repetitions of each command (default ${DEFAULT_AB_REPEAT})`)
        .description('paired A/B on this machine: two commands interleaved in randomized ABBA blocks, then the check verdict; one command alone: A/A calibration')
        .argument('<command...>', 'after --: command A and its arguments, --vs, command B and its arguments (no --vs: A against itself)')
        .addOption(new Option('--warmup-runs <n>', 'unmeasured runs of each command first (default 1)').argParser(nonNegativeInt))
        .addOption(new Option('--warmup <n>', 'deprecated spelling of --warmup-runs (in run, --warmup is seconds)').argParser(nonNegativeInt).hideHelp())
        .option('--threshold-from <aa.csv>', 'take the threshold from an A/A calibration written by `wattbench ab --out aa.csv -- <cmd>`')
        .addOption(new Option('--interval <ms>', 'sampling interval in milliseconds').default(100).argParser(positiveNumber))
        .option('--out <file.csv>', 'results file (default results/<run id>.csv); rows of A are named "[A] <command>", of B "[B] <command>"')
        .option('--json', "print the run and the verdict as one JSON document on stdout (the commands' stdout goes to stderr)")
        .option('--label <name>', 'machine name written in the results (default: host name)')
        .passThroughOptions(),
    ),
  ).action(async (command: string[], flags: AbFlags) => {
    const { abAction } = await import('../ab.js');
    setCode(await abAction(command, flags, io));
  });
}
