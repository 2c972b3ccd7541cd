/**
 * The GraphStore port: the only way the rest of tracegraph reaches the graph. Two adapters
 * implement it side by side (embedded Kuzu, Neo4j); one contract suite runs against both.
 */
import type { CanonicalEvent } from '../core/events.ts';

/** A trace answer. `units` never holds containers (SSCCs, anything packed into): they are in `containers`. */
export interface TraceResult {
  lots: string[];
  units: string[];
  containers: string[];
  shipments: string[];
  customers: string[];
}

export interface ApplyResult {
  /** Events new to the store, written now. */
  applied: number;
  /** Events whose eventId the store already held (or repeated in the batch): changed nothing. */
  duplicates: number;
  /** Events that arrived declared in error, or declarations that voided a stored event. */
  voided: number;
}

export interface StoreStats {
  backend: 'kuzu' | 'neo4j';
  events: number;
  nodes: Record<string, number>;
  relationships: Record<string, number>;
}

export interface GraphStore {
  readonly backend: 'kuzu' | 'neo4j';
  /** Idempotent, order-independent, batched. Returns once the batch is committed. */
  applyEvents(events: readonly CanonicalEvent[]): Promise<ApplyResult>;
  traceForward(ids: readonly string[]): Promise<TraceResult>;
  traceBackward(ids: readonly string[]): Promise<TraceResult>;
  stats(): Promise<StoreStats>;
  /** Cheap liveness check (health probes): resolves when the store answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
