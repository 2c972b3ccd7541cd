/** Serial history, genealogy and quality analytics: raw facts, assembled in domain/analytics/. */

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
  /** On an active hold (a hold lists every item it covers). */
  held: boolean;
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
export interface HistoryStore {
  itemRecord(id: string): Promise<ItemRecord | null>;
  neighbours(ids: readonly string[], direction: 'up' | 'down'): Promise<NeighbourFacts[]>;
  itemStatus(ids: readonly string[]): Promise<ItemStatusFacts[]>;
  readings(equipment: string, from: string, to: string): Promise<ReadingFacts[]>;
  qualityFacts(from: string, to: string): Promise<QualityFacts>;
  /** Every equipment id the graph holds (named by an operation, a reading or a maintenance), sorted. */
  equipmentIds(): Promise<string[]>;
}
