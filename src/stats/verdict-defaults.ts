/** The default settings of a verdict, apart from the statistics that use them (the CLI's usage text needs only these). */

/** Default practical-effect threshold in percent. */
export const DEFAULT_THRESHOLD_PCT = 5;
/** Default significance level of the Mann–Whitney test (the bootstrap CI uses confidence 1 - alpha). */
export const DEFAULT_ALPHA = 0.05;
/** Default minimum number of repetitions on each side. */
export const DEFAULT_MIN_REPETITIONS = 3;
/** Default largest coefficient of variation (as a fraction) at which `unchanged` may still be claimed. */
export const DEFAULT_MAX_CV_FRACTION = 0.2;
/** Default bootstrap seed, so that an unseeded comparison is still reproducible. */
export const DEFAULT_COMPARE_SEED = 0x5eed;
