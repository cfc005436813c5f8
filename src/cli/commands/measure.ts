import { Option, type Command } from 'commander';
import { addSourceOptions, nonNegativeNumber, positiveNumber } from '../options.js';
import { addRepetitionOptions } from '../repetitions.js';
import type { MeasureFlags } from '../measure.js';
import type { CommandContext } from './command.js';

/** `wattbench measure [options] -- <command...>`. */
export function registerMeasure(program: Command, { io, setCode }: CommandContext): void {
  addSourceOptions(
    addRepetitionOptions(program.command('measure'), 'repetitions, one window each (default 1)')
      .description('run a command (no shell) under measurement, one window per repetition')
      .argument('<command...>', 'the command and its arguments, after --')
      .addOption(new Option('--interval <ms>', 'sampling interval in milliseconds').default(100).argParser(positiveNumber))
      .option('--out <file.csv>', 'results file (default results/<run id>.csv)')
      .option('--json', 'print the run as one JSON document on stdout (the command\'s stdout goes to stderr)')
      .option('--label <name>', 'machine name written in the results (default: host name)')
      .option('--bail', 'stop after the first repetition whose command fails (default: record it and go on)')
      .option('--report <file.html>', 'also write the HTML report of this run')
      .option('--work <n>', 'work each run does, in --work-unit (e.g. --work 4096 --work-unit tokens); the command may report its own in $WATTBENCH_WORK_FILE')
      .option('--work-unit <unit>', 'unit of --work, or alone: the unit every run must report in $WATTBENCH_WORK_FILE')
      .addOption(new Option('--skip <s>', 'seconds at the start of each run left out of the window (power ramps, thermal transients)').argParser(nonNegativeNumber))
      .passThroughOptions(),
  ).action(async (command: string[], flags: MeasureFlags) => {
    const { measureAction } = await import('../measure.js');
    setCode(await measureAction(command, flags, io));
  });
}
