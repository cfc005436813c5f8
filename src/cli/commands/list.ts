import type { Command } from 'commander';
import type { CommandContext } from './command.js';

/** `wattbench list [--json]`. */
export function registerList(program: Command, { io, setCode }: CommandContext): void {
  program
    .command('list')
    .description('list the kernels of the suite')
    .option('--json', 'print one JSON array on stdout')
    .action(async (flags: { json?: boolean }) => {
      const { listCommand } = await import('../list.js');
      setCode(listCommand(flags, io));
    });
}
