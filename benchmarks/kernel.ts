/** The contract every kernel of the suite follows (one kernel per file in benchmarks/). */

/** Options that fix a kernel's input: the same seed and size give the same work and the same checksum. */
export interface KernelOptions {
  /** Seed of the input generator (default 42). */
  seed: number;
  /** Problem size in the kernel's own size unit (each kernel documents it); default `defaultSize`. */
  size: number;
}

/** One prepared kernel: input generated, ready to run iterations. */
export interface KernelInstance {
  /** Work done by one call of `run()`, in the kernel's `unit` (e.g. 0.134 GFLOP). */
  readonly workPerIteration: number;
  /** Does one iteration of the work; must be deterministic for the instance's seed and size. */
  run(): void;
  /** Hex checksum of the output of the last `run()` (identical on every machine for the same seed and size). */
  checksum(): string;
}

/** A reproducible compute kernel. */
export interface Kernel {
  /** Stable id, kebab-case (e.g. `matmul-f64`). */
  readonly id: string;
  /** Bumped whenever the work, input or checksum changes; results of different versions never compare. */
  readonly version: string;
  /** One line saying what it computes and what part of the machine it loads. */
  readonly description: string;
  /** Unit of work (e.g. `GFLOP`, `MB`, `elements`, `GB`). */
  readonly unit: string;
  /** Default problem size (kernel-specific meaning, documented in its file). */
  readonly defaultSize: number;
  /** Checksum of the output for seed 42 and `defaultSize`. */
  readonly expectedChecksum: string;
  /** Generates the input from the seed and returns an instance ready to run. */
  setup(options: KernelOptions): KernelInstance;
}

/** The seed every kernel uses unless told otherwise. */
export const DEFAULT_SEED = 42;
