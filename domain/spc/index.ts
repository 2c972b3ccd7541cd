/** Statistical process control: pure functions, no I/O. See docs/spc.md. */
export * from './capability.ts';
export * from './charts.ts';
export * from './constants.ts';
export * from './conventions.ts';
export * from './distributions.ts';
export * from './limits.ts';
export * from './rules.ts';
export * from './stream.ts';
