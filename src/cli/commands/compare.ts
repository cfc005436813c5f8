import { Option, type Command } from 'commander';
import type { CompareFlags } from '../compare.js';
import type { CommandContext } from './command.js';
import { COMPARE_FORMATS } from './defaults.js';
import { seedValue } from './gate-options.js';


/** `wattbench compare <file.csv>...`: across machines. */
export function registerCompare(program: Command, { io, setCode }: CommandContext): void {
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
      const { compareAction } = await import('../compare.js');
      setCode(await compareAction(files, flags, io));
    });
}
