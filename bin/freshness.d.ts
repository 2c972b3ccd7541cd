/** Types of freshness.js (plain JavaScript so that the launcher can run it before tsx is loaded). */
export declare const STAMP: string;
export declare function newestMtime(root: string, roots: readonly string[], files?: readonly string[]): number;
export interface Stamp {
  sourceMtimeMs: number;
  roots: string[];
  files: string[];
}
export declare function readStamp(root: string): Stamp | undefined;
export declare function distState(root: string): 'fresh' | 'missing' | 'stale';
