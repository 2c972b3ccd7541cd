/**
 * Turns canonical events into the rows both adapters write: one place decides what the graph
 * looks like, so Kuzu and Neo4j cannot drift apart.
 *
 * Order independence: everything an event sets on a shared node is merged monotonically, so any
 * arrival order gives the same graph:
 *  - an item's kind is the highest-ranked claim (what the id or a defining event says beats a
 *    guess from context; a unit claim beats a lot claim at the same level);
 *  - `container` only ever turns on;
 *  - receive and operation properties come from the event with the greatest (UTC time, eventId).
 */
import type { CanonicalEvent, EventOf } from '../core/events.ts';
import { isContainerId, kindFromId, type ItemKind } from '../core/ids.ts';

/** Claim strength: 4 definite unit, 3 definite lot, 2 guessed unit, 1 guessed lot. */
export type KindRank = 1 | 2 | 3 | 4;
export const kindOfRank = (rank: number): ItemKind => (rank % 2 === 0 ? 'unit' : 'lot');

function rankOf(kind: ItemKind, definite: boolean): KindRank {
  return ((definite ? 2 : 0) + (kind === 'unit' ? 2 : 1)) as KindRank;
}

/** UTC time then eventId: a total order in which "latest" is the same whatever arrives first. */
export function orderKey(e: { eventTime: string; eventId: string }): string {
  return `${new Date(e.eventTime).toISOString()}|${e.eventId}`;
}

export interface ItemRow {
  id: string;
  rank: KindRank;
  kind: ItemKind;
  container: boolean;
}
export interface ReceiveRow {
  id: string;
  material: string;
  qty: number;
  uom: string;
  supplier: string;
  supplierLot: string | null;
  key: string;
}
export interface OperationRow {
  id: string;
  step: string;
  station: string;
  startTime: string | null;
  endTime: string;
  result: string | null;
  key: string;
}
export interface FlowRow {
  item: string;
  op: string;
  qty: number | null;
  uom: string | null;
  eventId: string;
}
export interface PackRow {
  child: string;
  parent: string;
  eventId: string;
  eventTime: string;
}
export interface ShipmentRow {
  id: string;
  eventTime: string;
  eventId: string;
  qty: number | null;
}
export interface LinkRow {
  from: string;
  to: string;
}
export interface ShippedRow {
  item: string;
  shipment: string;
  eventId: string;
}
export interface EventRow {
  id: string;
  kind: string;
  eventTime: string;
  recordTime: string | null;
  source: string | null;
  voided: boolean;
  epcisEventId: string | null;
  payload: string;
}
export interface InspectionRow {
  id: string;
  item: string;
  result: string;
  defects: string[];
  measurements: string;
  station: string | null;
  inspectorId: string | null;
  eventTime: string;
}
export interface MaintenanceRow {
  id: string;
  equipment: string;
  type: string;
  startTime: string;
  endTime: string | null;
  result: string | null;
}
export interface ReadingRow {
  id: string;
  equipment: string;
  parameter: string;
  value: number;
  uom: string | null;
  eventTime: string;
}

/** Everything one batch writes. Node rows are merged per id; relationship rows are per event. */
export interface Projection {
  events: EventRow[];
  items: Map<string, ItemRow>;
  receives: Map<string, ReceiveRow>;
  operations: Map<string, OperationRow>;
  inputs: FlowRow[];
  outputs: FlowRow[];
  packs: PackRow[];
  shipments: Map<string, ShipmentRow>;
  shipped: ShippedRow[];
  parties: Set<string>;
  shipTo: LinkRow[];
  suppliedBy: LinkRow[];
  workOrders: Set<string>;
  equipment: Set<string>;
  operators: Set<string>;
  recipes: Set<string>;
  opFor: LinkRow[];
  opOn: LinkRow[];
  opBy: LinkRow[];
  opFollows: LinkRow[];
  inspections: InspectionRow[];
  maintenance: MaintenanceRow[];
  readings: ReadingRow[];
  /** (Event)-[:MENTIONS]->(Item): every item a live event names, for the events of a trace. */
  mentions: LinkRow[];
}

export function emptyProjection(): Projection {
  return {
    events: [],
    items: new Map(),
    receives: new Map(),
    operations: new Map(),
    inputs: [],
    outputs: [],
    packs: [],
    shipments: new Map(),
    shipped: [],
    parties: new Set(),
    shipTo: [],
    suppliedBy: [],
    workOrders: new Set(),
    equipment: new Set(),
    operators: new Set(),
    recipes: new Set(),
    opFor: [],
    opOn: [],
    opBy: [],
    opFollows: [],
    inspections: [],
    maintenance: [],
    readings: [],
    mentions: [],
  };
}

export function mergeItem(p: Projection, id: string, kind: ItemKind, definite: boolean, container = false): void {
  const fromId = kindFromId(id);
  const rank = Math.max(rankOf(kind, definite), fromId ? rankOf(fromId, true) : 0) as KindRank;
  const isContainer = container || isContainerId(id);
  const prev = p.items.get(id);
  if (!prev) {
    p.items.set(id, { id, rank, kind: kindOfRank(rank), container: isContainer });
    return;
  }
  if (rank > prev.rank) {
    prev.rank = rank;
    prev.kind = kindOfRank(rank);
  }
  prev.container ||= isContainer;
}

function latest<T extends { key: string }>(map: Map<string, T>, id: string, row: T): void {
  const prev = map.get(id);
  if (!prev || prev.key < row.key) map.set(id, row);
}

/** The event as the record keeps it (the exact canonical event, so replays and audits see it whole). */
export function eventRow(e: CanonicalEvent, voided: boolean): EventRow {
  return {
    id: e.eventId,
    kind: e.kind,
    eventTime: e.eventTime,
    recordTime: e.recordTime ?? null,
    source: e.source ?? null,
    voided,
    epcisEventId: e.context?.epcisEventId ?? null,
    payload: JSON.stringify(e),
  };
}

/**
 * Adds what an event contributes to the graph. An event declared in error contributes its
 * record only: it no longer counts in traces.
 */
export function project(p: Projection, e: CanonicalEvent): void {
  const voided = e.errorDeclaration !== undefined;
  p.events.push(eventRow(e, voided));
  if (voided) return;
  projectGraph(p, e);
  for (const item of mentionedItems(e)) p.mentions.push({ from: e.eventId, to: item });
}

/** The items an event names (each once): what the traceback of an event log follows. */
export function mentionedItems(e: CanonicalEvent): Set<string> {
  switch (e.kind) {
    case 'receive':
      return new Set([e.lot]);
    case 'operation':
      return new Set([...e.inputs.map((i) => i.id), ...e.outputs.map((o) => o.id)]);
    case 'scan':
    case 'inspection':
      return new Set([e.id]);
    case 'pack':
      return new Set([e.parent, ...e.children]);
    case 'ship':
      return new Set(e.items);
    default:
      return new Set();
  }
}

/** The graph part alone: also used to find what a voided event had drawn, to take it out again. */
export function projectGraph(p: Projection, e: CanonicalEvent): void {
  switch (e.kind) {
    case 'receive':
      return projectReceive(p, e);
    case 'operation':
      return projectOperation(p, e);
    case 'scan':
      mergeItem(p, e.id, 'unit', false);
      return;
    case 'inspection':
      return projectInspection(p, e);
    case 'reading':
      p.equipment.add(e.equipmentId);
      p.readings.push({
        id: e.eventId,
        equipment: e.equipmentId,
        parameter: e.parameter,
        value: e.value,
        uom: e.uom ?? null,
        eventTime: e.eventTime,
      });
      return;
    case 'maintenance':
      p.equipment.add(e.equipmentId);
      p.maintenance.push({
        id: e.eventId,
        equipment: e.equipmentId,
        type: e.type,
        startTime: e.startTime,
        endTime: e.endTime ?? null,
        result: e.result ?? null,
      });
      return;
    case 'pack':
      return projectPack(p, e);
    case 'ship':
      return projectShip(p, e);
  }
}

function projectReceive(p: Projection, e: EventOf<'receive'>): void {
  mergeItem(p, e.lot, 'lot', true);
  latest(p.receives, e.lot, {
    id: e.lot,
    material: e.material,
    qty: e.qty,
    uom: e.uom,
    supplier: e.supplier,
    supplierLot: e.supplierLot ?? null,
    key: orderKey(e),
  });
  p.parties.add(e.supplier);
  p.suppliedBy.push({ from: e.lot, to: e.supplier });
}

function projectOperation(p: Projection, e: EventOf<'operation'>): void {
  const op = e.operationId;
  latest(p.operations, op, {
    id: op,
    step: e.step,
    station: e.station,
    startTime: e.startTime ?? null,
    endTime: e.eventTime,
    result: e.result ?? null,
    key: orderKey(e),
  });
  for (const i of e.inputs) {
    mergeItem(p, i.id, 'lot', false);
    p.inputs.push({ item: i.id, op, qty: i.qty ?? null, uom: i.uom ?? null, eventId: e.eventId });
  }
  for (const o of e.outputs) {
    mergeItem(p, o.id, o.type ?? 'lot', o.type !== undefined);
    p.outputs.push({ item: o.id, op, qty: o.qty ?? null, uom: o.uom ?? null, eventId: e.eventId });
  }
  const ctx: [string | undefined, Set<string>, LinkRow[]][] = [
    [e.workOrder, p.workOrders, p.opFor],
    [e.equipmentId, p.equipment, p.opOn],
    [e.operatorId, p.operators, p.opBy],
    [e.recipeId, p.recipes, p.opFollows],
  ];
  for (const [id, nodes, links] of ctx) {
    if (!id) continue;
    nodes.add(id);
    links.push({ from: op, to: id });
  }
}

function projectInspection(p: Projection, e: EventOf<'inspection'>): void {
  mergeItem(p, e.id, 'unit', false);
  p.inspections.push({
    id: e.eventId,
    item: e.id,
    result: e.result,
    defects: e.defects ?? [],
    measurements: JSON.stringify(e.measurements ?? []),
    station: e.station ?? null,
    inspectorId: e.inspectorId ?? null,
    eventTime: e.eventTime,
  });
}

function projectPack(p: Projection, e: EventOf<'pack'>): void {
  mergeItem(p, e.parent, 'unit', true, true);
  for (const c of e.children) mergeItem(p, c, 'unit', false);
  // Unpacking is kept in the record only: a unit that was ever in a container stays traced to
  // it, because a recall must rather include a pallet too many than miss one.
  if (e.action === 'remove') return;
  for (const c of e.children) p.packs.push({ child: c, parent: e.parent, eventId: e.eventId, eventTime: e.eventTime });
}

function projectShip(p: Projection, e: EventOf<'ship'>): void {
  const shipment = shipmentIdOf(e);
  p.shipments.set(shipment, { id: shipment, eventTime: e.eventTime, eventId: e.eventId, qty: e.qty ?? null });
  p.parties.add(e.customer);
  p.shipTo.push({ from: shipment, to: e.customer });
  for (const item of e.items) {
    mergeItem(p, item, 'unit', false);
    p.shipped.push({ item, shipment, eventId: e.eventId });
  }
}

/** A shipment is named by its despatch advice when the event has one. */
export function shipmentIdOf(e: EventOf<'ship'>): string {
  const desadv = e.context?.bizTransactions?.find((t) => t.type === 'desadv' || t.type?.endsWith('desadv'));
  return desadv?.id ?? e.shipmentId;
}
