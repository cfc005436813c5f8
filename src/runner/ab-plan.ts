import { UsageError } from '../errors.js';
import { mulberry32 } from '../stats/prng.js';

/**
 * The plan of a paired A/B run, before anything is measured.
 *
 * Schedule: the repetitions run in blocks of four, each block ABBA or BAAB with probability 1/2 from a seeded
 * mulberry32 stream (an odd count ends with one AB or BA pair). Inside every block each command runs once before and
 * once after the other, so a linear drift of the machine (heat, frequency, background load) adds the same to both;
 * the random block orientation keeps a periodic disturbance from lining up with one command.
 *
 * Rows: the windows of command A are written with the benchmark name `[A] <command line>`, those of B with
 * `[B] <command line>`; the repetition number counts each command's own windows from 1.
 */

/** One of the two commands. */
export type Arm = 'A' | 'B';

/** Prefix of the benchmark name of each arm's rows. */
export const ARM_PREFIX: Readonly<Record<Arm, string>> = { A: '[A] ', B: '[B] ' };

/** Benchmark name of an arm's rows. */
export function armBenchmark(arm: Arm, argv: readonly string[]): string {
  return `${ARM_PREFIX[arm]}${argv.join(' ')}`;
}

/** Returns the arm and command line of a benchmark name written by `ab`, or null for any other name. */
export function parseArmBenchmark(benchmark: string): { arm: Arm; command: string } | null {
  for (const arm of ['A', 'B'] as const) if (benchmark.startsWith(ARM_PREFIX[arm])) return { arm, command: benchmark.slice(ARM_PREFIX[arm].length) };
  return null;
}

/** Returns the run order of `repeat` repetitions of each command in seeded random ABBA/BAAB blocks. */
export function abbaSchedule(repeat: number, seed: number): Arm[] {
  if (!Number.isInteger(repeat) || repeat < 1) throw new RangeError(`abbaSchedule: repeat must be a whole number >= 1, got ${String(repeat)}`);
  const random = mulberry32(seed);
  const order: Arm[] = [];
  for (let block = 0; block < Math.floor(repeat / 2); block++) order.push(...(random() < 0.5 ? (['A', 'B', 'B', 'A'] as const) : (['B', 'A', 'A', 'B'] as const)));
  if (repeat % 2 === 1) order.push(...(random() < 0.5 ? (['A', 'B'] as const) : (['B', 'A'] as const)));
  return order;
}

/** Splits `<cmd A…> --vs <cmd B…>` at the first `--vs`; without one, B is A (an A/A calibration). */
export function splitAbArgs(args: readonly string[]): { a: string[]; b: string[]; aa: boolean } {
  const at = args.indexOf('--vs');
  const a = at === -1 ? [...args] : args.slice(0, at);
  const b = at === -1 ? [...args] : args.slice(at + 1);
  if (a.length === 0) throw new UsageError('no command A given: use wattbench ab -- <command A…> --vs <command B…>');
  if (b.length === 0) throw new UsageError('no command B after --vs: use wattbench ab -- <command A…> --vs <command B…>');
  return { a, b, aa: a.length === b.length && a.every((x, i) => x === b[i]) };
}
