/**
 * Public surface of the pure statistics module (no I/O, no Math.random).
 */
export * from './bootstrap.js';
export * from './descriptive.js';
export * from './distributions.js';
export * from './geomean.js';
export * from './mann-whitney.js';
export * from './prng.js';
export * from './special-functions.js';
export * from './verdict.js';
