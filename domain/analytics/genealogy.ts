/**
 * Genealogy: a bounded subgraph around one lot or unit, as nodes and edges ready for Cytoscape.
 *
 * Walked breadth-first one flow step at a time (through one operation, into or out of one
 * container, onto one shipment with its customer), so each level costs one store read and the
 * walk never enumerates paths. Two bounds: `depth` (steps from the start) and `maxNodes`; when one
 * cuts the graph, `truncated` is true and `message` says which and how to widen it.
 */
import { TracegraphError } from '../../core/errors.ts';
import type { GraphStore, NeighbourFacts } from '../../cypher/port.ts';
import { itemStatus, type ItemStatus } from './history.ts';

export type GenealogyDirection = 'UP' | 'DOWN' | 'BOTH';
export type NodeKind = 'lot' | 'unit' | 'container' | 'operation' | 'shipment' | 'customer';
export type EdgeKind = 'INPUT_TO' | 'OUTPUT' | 'PACKED_IN' | 'SHIPPED_IN' | 'TO';

export interface GenealogyNode {
  /** Unique in the graph: `<kind-prefix>:<ref>` (an operation and a lot may share an id). */
  id: string;
  /** The id in tracegraph (what unitHistory, traces and the store take). */
  ref: string;
  label: string;
  kind: NodeKind;
  status: ItemStatus[];
  /** Steps from the starting item. */
  level: number;
}
export interface GenealogyEdge {
  id: string;
  source: string;
  target: string;
  kind: EdgeKind;
  qty: number | null;
  uom: string | null;
}
export interface Genealogy {
  root: string;
  nodes: GenealogyNode[];
  edges: GenealogyEdge[];
  truncated: boolean;
  message: string | null;
}

export const MAX_DEPTH = 20;
export const DEFAULT_DEPTH = 3;
export const DEFAULT_MAX_NODES = 500;
export const MAX_NODES = 5000;

const nodeId = (kind: 'item' | 'op' | 'shipment' | 'party', ref: string) => `${kind}:${ref}`;

export async function buildGenealogy(
  store: GraphStore,
  start: string,
  direction: GenealogyDirection,
  depth: number,
  maxNodes: number,
): Promise<Genealogy> {
  if (!Number.isInteger(depth) || depth < 1 || depth > MAX_DEPTH)
    throw new TracegraphError('BAD_INPUT', `depth must be a whole number from 1 to ${MAX_DEPTH}, got ${depth}`);
  if (!Number.isInteger(maxNodes) || maxNodes < 1 || maxNodes > MAX_NODES)
    throw new TracegraphError('BAD_INPUT', `maxNodes must be a whole number from 1 to ${MAX_NODES}, got ${maxNodes}`);
  const [root] = await store.itemStatus([start]);
  if (!root) throw new TracegraphError('NOT_FOUND', `no lot or unit ${JSON.stringify(start)} is recorded: check the id`);

  const nodes = new Map<string, GenealogyNode>();
  const edges = new Map<string, GenealogyEdge>();
  let cutByNodes = false;
  let cutByDepth = false;
  const itemKind = (kind: 'lot' | 'unit', container: boolean): NodeKind => (container ? 'container' : kind);

  /** Adds a node unless the cap is reached; false when it is not (and will not be) in the graph. */
  const addNode = (id: string, ref: string, kind: NodeKind, level: number): boolean => {
    if (nodes.has(id)) return true;
    if (nodes.size >= maxNodes) {
      cutByNodes = true;
      return false;
    }
    nodes.set(id, { id, ref, label: ref, kind, status: [], level });
    return true;
  };
  const addEdge = (source: string, target: string, kind: EdgeKind, qty: number | null, uom: string | null) => {
    if (!nodes.has(source) || !nodes.has(target)) return;
    const id = `${kind}:${source}->${target}`;
    const prev = edges.get(id);
    if (prev) {
      // The same link drawn by two events: one edge carrying both quantities.
      if (qty !== null) prev.qty = (prev.qty ?? 0) + qty;
      return;
    }
    edges.set(id, { id, source, target, kind, qty, uom });
  };

  addNode(nodeId('item', start), start, itemKind(root.kind, root.container), 0);
  // Item kinds are learnt from the status read at the end; until then new items are 'lot'.
  const walk = async (dir: 'up' | 'down') => {
    let frontier = [start];
    const seen = new Set([start]);
    for (let level = 1; frontier.length > 0; level++) {
      const facts = await store.neighbours(frontier, dir);
      if (level > depth) {
        // One look past the bound, only to say whether it cut anything.
        for (const f of facts) if (hasUnseen(f, seen)) cutByDepth = true;
        return;
      }
      const next: string[] = [];
      const reach = (ref: string): string | undefined => {
        const id = nodeId('item', ref);
        if (!seen.has(ref)) {
          if (!addNode(id, ref, 'lot', level)) return undefined;
          seen.add(ref);
          next.push(ref);
        }
        return id;
      };
      for (const f of facts) {
        const from = nodeId('item', f.from);
        for (const flow of f.flows) {
          const op = nodeId('op', flow.op);
          if (!addNode(op, flow.op, 'operation', level)) continue;
          nodes.get(op)!.label = `${flow.step} ${flow.op}`;
          if (flow.result === 'fail') nodes.get(op)!.status = ['failed'];
          if (dir === 'down') addEdge(from, op, 'INPUT_TO', flow.qtyIn, flow.uom);
          else addEdge(op, from, 'OUTPUT', flow.qtyOut, null);
          if (!flow.item) continue;
          const other = reach(flow.item);
          if (!other) continue;
          if (dir === 'down') addEdge(op, other, 'OUTPUT', flow.qtyOut, null);
          else addEdge(other, op, 'INPUT_TO', flow.qtyIn, flow.uom);
        }
        for (const p of f.packed) {
          const other = reach(p);
          if (!other) continue;
          if (dir === 'down') addEdge(from, other, 'PACKED_IN', null, null);
          else addEdge(other, from, 'PACKED_IN', null, null);
        }
        for (const s of f.shipments) {
          const sh = nodeId('shipment', s.shipment);
          if (!addNode(sh, s.shipment, 'shipment', level)) continue;
          nodes.get(sh)!.status = ['shipped'];
          addEdge(from, sh, 'SHIPPED_IN', null, null);
          if (!s.customer) continue;
          const party = nodeId('party', s.customer);
          if (addNode(party, s.customer, 'customer', level)) addEdge(sh, party, 'TO', null, null);
        }
      }
      frontier = next;
    }
  };
  if (direction !== 'DOWN') await walk('up');
  if (direction !== 'UP') await walk('down');

  const items = [...nodes.values()].filter((n) => n.id.startsWith('item:'));
  for (const s of await store.itemStatus(items.map((n) => n.ref))) {
    const n = nodes.get(nodeId('item', s.id));
    if (!n) continue;
    n.kind = itemKind(s.kind, s.container);
    const status = itemStatus(s.inspections, s.shipped);
    // HELD first, as unitHistory says it.
    n.status = s.held ? ['held', ...status] : status;
  }
  propagateShipped(nodes, edges);

  const message = cutByNodes
    ? `the graph was cut at ${maxNodes} nodes: ask for fewer levels (depth) or more nodes (maxNodes, up to ${MAX_NODES}), or start from a node at its edge`
    : cutByDepth
      ? `the graph goes on past depth ${depth}: ask for a larger depth (up to ${MAX_DEPTH}) or start from a node at its edge`
      : null;
  return {
    root: nodeId('item', start),
    nodes: [...nodes.values()],
    edges: [...edges.values()],
    truncated: cutByNodes || cutByDepth,
    message,
  };
}

function hasUnseen(f: NeighbourFacts, seen: Set<string>): boolean {
  return (
    f.flows.some((x) => x.item !== null && !seen.has(x.item)) || f.packed.some((p) => !seen.has(p)) || f.shipments.length > 0
  );
}

/** An item inside a shipped container (within the graph) was shipped too. */
function propagateShipped(nodes: Map<string, GenealogyNode>, edges: Map<string, GenealogyEdge>): void {
  const packed = [...edges.values()].filter((e) => e.kind === 'PACKED_IN');
  for (let changed = true; changed;) {
    changed = false;
    for (const e of packed) {
      const child = nodes.get(e.source)!;
      if (nodes.get(e.target)!.status.includes('shipped') && !child.status.includes('shipped')) {
        child.status.push('shipped');
        changed = true;
      }
    }
  }
}
