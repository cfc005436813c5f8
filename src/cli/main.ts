import { Command, CommanderError, Option } from 'commander';
import { oneLine, UsageError } from '../errors.js';
import { processIo, type Io } from './io.js';
import { measureAction, type MeasureFlags } from './measure.js';
import { listCommand } from './list.js';
import { registerCompareCommands } from './register-compare.js';
import { registerReportCommand } from './report.js';
import { addSourceOptions, nonNegativeNumber, positiveInt, positiveNumber, renameNegatedOptions, type SourceFlags } from './options.js';
import { runAction, type RunFlags } from './run.js';
import { sourcesCommand } from './sources.js';

/** The wattbench CLI: parses argv, calls the library, prints, and returns the exit code (never exits itself). */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let code = 0;
  const program = new Command('wattbench')
    .description('energy-efficiency benchmarking: work per joule, measured honestly')
    .version('0.1.0')
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err, outputError: (text) => io.err(`wattbench: ${oneLine(text.replace(/^error: /, ''))}\n`) });

  addSourceOptions(
    program
      .command('sources')
      .description('list every power, energy and utilization source, its state and how to fix it')
      .option('--json', 'print one JSON array on stdout'),
  ).action(async (flags: SourceFlags & { json?: boolean }) => {
    code = await sourcesCommand(flags, io);
  });

  addSourceOptions(
    program
      .command('measure')
      .description('run a command (no shell) under measurement, one window per repetition')
      .argument('<command...>', 'the command and its arguments, after --')
      .addOption(new Option('--repeat <n>', 'repetitions, one window each').default(1).argParser(positiveInt))
      .addOption(new Option('--interval <ms>', 'sampling interval in milliseconds').default(100).argParser(positiveNumber))
      .option('--out <file.csv>', 'results file (default results/<run id>.csv)')
      .option('--json', 'print the run as one JSON document on stdout (the command\'s stdout goes to stderr)')
      .option('--label <name>', 'machine name written in the results (default: host name)')
      .option('--bail', 'stop after the first repetition whose command fails (default: record it and go on)')
      .option('--report <file.html>', 'also write the HTML report of this run')
      .passThroughOptions(),
  ).action(async (command: string[], flags: MeasureFlags) => {
    code = await measureAction(command, flags, io);
  });

  program
    .command('list')
    .description('list the kernels of the suite')
    .option('--json', 'print one JSON array on stdout')
    .action((flags: { json?: boolean }) => {
      code = listCommand(flags, io);
    });

  addSourceOptions(
    program
      .command('run')
      .description('run the kernel suite under measurement: throughput, power, energy and work per joule')
      .option('--kernels <ids>', 'comma-separated kernel ids, or all (default: the default suite; see `wattbench list`)')
      .option('--threads <list>', 'thread counts, e.g. 1,2,all (default 1,all)')
      .addOption(new Option('--repetitions <n>', 'windows per kernel and thread count (default 5; --quick 3)').argParser(positiveInt))
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
    code = await runAction(flags, io);
  });

  const setCode = (value: number): void => {
    code = value;
  };
  registerCompareCommands(program, io, setCode);
  registerReportCommand(program, io, setCode);

  try {
    await program.parseAsync(renameNegatedOptions(argv), { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof UsageError) {
      io.err(`wattbench: ${oneLine(err)}\n`);
      return err.exitCode;
    }
    io.err(`wattbench: internal error: ${oneLine(err)}\n`);
    return 2;
  }
}
