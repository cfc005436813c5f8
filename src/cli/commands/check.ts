import { Option, type Command } from 'commander';
import type { CheckFlags } from '../check.js';
import type { CommandContext } from './command.js';
import { addGateOptions, collect } from './gate-options.js';

/** `wattbench check --baseline A.csv --current B.csv`: the CI gate. */
export function registerCheck(program: Command, { io, setCode }: CommandContext): void {
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
    const { checkAction } = await import('../check.js');
    setCode(await checkAction(flags, io));
  });
}
