import { Option, type Command } from 'commander';
import { addSourceOptions, nonNegativeNumber, positiveInt, positiveNumber } from '../options.js';
import { addRepetitionOptions } from '../repetitions.js';
import type { RunFlags } from '../run.js';
import type { CommandContext } from './command.js';

/** `wattbench run [options]`: the kernel suite. */
export function registerRun(program: Command, { io, setCode }: CommandContext): void {
  addSourceOptions(
    addRepetitionOptions(program.command('run'), 'windows per kernel and thread count (default 5; --quick 3)', 'repetitions')
      .description('run the kernel suite under measurement: throughput, power, energy and work per joule')
      .option('--kernels <ids>', 'comma-separated kernel ids, or all (default: the default suite; see `wattbench list`)')
      .option('--threads <list>', 'thread counts, e.g. 1,2,all (default 1,all)')
      .addOption(new Option('--duration <s>', 'seconds of work per window (default 2; --quick 1)').argParser(positiveNumber))
      .addOption(new Option('--warmup <s>', 'seconds of unmeasured work before the first window (default 1; --quick 0.2)').argParser(nonNegativeNumber))
      .addOption(new Option('--idle <s>', 'seconds of idle measurement before and after the suite (default 5; --quick 1; 0: none)').argParser(nonNegativeNumber))
      .addOption(new Option('--seed <n>', 'input seed (default 42; another seed has no stored checksum)').argParser(positiveInt))
      .option('--quick', 'the whole default suite in about 80 s on a 2-core machine')
      .addOption(new Option('--interval <ms>', 'sampling interval in milliseconds').default(100).argParser(positiveNumber))
      .option('--out <file.csv>', 'results file (default results/<run id>.csv)')
      .option('--json', 'print the run as one JSON document on stdout')
      .option('--label <name>', 'machine name written in the results (default: host name)')
      .option('--no-progress', 'no progress bar')
      .option('--report <file.html>', 'also write the HTML report of this run'),
  ).action(async (flags: RunFlags) => {
    const { runAction } = await import('../run.js');
    setCode(await runAction(flags, io));
  });
}
