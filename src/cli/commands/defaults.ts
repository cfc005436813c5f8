/** Defaults and choices that a command's declaration and its action both name (a leaf module, so neither imports the other). */

/** Default repetitions of each command of `ab`: the methodology asks for at least 10 process-level repetitions per side. */
export const DEFAULT_AB_REPEAT = 10;

/** Output formats of `compare`. */
export const COMPARE_FORMATS = ['table', 'md', 'csv', 'json'] as const;
