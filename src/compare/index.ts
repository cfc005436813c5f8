/** Cross-run comparison: joins across machines, ratios and scores, the CI gate, paired A/B runs. */
export * from './ab.js';
export * from './ab-verdict.js';
export * from './check.js';
export * from './check-files.js';
export * from './compare.js';
export * from './compare-files.js';
export * from './join.js';
export * from './thin.js';
