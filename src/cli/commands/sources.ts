import type { Command } from 'commander';
import { addSourceOptions, type SourceFlags } from '../options.js';
import type { CommandContext } from './command.js';

/** `wattbench sources [--json]`. */
export function registerSources(program: Command, { io, setCode }: CommandContext): void {
  addSourceOptions(
    program
      .command('sources')
      .description('list every power, energy and utilization source, its state and how to fix it')
      .option('--json', 'print one JSON array on stdout'),
  ).action(async (flags: SourceFlags & { json?: boolean }) => {
    const { sourcesCommand } = await import('../sources.js');
    setCode(await sourcesCommand(flags, io));
  });
}
