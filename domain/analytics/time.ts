/** Times as the analytics use them: stored times keep the offset they arrived with, so compare instants, not strings. */
import { TracegraphError } from '../../core/errors.ts';

const DAY = 86_400_000;

/** Milliseconds since the epoch of a stored time; NaN when absent. */
export const ms = (s: string | null | undefined): number => (s ? Date.parse(s) : NaN);

/** A time argument from a client: ISO 8601 with an offset, or a clear BAD_INPUT. */
export function parseInstant(name: string, s: string | null | undefined): number | undefined {
  if (s === null || s === undefined) return undefined;
  const t = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(s) ? Date.parse(s) : NaN;
  if (Number.isNaN(t))
    throw new TracegraphError(
      'BAD_INPUT',
      `\`${name}\` is not a date-time: give ISO 8601, e.g. 2026-03-01T08:00:00Z or 2026-03-01`,
    );
  return t;
}

/**
 * String bounds for the store, widened by a day each way: stored times are compared as strings
 * there, and a day covers any UTC offset and spelling (with or without milliseconds).
 */
export function looseBounds(from: number | undefined, to: number | undefined): [string, string] {
  return [
    from === undefined ? '' : new Date(from - DAY).toISOString(),
    to === undefined ? '\uffff' : new Date(to + DAY).toISOString(),
  ];
}

export function within(t: number, from: number | undefined, to: number | undefined): boolean {
  return !Number.isNaN(t) && (from === undefined || t >= from) && (to === undefined || t <= to);
}
