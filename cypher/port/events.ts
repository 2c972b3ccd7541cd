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

/** What `rebuild` did: whether the store's earlier contents were carried over, where the damaged copy is. */
export interface RebuildResult {
  /** False: the store starts empty and everything must be replayed from the event log. */
  carried: boolean;
  kept: string;
}

/** What a writer of events needs (the ingest pipeline): test and bench wrappers implement only this. */
export interface EventWriteStore {
  readonly backend: 'kuzu' | 'neo4j';
  /** Idempotent, order-independent, batched. Returns once the batch is committed. */
  applyEvents(events: readonly CanonicalEvent[]): Promise<ApplyResult>;
  /**
   * Embedded store only: replaces a store that reported STORE_DAMAGED with a sound one (see the
   * Kuzu adapter). The caller then re-applies the event log (from its checkpoint when `carried`).
   */
  rebuild?(): Promise<RebuildResult>;
}
