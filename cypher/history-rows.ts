/**
 * Turns the rows of the history-, genealogy- and equipment-*.cypher queries into the port's
 * facts. Both adapters hand their rows over as plain objects, so the two backends cannot drift in
 * how a null, a list or a JSON column is read.
 */
import type {
  FlowFacts,
  InspectionFacts,
  ItemFacts,
  ItemStatusFacts,
  MaintenanceFacts,
  NeighbourFacts,
  OperationFacts,
  PackFacts,
  ReadingFacts,
  ShipmentFacts,
} from './port.ts';

export type RawRow = Record<string, unknown>;

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const kind = (v: unknown): 'lot' | 'unit' => (v === 'unit' ? 'unit' : 'lot');

/** Kuzu keeps defects and measurements as JSON text; Neo4j keeps defects as a list. */
function jsonList<T>(v: unknown): T[] {
  if (Array.isArray(v)) return v as T[];
  if (typeof v !== 'string' || v === '') return [];
  try {
    const parsed: unknown = JSON.parse(v);
    return Array.isArray(parsed) ? (parsed as T[]) : [];
  } catch {
    return [];
  }
}

export const itemFacts = (r: RawRow): ItemFacts => ({
  id: String(r.id),
  kind: kind(r.kind),
  container: Boolean(r.container),
  material: str(r.material),
  qty: num(r.qty),
  uom: str(r.uom),
  supplier: str(r.supplier),
  supplierLot: str(r.supplierLot),
  // The receive event's order key is "<UTC time>|<eventId>" (projection.ts orderKey).
  ...(typeof r.receiveKey === 'string' && r.receiveKey
    ? {
        receivedAt: r.receiveKey.slice(0, r.receiveKey.indexOf('|')),
        receiveEvent: r.receiveKey.slice(r.receiveKey.indexOf('|') + 1),
      }
    : {}),
});

export const operationFacts = (r: RawRow): OperationFacts => ({
  id: String(r.id),
  step: String(r.step ?? ''),
  station: String(r.station ?? ''),
  startTime: str(r.startTime),
  endTime: String(r.endTime ?? ''),
  result: str(r.result),
  equipment: str(r.equipment),
  operator: str(r.operator),
  recipe: str(r.recipe),
  workOrder: str(r.workOrder),
});

/** One row per operation (an operation re-sent with other context could match twice). */
export function uniqueOperations(rows: RawRow[]): OperationFacts[] {
  const seen = new Map<string, OperationFacts>();
  for (const r of rows) if (!seen.has(String(r.id))) seen.set(String(r.id), operationFacts(r));
  return [...seen.values()];
}

export const flowFacts = (r: RawRow): FlowFacts => ({
  op: String(r.op),
  item: String(r.item),
  direction: r.direction === 'in' ? 'in' : 'out',
  qty: num(r.qty),
  uom: str(r.uom),
  kind: kind(r.kind),
  container: Boolean(r.container),
});

export const inspectionFacts = (r: RawRow): InspectionFacts => ({
  id: String(r.id),
  item: String(r.item),
  result: String(r.result),
  defects: jsonList<string>(r.defects).map(String),
  measurements: jsonList<{ name: string; value: number; uom?: string }>(r.measurements),
  station: str(r.station),
  inspectorId: str(r.inspectorId),
  eventTime: String(r.eventTime),
});

export const packFacts = (r: RawRow): PackFacts => ({
  child: String(r.child),
  parent: String(r.parent),
  eventTime: str(r.eventTime),
});

export const shipmentFacts = (r: RawRow): ShipmentFacts => ({
  item: String(r.item),
  shipment: String(r.shipment),
  customer: str(r.customer),
  eventTime: str(r.eventTime),
});

export const readingFacts = (r: RawRow): ReadingFacts => ({
  parameter: String(r.parameter),
  value: Number(r.value),
  uom: str(r.uom),
  eventTime: String(r.eventTime),
});

export const maintenanceFacts = (r: RawRow): MaintenanceFacts => ({
  id: String(r.id),
  equipment: String(r.equipment),
  type: String(r.type),
  startTime: String(r.startTime),
  endTime: str(r.endTime),
  result: str(r.result),
});

export const statusFacts = (r: RawRow): ItemStatusFacts => ({
  id: String(r.id),
  kind: kind(r.kind),
  container: Boolean(r.container),
  inspections: jsonList<{ result: unknown; eventTime: unknown }>(r.inspections)
    .filter((i) => i && i.result !== null && i.result !== undefined)
    .map((i) => ({ result: String(i.result), eventTime: String(i.eventTime) })),
  shipped: Number(r.shipped) > 0,
  held: Number(r.held) > 0,
});

/** Dedupes a list of rows by a key (the same packing edge may be reached along two paths). */
export function uniqueBy<T>(rows: T[], key: (r: T) => string): T[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    const k = key(r);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Groups the rows of the three genealogy statements (flows, packing, shipments) by starting item. */
export function neighbourFacts(ids: readonly string[], flows: RawRow[], packed: RawRow[], shipped: RawRow[]): NeighbourFacts[] {
  const by = new Map<string, NeighbourFacts>(ids.map((id) => [id, { from: id, flows: [], packed: [], shipments: [] }]));
  for (const r of flows)
    by.get(String(r.from))?.flows.push({
      op: String(r.op),
      step: String(r.step ?? ''),
      result: str(r.result),
      item: str(r.item),
      qtyIn: num(r.qtyIn),
      qtyOut: num(r.qtyOut),
      uom: str(r.uom),
    });
  for (const r of packed) by.get(String(r.from))?.packed.push(String(r.item));
  for (const r of shipped) by.get(String(r.from))?.shipments.push({ shipment: String(r.shipment), customer: str(r.customer) });
  return [...by.values()];
}
