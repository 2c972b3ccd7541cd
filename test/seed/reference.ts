/**
 * A deliberately naive in-memory tracer: the yardstick the seed and bench tests compare against.
 * It keeps operations as nodes (item -> op -> item), as the graph model does, so it checks the
 * bench's item -> item edge derivation rather than repeating it.
 */
import type { CanonicalEventInput } from '../../core/events.ts';
import type { TraceResult } from '../../cypher/port.ts';

export interface FlowIndex {
  out: Map<string, Set<string>>;
  in: Map<string, Set<string>>;
  kind: Map<string, 'lot' | 'unit' | 'container'>;
  shippedIn: Map<string, Set<string>>;
  customerOf: Map<string, string>;
}

const link = (m: Map<string, Set<string>>, a: string, b: string) => {
  let s = m.get(a);
  if (!s) m.set(a, (s = new Set()));
  s.add(b);
};

export function buildFlowIndex(events: Iterable<CanonicalEventInput>): FlowIndex {
  const ix: FlowIndex = { out: new Map(), in: new Map(), kind: new Map(), shippedIn: new Map(), customerOf: new Map() };
  const edge = (a: string, b: string) => (link(ix.out, a, b), link(ix.in, b, a));
  const seen = (id: string, kind?: 'lot' | 'unit') => {
    if (ix.kind.get(id) !== 'container' && (kind || !ix.kind.has(id))) ix.kind.set(id, kind ?? 'unit');
  };
  for (const e of events) {
    if (e.kind === 'receive') seen(e.lot, 'lot');
    else if (e.kind === 'operation') {
      const op = `op:${e.eventId}`;
      for (const i of e.inputs) {
        seen(i.id);
        edge(i.id, op);
      }
      for (const o of e.outputs) {
        seen(o.id, o.type);
        edge(op, o.id);
      }
    } else if (e.kind === 'pack') {
      ix.kind.set(e.parent, 'container');
      for (const c of e.children) {
        seen(c);
        edge(c, e.parent);
      }
    } else if (e.kind === 'ship') {
      ix.customerOf.set(e.shipmentId, e.customer);
      for (const i of e.items) {
        seen(i);
        link(ix.shippedIn, i, e.shipmentId);
      }
    }
  }
  return ix;
}

/** Items reachable by one hop or more (operations are stepping stones, not results). */
export function traceRef(ix: FlowIndex, ids: readonly string[], direction: 'forward' | 'backward'): TraceResult {
  const adj = direction === 'forward' ? ix.out : ix.in;
  const reached = new Set<string>();
  const stack = [...ids];
  while (stack.length) {
    for (const next of adj.get(stack.pop()!) ?? []) {
      if (reached.has(next)) continue;
      reached.add(next);
      stack.push(next);
    }
  }
  const r: TraceResult = { lots: [], units: [], containers: [], shipments: [], customers: [] };
  for (const id of reached) {
    const k = ix.kind.get(id);
    if (k === 'lot') r.lots.push(id);
    else if (k === 'unit') r.units.push(id);
    else if (k === 'container') r.containers.push(id);
  }
  const shipments = new Set<string>();
  for (const id of [...ids, ...reached]) for (const s of ix.shippedIn.get(id) ?? []) shipments.add(s);
  r.shipments = [...shipments];
  r.customers = [...new Set(r.shipments.map((s) => ix.customerOf.get(s)!))];
  return sortTrace(r);
}

export function sortTrace(r: TraceResult): TraceResult {
  return {
    lots: [...r.lots].sort(),
    units: [...r.units].sort(),
    containers: [...r.containers].sort(),
    shipments: [...r.shipments].sort(),
    customers: [...r.customers].sort(),
  };
}
