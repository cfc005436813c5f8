import { Command, CommanderError } from 'commander';
import { oneLine, UsageError } from '../errors.js';
import { VERSION } from '../version.js';
import { COMMANDS } from './commands/index.js';
import { processIo, type Io } from './io.js';
import { renameNegatedOptions } from './options.js';

/** The wattbench CLI: parses argv, calls the library, prints, and returns the exit code (never exits itself). */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let code = 0;
  const program = new Command('wattbench')
    .description('energy-efficiency benchmarking: work per joule, measured honestly')
    .version(VERSION)
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err, outputError: (text) => io.err(`wattbench: ${oneLine(text.replace(/^error: /, ''))}\n`) });
  const context = {
    io,
    setCode: (value: number): void => {
      code = value;
    },
  };
  // Each command declares its options here and loads its code only when it runs, so start-up stays cheap.
  for (const register of COMMANDS) register(program, context);

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
