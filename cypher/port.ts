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

// --- specs and alarms: types (ingest/monitor, api/schema/monitor.ts) ---
/** What a spec is for: a parameter, on one piece of equipment and/or under one recipe (null = any). */
export interface SpecKey {
  parameter: string;
  equipmentId: string | null;
  /** A recipe id names its version in this model. */
  recipeId: string | null;
}

/** One version of a spec: the limits of a process parameter. Every version is kept. */
export interface SpecRecord extends SpecKey {
  /** Lower and upper specification limits; one may be absent, never both. */
  lsl: number | null;
  usl: number | null;
  target: number | null;
  uom: string | null;
  /** 1 for a key's first spec, +1 per change of the same key. */
  version: number;
  changedBy: string;
  /** ISO 8601, UTC. */
  changedAt: string;
  reason: string;
}

export type NewSpec = Omit<SpecRecord, 'version'>;

export interface SpecFilter {
  parameter?: string;
  equipmentId?: string;
  /** Every version (oldest first per key) instead of the current one per key. */
  history?: boolean;
}

export type AlarmStatus = 'open' | 'cleared';
/** What raised an alarm: `spec` (a reading outside its spec limits); SPC rules will add theirs. */
export type AlarmRule = 'spec';

/** A parameter out of its limits on a piece of equipment: open until a reading is back inside. */
export interface AlarmRecord {
  id: string;
  rule: AlarmRule;
  status: AlarmStatus;
  equipmentId: string;
  parameter: string;
  /** The reading that raised it. */
  value: number;
  /** The limit it crossed (usl when above, lsl when below). */
  limit: number;
  lsl: number | null;
  usl: number | null;
  uom: string | null;
  /** The spec (its key's recipe and version) the reading was checked against. */
  recipeId: string | null;
  specVersion: number | null;
  /** ISO 8601, UTC: the event time of the reading that raised it. */
  raisedAt: string;
  readingEventId: string;
  /** ISO 8601, UTC: the event time of the first reading back inside; null while open. */
  clearedAt: string | null;
  clearValue: number | null;
  message: string;
}

export interface ClearAlarm {
  id: string;
  at: string;
  value: number;
}

export interface AlarmFilter {
  status?: AlarmStatus;
  equipmentId?: string;
  parameter?: string;
  /** Bounds on raisedAt (ISO 8601, compared as UTC strings). */
  from?: string;
  to?: string;
  /** Newest first, at most this many (default 100). */
  limit?: number;
}

/** The specs and alarms part of the port (every GraphStore has it). */
export interface MonitorStore {
  /** Writes the next version of the spec's key and returns it. */
  saveSpec(spec: NewSpec): Promise<SpecRecord>;
  /** The current version of every key (or every version with `history`), filtered. */
  specs(filter?: SpecFilter): Promise<SpecRecord[]>;
  /** Stores a new open alarm, RAISED_AT its equipment. */
  openAlarm(alarm: AlarmRecord): Promise<AlarmRecord>;
  /** Clears an open alarm; null when it is unknown or already cleared. */
  clearAlarm(req: ClearAlarm): Promise<AlarmRecord | null>;
  /** Alarms matching every given filter, newest first. */
  alarms(filter?: AlarmFilter): Promise<AlarmRecord[]>;
}
// --- end specs and alarms: types ---

export interface GraphStore extends RecallStore, GraphStoreHistory, MonitorStore {
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

// ---- Quantities, trace events, recall scope, mass balance (issue 4 item 1, issue 7 item 6) ----

/** One input -> output pair of an operation in a trace: how much of `from` went into the step that made `to`. */
export interface FlowQuantity {
  from: string;
  operation: string;
  to: string;
  /** The quantity of `from` the operation consumed (its INPUT_TO edge), when the event gave one. */
  qty: number | null;
  uom: string | null;
  /** The quantity of `to` the operation produced (its OUTPUT edge). */
  outQty: number | null;
  outUom: string | null;
}

/** Units of a trace in one shipment (counted through the cases and pallets that carried them). */
export interface ShipmentUnits {
  shipment: string;
  customer: string | null;
  units: number;
}

export interface TraceQuantities {
  flows: FlowQuantity[];
  shipments: ShipmentUnits[];
}

/** A time window; either end may be open. ISO 8601 with offset. */
export interface TimeWindow {
  from?: string | null;
  to?: string | null;
}

/** What makes material suspect; kinds given together are combined with AND. */
export interface RecallCriteria {
  supplierLots?: string[] | null;
  material?: string | null;
  equipment?: ({ id: string } & TimeWindow) | null;
  /** Out of spec = a reading outside [min, max]; units processed on that equipment while it was out of spec are suspect. */
  parameter?: ({ equipmentId?: string | null; name: string; min?: number | null; max?: number | null } & TimeWindow) | null;
  operator?: string | null;
  defectCode?: string | null;
  /** Production time of the affected units. */
  from?: string | null;
  to?: string | null;
}

export interface RecallCounts {
  units: number;
  lots: number;
  shipments: number;
  customers: number;
  inStock: number;
  shipped: number;
}

/** The scope a plant without genealogy would recall: same product, same station, same period. */
export interface NaiveScope {
  units: number;
  description: string;
}

export interface RecallScopeResult {
  counts: RecallCounts;
  units: string[];
  lots: string[];
  containers: string[];
  shipments: ShipmentUnits[];
  customers: string[];
  /** Units of the scope that left in a shipment (directly or in a container). */
  shippedUnits: string[];
  naive: NaiveScope;
  /** Graph units / naive units (1 when the naive scope is empty). */
  precision: number;
  /** Naive units the graph did not need to recall. */
  spared: number;
  /** When the units were made and what products they are (the recall report's product identity). */
  production?: ScopeProduction;
}

export interface ScopeProduction {
  /** ISO 8601, UTC: the end of the first and of the last producing operation; null without one. */
  from: string | null;
  to: string | null;
  /** Units per product: `gtin:...` for an SGTIN, else `recipe:...` or `step:...` of the operation that made it. */
  products: { product: string; units: number }[];
}

export interface RecallRecord {
  id: string;
  name: string;
  criteria: RecallCriteria;
  counts: RecallCounts;
  createdAt: string;
  createdBy: string | null;
}

export interface MassBalance {
  lot: string;
  /** What came in: the received quantity, or for an intermediate lot what operations produced. */
  received: number | null;
  source: 'received' | 'produced' | null;
  uom: string | null;
  consumed: number;
  remaining: number | null;
  /** Consumptions recorded without a quantity (they cannot be balanced). */
  unquantified: number;
  discrepancy: boolean;
  reasons: string[];
}

/** The recall, quantity and mass-balance part of the port (every GraphStore has it). */
export interface RecallStore {
  /** Input -> output quantities of every operation a trace passes through, and units per shipment. */
  traceQuantities(ids: readonly string[], direction: 'forward' | 'backward'): Promise<TraceQuantities>;
  /** The ids (EPCIS eventID where there is one) of the live events that make up a trace. */
  traceEvents(ids: readonly string[], direction: 'forward' | 'backward'): Promise<string[]>;
  recallScope(criteria: RecallCriteria): Promise<RecallScopeResult>;
  saveRecall(recall: Omit<RecallRecord, 'id' | 'createdAt'>): Promise<RecallRecord>;
  listRecalls(): Promise<RecallRecord[]>;
  massBalance(lots: readonly string[]): Promise<MassBalance[]>;
}

/** What a writer of events needs (the ingest pipeline): test and bench wrappers implement only this. */
export type EventWriter = Pick<GraphStore, 'backend' | 'applyEvents'>;
// --- Serial history, genealogy and quality analytics: raw facts, assembled in api/analytics/ ---

export interface ItemFacts {
  id: string;
  kind: 'lot' | 'unit';
  container: boolean;
  material: string | null;
  qty: number | null;
  uom: string | null;
  supplier: string | null;
  supplierLot: string | null;
  /** ISO 8601, UTC: when it was received (the latest receive event); absent for what was never received. */
  receivedAt?: string;
  /** The eventId of that receive event. */
  receiveEvent?: string;
}
/** An operation with what ran it: equipment, operator, recipe (its id is its version), work order. */
export interface OperationFacts {
  id: string;
  step: string;
  station: string;
  startTime: string | null;
  endTime: string;
  result: string | null;
  equipment: string | null;
  operator: string | null;
  recipe: string | null;
  workOrder: string | null;
}
/** One input (`in`) or output (`out`) of an operation. */
export interface FlowFacts {
  op: string;
  item: string;
  direction: 'in' | 'out';
  qty: number | null;
  uom: string | null;
  kind: 'lot' | 'unit';
  container: boolean;
}
export interface InspectionFacts {
  id: string;
  item: string;
  result: string;
  defects: string[];
  measurements: { name: string; value: number; uom?: string }[];
  station: string | null;
  inspectorId: string | null;
  eventTime: string;
}
export interface PackFacts {
  child: string;
  parent: string;
  eventTime: string | null;
}
export interface ShipmentFacts {
  /** The item shipped: the one asked about or a container holding it. */
  item: string;
  shipment: string;
  customer: string | null;
  eventTime: string | null;
}
export interface ReadingFacts {
  parameter: string;
  value: number;
  uom: string | null;
  eventTime: string;
}
export interface MaintenanceFacts {
  id: string;
  equipment: string;
  type: string;
  startTime: string;
  endTime: string | null;
  result: string | null;
}
/** Everything recorded about one lot or unit (its serial history before assembly). */
export interface ItemRecord {
  item: ItemFacts;
  /** Operations it went into or came out of. */
  operations: OperationFacts[];
  /** Every input and output of those operations. */
  flows: FlowFacts[];
  inspections: InspectionFacts[];
  /** Packing edges from the item up through every container holding it. */
  containers: PackFacts[];
  /** Shipments of the item or of a container holding it. */
  shipments: ShipmentFacts[];
}
/** One item's neighbours one flow step away: `down` = where it went, `up` = what it came from. */
export interface NeighbourFacts {
  from: string;
  /** Operations it went into (down) or came out of (up), with the item on the other side. */
  flows: {
    op: string;
    step: string;
    result: string | null;
    item: string | null;
    qtyIn: number | null;
    qtyOut: number | null;
    uom: string | null;
  }[];
  /** Containers it was packed into (down) or the contents of it (up). */
  packed: string[];
  /** Shipments that carried it and their customers (down only). */
  shipments: { shipment: string; customer: string | null }[];
}
export interface ItemStatusFacts {
  id: string;
  kind: 'lot' | 'unit';
  container: boolean;
  inspections: { result: string; eventTime: string }[];
  shipped: boolean;
}
/** Operations that ended in a window, their inputs and outputs, the outputs' inspections, and all maintenance. */
export interface QualityFacts {
  operations: OperationFacts[];
  flows: FlowFacts[];
  inspections: InspectionFacts[];
  maintenance: MaintenanceFacts[];
}

/**
 * Read methods for history, genealogy and analytics. Time bounds given to the store are coarse
 * string bounds on the stored times (callers widen them by a day and filter exactly, because
 * stored times keep the offset they arrived with).
 */
export interface GraphStoreHistory {
  itemRecord(id: string): Promise<ItemRecord | null>;
  neighbours(ids: readonly string[], direction: 'up' | 'down'): Promise<NeighbourFacts[]>;
  itemStatus(ids: readonly string[]): Promise<ItemStatusFacts[]>;
  readings(equipment: string, from: string, to: string): Promise<ReadingFacts[]>;
  qualityFacts(from: string, to: string): Promise<QualityFacts>;
}
