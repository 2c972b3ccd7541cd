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

export interface RecallStore {
  recallScope(criteria: RecallCriteria): Promise<RecallScopeResult>;
  saveRecall(recall: Omit<RecallRecord, 'id' | 'createdAt'>): Promise<RecallRecord>;
  listRecalls(): Promise<RecallRecord[]>;
  massBalance(lots: readonly string[]): Promise<MassBalance[]>;
}
