/** Errors that reach a person: each carries a one-line message and the exit code the CLI should use. */

/** Bad arguments or unusable input: the CLI prints the message on one line and exits with code 2. */
export class UsageError extends Error {
  /** Exit code for the CLI. */
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Returns the one-line text of any thrown value, without a stack trace. */
export function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
