/**
 * Recall scope: from criteria (supplier lots, material, equipment window, out-of-spec parameter,
 * operator, defect code, production dates) to the units, lots, shipments and customers to recall,
 * and the naive scope a plant without genealogy would have recalled.
 *
 * The logic is the same on every backend; each adapter answers the few facts it needs
 * (`RecallFacts`) in the way that is fast for it (Kuzu: its in-memory trace index and an
 * operation cache; Neo4j: indexed Cypher lookups). Heavy traversal is always the store's trace
 * (reachability, never paths).
 */
import { randomUUID } from 'node:crypto';
import { TracegraphError } from '../core/errors.ts';
import type {
  FlowQuantity,
  RecallCounts,
  RecallCriteria,
  RecallRecord,
  RecallScopeResult,
  ScopeProduction,
  ShipmentUnits,
  TimeWindow,
  TraceResult,
} from './port.ts';

/** What a recall needs to know about one operation. Times are epoch milliseconds. */
export interface OpFacts {
  id: string;
  step: string;
  station: string;
  start: number;
  end: number;
  recipe: string | null;
  equipment: string | null;
  operator: string | null;
}

export interface ReadingFacts {
  equipment: string;
  value: number;
  time: number;
}

export interface RecallFacts {
  traceForward(ids: readonly string[]): Promise<TraceResult>;
  /** What each item is (unknown ids are left out). */
  kinds(items: readonly string[]): Promise<Map<string, 'lot' | 'unit' | 'container'>>;
  /** Received lots of a material. */
  lotsOfMaterial(material: string): Promise<string[]>;
  /** Every operation that ran on the equipment or by the operator. */
  operationsBy(who: { equipment?: string; operator?: string }): Promise<OpFacts[]>;
  /** The items the operations output. */
  outputsOf(operations: readonly string[]): Promise<string[]>;
  readings(equipment: string | null, parameter: string): Promise<ReadingFacts[]>;
  /** Items with a failed inspection naming the defect code. */
  failedWith(defectCode: string): Promise<string[]>;
  /** The operation that produced each unit (the latest, for a reworked unit). */
  producers(units: readonly string[]): Promise<Map<string, OpFacts>>;
  /** Operations at a station that ended in [from, to], with the units (not containers) each output. */
  unitsMadeAt(station: string, from: number, to: number): Promise<{ op: OpFacts; units: string[] }[]>;
  /** The shipments that carried each item, directly or in a container (any packing depth). */
  shipmentsOf(items: readonly string[]): Promise<Map<string, { shipment: string; customer: string | null }[]>>;
}

const time = (iso: string | null | undefined, fallback: number, what: string): number => {
  if (iso === null || iso === undefined || iso === '') return fallback;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new TracegraphError('BAD_INPUT', `${what} ${JSON.stringify(iso)} is not an ISO 8601 date-time`);
  return t;
};

function windowOf(w: TimeWindow, what: string): [number, number] {
  const from = time(w.from, -Infinity, `${what}.from`);
  const to = time(w.to, Infinity, `${what}.to`);
  if (from > to) throw new TracegraphError('BAD_INPUT', `${what}: from is after to`);
  return [from, to];
}

const overlaps = (op: OpFacts, [from, to]: [number, number]) => op.start <= to && op.end >= from;

/** The product a unit is: its GTIN for an SGTIN, else the recipe (or step) of the operation that made it. */
export function productOf(unit: string, op: OpFacts | undefined): string {
  const sgtin = /^urn:epc:id:sgtin:(\d+)\.(\d+)\./.exec(unit);
  if (sgtin) return `gtin:${sgtin[1]}.${sgtin[2]}`;
  if (!op) return 'unknown';
  return op.recipe ? `recipe:${op.recipe}` : `step:${op.step}`;
}

/** Windows during which a parameter was out of spec: from an out-of-spec reading to the next in-spec one. */
export function outOfSpecWindows(
  readings: readonly ReadingFacts[],
  min: number,
  max: number,
  [from, to]: [number, number],
): Map<string, [number, number][]> {
  const byEquipment = new Map<string, ReadingFacts[]>();
  for (const r of readings)
    if (r.time >= from && r.time <= to)
      (byEquipment.get(r.equipment) ?? byEquipment.set(r.equipment, []).get(r.equipment)!).push(r);
  const out = new Map<string, [number, number][]>();
  for (const [eq, rs] of byEquipment) {
    rs.sort((a, b) => a.time - b.time);
    const windows: [number, number][] = [];
    let open: number | undefined;
    for (const r of rs) {
      const bad = r.value < min || r.value > max;
      if (bad && open === undefined) open = r.time;
      if (!bad && open !== undefined) {
        windows.push([open, r.time]);
        open = undefined;
      }
    }
    if (open !== undefined) windows.push([open, to]);
    if (windows.length) out.set(eq, windows);
  }
  return out;
}

/** The items one criterion makes suspect: its seeds and everything made from them. */
async function affected(facts: RecallFacts, seeds: readonly string[]): Promise<Set<string>> {
  const set = new Set(seeds);
  if (seeds.length === 0) return set;
  const t = await facts.traceForward(seeds);
  for (const id of [...t.lots, ...t.units, ...t.containers]) set.add(id);
  return set;
}

async function outputsDuring(facts: RecallFacts, ops: OpFacts[], keep: (op: OpFacts) => boolean): Promise<string[]> {
  return facts.outputsOf(ops.filter(keep).map((o) => o.id));
}

export function hasCriterion(c: RecallCriteria): boolean {
  return Boolean(c.supplierLots?.length || c.material || c.equipment || c.parameter || c.operator || c.defectCode);
}

export async function computeRecallScope(facts: RecallFacts, c: RecallCriteria): Promise<RecallScopeResult> {
  if (!hasCriterion(c))
    throw new TracegraphError(
      'BAD_INPUT',
      'give at least one of supplierLots, material, equipment, parameter, operator or defectCode (from/to only narrow a scope)',
    );
  const production = windowOf({ from: c.from, to: c.to }, 'criteria');
  const sets: Set<string>[] = [];
  if (c.supplierLots?.length) sets.push(await affected(facts, c.supplierLots));
  if (c.material) sets.push(await affected(facts, await facts.lotsOfMaterial(c.material)));
  if (c.equipment) {
    const w = windowOf(c.equipment, 'equipment');
    const ops = await facts.operationsBy({ equipment: c.equipment.id });
    sets.push(await affected(facts, await outputsDuring(facts, ops, (op) => overlaps(op, w))));
  }
  if (c.operator) {
    const ops = await facts.operationsBy({ operator: c.operator });
    sets.push(await affected(facts, await outputsDuring(facts, ops, (op) => overlaps(op, production))));
  }
  if (c.parameter) {
    const p = c.parameter;
    if (p.min == null && p.max == null)
      throw new TracegraphError('BAD_INPUT', 'parameter: give min, max or both (the spec limits)');
    const windows = outOfSpecWindows(
      await facts.readings(p.equipmentId ?? null, p.name),
      p.min ?? -Infinity,
      p.max ?? Infinity,
      windowOf(p, 'parameter'),
    );
    const seeds: string[] = [];
    for (const [equipment, ws] of windows) {
      const ops = await facts.operationsBy({ equipment });
      seeds.push(...(await outputsDuring(facts, ops, (op) => ws.some((w) => overlaps(op, w)))));
    }
    sets.push(await affected(facts, seeds));
  }
  if (c.defectCode) sets.push(await affected(facts, await facts.failedWith(c.defectCode)));

  sets.sort((a, b) => a.size - b.size);
  const [first, ...rest] = sets;
  const items = [...first!].filter((id) => rest.every((s) => s.has(id)));
  const kinds = await classify(facts, items);
  let units = kinds.units;
  const producers = await facts.producers(units);
  if (Number.isFinite(production[0]) || Number.isFinite(production[1])) {
    units = units.filter((u) => {
      const op = producers.get(u);
      return op !== undefined && op.end >= production[0] && op.end <= production[1];
    });
  }
  const shipped = await facts.shipmentsOf(units);
  const shippedUnits = units.filter((u) => (shipped.get(u) ?? []).length > 0);
  const shipments = shipmentUnits(shipped);
  const customers = [...new Set(shipments.map((s) => s.customer).filter((x): x is string => !!x))].sort();
  const naive = await naiveScope(facts, units, producers);
  const made = productionOf(units, producers);
  const precision = naive.units === 0 ? 1 : units.length / naive.units;
  return {
    counts: {
      units: units.length,
      lots: kinds.lots.length,
      shipments: shipments.length,
      customers: customers.length,
      inStock: units.length - shippedUnits.length,
      shipped: shippedUnits.length,
    },
    units: units.sort(),
    lots: kinds.lots.sort(),
    containers: kinds.containers.sort(),
    shipments,
    customers,
    shippedUnits: shippedUnits.sort(),
    naive,
    precision,
    spared: Math.max(0, naive.units - units.length),
    production: made,
  };
}

/** When the scope's units were made (their producing operations' ends) and how many of each product. */
function productionOf(units: readonly string[], producers: Map<string, OpFacts>): ScopeProduction {
  let from = Infinity;
  let to = -Infinity;
  const products = new Map<string, number>();
  for (const u of units) {
    const op = producers.get(u);
    if (op) {
      from = Math.min(from, op.end);
      to = Math.max(to, op.end);
    }
    const p = productOf(u, op);
    products.set(p, (products.get(p) ?? 0) + 1);
  }
  return {
    from: Number.isFinite(from) ? new Date(from).toISOString() : null,
    to: Number.isFinite(to) ? new Date(to).toISOString() : null,
    products: [...products]
      .map(([product, count]) => ({ product, units: count }))
      .sort((a, b) => (a.product < b.product ? -1 : 1)),
  };
}

async function classify(facts: RecallFacts, items: string[]): Promise<{ lots: string[]; units: string[]; containers: string[] }> {
  const out = { lots: [] as string[], units: [] as string[], containers: [] as string[] };
  const kinds = await facts.kinds(items);
  for (const id of items) {
    const k = kinds.get(id);
    if (k === 'lot') out.lots.push(id);
    else if (k === 'unit') out.units.push(id);
    else if (k === 'container') out.containers.push(id);
  }
  return out;
}

/**
 * The naive scope: every unit of the same product made at the same station in the same period
 * as the graph's units, where a period is the span from the first to the last suspect unit made
 * at that station.
 */
async function naiveScope(facts: RecallFacts, units: readonly string[], producers: Map<string, OpFacts>) {
  const spans = new Map<string, { from: number; to: number; products: Set<string> }>();
  for (const u of units) {
    const op = producers.get(u);
    if (!op) continue;
    const s = spans.get(op.station) ?? { from: Infinity, to: -Infinity, products: new Set<string>() };
    s.from = Math.min(s.from, op.end);
    s.to = Math.max(s.to, op.end);
    s.products.add(productOf(u, op));
    spans.set(op.station, s);
  }
  let count = 0;
  const parts: string[] = [];
  for (const [station, s] of [...spans].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const made = new Set<string>();
    for (const { op, units: out } of await facts.unitsMadeAt(station, s.from, s.to))
      for (const u of out) if (s.products.has(productOf(u, op))) made.add(u);
    count += made.size;
    parts.push(
      `${made.size} units of ${[...s.products].sort().join(', ')} made at ${station} from ${new Date(s.from).toISOString()} to ${new Date(s.to).toISOString()}`,
    );
  }
  return { units: count, description: parts.length ? parts.join('; ') : 'no suspect unit has a known producing operation' };
}

// Shared by both adapters: trace quantities, trace events, saved recalls.

/**
 * The items whose events make up a trace: the starts, everything reached, and for a backward trace
 * also the containers they were packed into at any depth (`containersOf` the whole set), as
 * OpenTraceability's traceback adds the events of an aggregation's parent.
 */
export async function traceEventItems(
  ids: readonly string[],
  t: TraceResult,
  direction: 'forward' | 'backward',
  containersOf: (items: string[]) => Promise<string[]>,
): Promise<Set<string>> {
  const items = new Set([...ids, ...t.lots, ...t.units, ...t.containers]);
  if (direction === 'backward') for (const c of await containersOf([...items])) items.add(c);
  return items;
}

/**
 * Flow pairs that belong to a trace: forward, from an item in it; backward, into one. Deduplicated,
 * sorted by from, operation, to, then quantities (so that two edges between the same pair, drawn
 * by two events, come out in the same order on every backend).
 */
export function flowsInTrace(
  rows: FlowQuantity[],
  inTrace: ReadonlySet<string>,
  direction: 'forward' | 'backward',
): FlowQuantity[] {
  const seen = new Set<string>();
  const out: { row: FlowQuantity; pair: string; k: string }[] = [];
  for (const r of rows) {
    if (!inTrace.has(direction === 'forward' ? r.from : r.to)) continue;
    const k = JSON.stringify([r.from, r.operation, r.to, r.qty, r.uom, r.outQty, r.outUom]);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({ row: r, pair: `${r.from}\u0000${r.operation}\u0000${r.to}`, k });
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return out.sort((a, b) => cmp(a.pair, b.pair) || cmp(a.k, b.k)).map((x) => x.row);
}

/** Units per shipment, from each unit's shipments (direct or through containers). */
export function shipmentUnits(byUnit: Map<string, { shipment: string; customer: string | null }[]>): ShipmentUnits[] {
  const per = new Map<string, ShipmentUnits & { seen: Set<string> }>();
  for (const [unit, list] of byUnit)
    for (const s of list) {
      const row = per.get(s.shipment) ?? { shipment: s.shipment, customer: s.customer, units: 0, seen: new Set<string>() };
      if (!row.seen.has(unit)) {
        row.seen.add(unit);
        row.units++;
      }
      per.set(s.shipment, row);
    }
  return [...per.values()]
    .map(({ shipment, customer, units }) => ({ shipment, customer, units }))
    .sort((a, b) => (a.shipment < b.shipment ? -1 : 1));
}

export function newRecallRecord(r: Omit<RecallRecord, 'id' | 'createdAt'>): RecallRecord {
  return { ...r, id: `RCL-${randomUUID()}`, createdAt: new Date().toISOString() };
}

/** A stored Recall row (criteria and counts as JSON text) back to a record. */
export function parseRecallRow(r: Record<string, unknown>): RecallRecord {
  return {
    id: r.id as string,
    name: r.name as string,
    criteria: JSON.parse(r.criteria as string) as RecallCriteria,
    counts: JSON.parse(r.counts as string) as RecallCounts,
    createdAt: r.createdAt as string,
    createdBy: (r.createdBy as string | null) || null,
  };
}
