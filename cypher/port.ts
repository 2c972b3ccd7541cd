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

// --- holds: types (api/schema/holds.ts) ---
export type HoldStatus = 'active' | 'released';

/** A hold on lots and units: placed with a reason, released with a signature's meaning. */
export interface HoldRecord {
  id: string;
  reason: string;
  status: HoldStatus;
  placedBy: string;
  /** ISO 8601. */
  placedAt: string;
  releasedBy: string | null;
  releasedAt: string | null;
  releaseMeaning: string | null;
  /** The held lots and units, sorted. */
  items: string[];
}

export interface PlaceHold {
  /** Chosen by the caller (the API makes `H-...` ids), so a retry can be recognised. */
  id: string;
  items: readonly string[];
  reason: string;
  by: string;
  at: string;
  /** Also hold every lot and unit a forward trace reaches from `items`. */
  includeDownstream?: boolean;
}

export interface ReleaseHold {
  id: string;
  by: string;
  at: string;
  meaning: string;
}

export interface HoldFilter {
  status?: HoldStatus;
  /** Only holds on this lot or unit. */
  item?: string;
  id?: string;
}
// --- end holds: types ---

export interface GraphStore {
  readonly backend: 'kuzu' | 'neo4j';
  /** Idempotent, order-independent, batched. Returns once the batch is committed. */
  applyEvents(events: readonly CanonicalEvent[]): Promise<ApplyResult>;
  traceForward(ids: readonly string[]): Promise<TraceResult>;
  traceBackward(ids: readonly string[]): Promise<TraceResult>;
  stats(): Promise<StoreStats>;
  // --- holds ---
  /** Creates an active hold on existing items; NOT_FOUND names the ids the graph does not hold. */
  placeHold(req: PlaceHold): Promise<HoldRecord>;
  /** Releases an active hold; NOT_FOUND for an unknown id, BAD_INPUT when it is already released. */
  releaseHold(req: ReleaseHold): Promise<HoldRecord>;
  /** Holds matching every given filter, newest first. */
  holds(filter?: HoldFilter): Promise<HoldRecord[]>;
  // --- end holds ---
  /** Cheap liveness check (health probes): resolves when the store answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
