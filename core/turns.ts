/**
 * Long synchronous work on the main thread (a write batch of 20,000 events) is done in pieces, each
 * on its own turn of the event loop, so that HTTP requests (/healthz, GraphQL) are read and answered
 * between the pieces instead of after the whole batch.
 */

/** Resolves on a later turn of the event loop, after pending I/O callbacks have run. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Events projected, or CSV rows staged, per turn: ~5-20 ms of work each on a quiet machine. */
export const ROWS_PER_TURN = 1000;
