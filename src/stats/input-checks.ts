/**
 * Guards shared by the statistics functions. A NaN or an infinity in a sample is a bug upstream
 * (a missing reading turned into a number), and silently sorting or averaging it would hide that bug,
 * so such inputs throw instead of producing a plausible-looking wrong answer.
 */

/** Throws a RangeError naming the caller when any value is NaN or infinite. */
export function assertFiniteValues(values: ArrayLike<number>, where: string): void {
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (!Number.isFinite(value)) {
      throw new RangeError(`${where}: value at index ${i} is ${String(value)}; every value must be a finite number`);
    }
  }
}

/** Throws a RangeError when a confidence level is not strictly between 0 and 1. */
export function assertConfidence(confidence: number, where: string): void {
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`${where}: confidence must be strictly between 0 and 1, got ${String(confidence)}`);
  }
}

/** Throws a RangeError when a count option is not an integer of at least `min`. */
export function assertIntegerAtLeast(value: number, min: number, name: string, where: string): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${where}: ${name} must be an integer >= ${min}, got ${String(value)}`);
  }
}
