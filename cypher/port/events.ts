/** The write side of the port: canonical events in, the graph changed once per eventId. */
import type { CanonicalEvent } from '../../core/events.ts';

export interface ApplyResult {
  /** Events new to the store, written now. */
  applied: number;
  /** Events whose eventId the store already held (or repeated in the batch): changed nothing. */
  duplicates: number;
  /** Events that arrived declared in error, or declarations that voided a stored event. */
  voided: number;
}

/** What a writer of events needs (the ingest pipeline): test and bench wrappers implement only this. */
export interface EventWriteStore {
  readonly backend: 'kuzu' | 'neo4j';
  /** Idempotent, order-independent, batched. Returns once the batch is committed. */
  applyEvents(events: readonly CanonicalEvent[]): Promise<ApplyResult>;
}
