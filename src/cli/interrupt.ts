import type { Io } from './io.js';

/** Ctrl-C handling for long runs: the first signal stops cleanly and keeps what was measured, a second exits at once. */
export interface Interrupt {
  readonly signal: AbortSignal;
  /** The exit code for the signal received (130 for SIGINT, 143 for SIGTERM), or null when none came. */
  exitCode(): number | null;
  /** Removes the handlers. */
  dispose(): void;
}

/** Installs SIGINT and SIGTERM handlers for the duration of a run. */
export function installInterrupt(io: Io): Interrupt {
  const controller = new AbortController();
  let received: NodeJS.Signals | null = null;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (received) {
      io.err(`\nwattbench: ${sig} again: exiting now without writing\n`);
      process.exit(sig === 'SIGTERM' ? 143 : 130);
    }
    received = sig;
    io.err(`\nwattbench: ${sig}: stopping; finished windows will be written (${sig === 'SIGINT' ? 'Ctrl-C' : sig} again to quit at once)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    exitCode: () => (received === null ? null : received === 'SIGTERM' ? 143 : 130),
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
