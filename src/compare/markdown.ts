/** The Markdown of `compare`, `check` and `ab` lives with the other formats; re-exported here for the library API. */
export * from '../format/markdown.js';
