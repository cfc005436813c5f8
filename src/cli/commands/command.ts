import type { Command } from 'commander';
import type { Io } from '../io.js';

/** What a command's action gets from `main`: where to print and where to report its exit code. */
export interface CommandContext {
  readonly io: Io;
  setCode(code: number): void;
}

/**
 * One command of the CLI: it declares its name, description and options on `program` (commander only, so start-up
 * stays cheap) and loads its action module with `import()` when it runs.
 */
export type RegisterCommand = (program: Command, context: CommandContext) => void;
