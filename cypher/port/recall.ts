/** Recall: the scope of suspect material from criteria, saved recalls, and mass balance of lots. */
import type { ShipmentUnits } from './trace.ts';

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
  /** Every unit in the scope (finished units and sub-assemblies). */
  units: number;
  /** Units not built into another unit of the graph (end products, or units that went no further). */
  finishedUnits: number;
  /** Units that went into an operation that made something else from them (a board into a product). */
  subAssemblies: number;
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

/** A criterion that matched nothing in the graph, with the closest names the graph does hold. */
export interface UnmatchedCriterion {
  /** `supplierLots`, `material`, `equipment`, `operator`, `parameter.equipmentId`, `parameter.name` or `defectCode`. */
  criterion: string;
  value: string;
  /** Close matches (same start, contained, or a few letters apart), best first; may be empty. */
  suggestions: string[];
}

/** A supplier's own lot number given as a supplier lot, and the lots received under it. */
export interface SupplierLotMatch {
  supplierLot: string;
  lots: string[];
}

export interface RecallScopeResult {
  counts: RecallCounts;
  /** Criteria that matched nothing: a scope of 0 because of a typo says so here. */
  unmatched: UnmatchedCriterion[];
  /** Supplier lot numbers (`supplierLot` of a receive) resolved to the lots that carry them. */
  supplierLotNumbers: SupplierLotMatch[];
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

export type RecallStatus = 'draft' | 'approved' | 'closed';

/** What a saved recall scoped, frozen when it was saved: later events do not change it. */
export interface FrozenScope {
  units: string[];
  lots: string[];
  containers: string[];
  shipments: ShipmentUnits[];
  customers: { customer: string; units: number }[];
}

export interface RecallRecord {
  id: string;
  name: string;
  criteria: RecallCriteria;
  counts: RecallCounts;
  /** The scope as it was when saved (a recall saved before this was kept has empty lists). */
  scope: FrozenScope;
  /** draft when saved, approved once signed, closed when done. */
  status: RecallStatus;
  createdAt: string;
  createdBy: string | null;
}

/** What a caller gives to save a recall: the store adds the id, the time and the draft status. */
export type NewRecall = Omit<RecallRecord, 'id' | 'createdAt' | 'status' | 'scope'> & { scope?: FrozenScope };

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

export interface RecallStore {
  recallScope(criteria: RecallCriteria): Promise<RecallScopeResult>;
  /** Saves a scope as a draft recall (without `scope`, its lists are kept empty). */
  saveRecall(recall: NewRecall): Promise<RecallRecord>;
  listRecalls(): Promise<RecallRecord[]>;
  /** Sets a saved recall's status; NOT_FOUND for an unknown id. */
  setRecallStatus(id: string, status: RecallStatus): Promise<RecallRecord>;
  massBalance(lots: readonly string[]): Promise<MassBalance[]>;
}
