/**
 * An in-memory copy of the material-flow edges, for traces in microseconds on the embedded store.
 *
 * Kuzu stays the system of record: this index is built from it at open and updated only after a
 * batch has committed. It exists because a recursive Kuzu query spends most of its time fetching
 * the string ids of thousands of scattered nodes (see README, "Trace performance"); a breadth-first
 * search over integer adjacency touches only the part of the graph it reaches, visits every vertex
 * once (never enumerating paths) and has no depth cap. The quantities on INPUT_TO and OUTPUT edges
 * are kept too, so that a trace's quantities need no Kuzu query either.
 */
import type { FlowFacts, FlowQuantity, TraceResult } from '../../port.ts';

const enum V {
  Lot = 0,
  Unit = 1,
  Container = 2,
  Operation = 3,
  Shipment = 4,
  Party = 5,
}
export type VertexKind = 'lot' | 'unit' | 'container' | 'operation' | 'shipment' | 'party';
const KIND_CODE: Record<VertexKind, V> = {
  lot: V.Lot,
  unit: V.Unit,
  container: V.Container,
  operation: V.Operation,
  shipment: V.Shipment,
  party: V.Party,
};

/** 32-bit FNV-1a: edges remember which event drew them without keeping the event id strings. */
export function eventHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

/** One row of a flow step from an item (see FlowIndex.flowStep). */
export interface FlowStep {
  op: string;
  item: string | null;
  qtyIn: number | null;
  qtyOut: number | null;
  uom: string | null;
}

export class FlowIndex {
  private readonly keys: string[] = [];
  private kinds = new Uint8Array(1024);
  /** Items only: the kind claim's rank (see projection.ts), so the store knows when to update. */
  private ranks = new Uint8Array(1024);
  private readonly byKey = [new Map<string, number>(), new Map<string, number>(), new Map<string, number>()];
  /** Per vertex: [target, eventHash, target, eventHash, ...]. */
  private readonly out: (number[] | undefined)[] = [];
  private readonly inc: (number[] | undefined)[] = [];
  /**
   * Per operation: [qty, uom, qty, uom, ...], one pair for each entry of its `inc` (INPUT_TO) and
   * `out` (OUTPUT) list, in the same order, so that traceQuantities reads no Kuzu rows. qty NaN:
   * none given; uom -1: none, else an index into `uoms`.
   */
  private readonly inQty: (number[] | undefined)[] = [];
  private readonly outQty: (number[] | undefined)[] = [];
  private readonly uoms: string[] = [];
  private readonly uomCodes = new Map<string, number>();
  private stamp = new Uint32Array(1024);
  private generation = 0;
  edgeCount = 0;

  /** Items, operations and shipments/parties live in separate id spaces (they may share strings). */
  private space(kind: VertexKind): Map<string, number> {
    if (kind === 'operation') return this.byKey[1]!;
    if (kind === 'shipment' || kind === 'party') return this.byKey[2]!;
    return this.byKey[0]!;
  }

  get size(): number {
    return this.keys.length;
  }

  has(kind: VertexKind, id: string): boolean {
    const m = this.space(kind);
    const v = m.get(kind === 'party' ? 'P|' + id : kind === 'shipment' ? 'S|' + id : id);
    return v !== undefined;
  }

  /** Adds the vertex if new; an item's kind may be refined later (lot -> unit -> container). */
  vertex(kind: VertexKind, id: string): number {
    const key = kind === 'party' ? 'P|' + id : kind === 'shipment' ? 'S|' + id : id;
    const m = this.space(kind);
    let v = m.get(key);
    if (v === undefined) {
      v = this.keys.length;
      this.keys.push(id);
      if (v >= this.kinds.length) {
        const k = new Uint8Array(this.kinds.length * 2);
        k.set(this.kinds);
        this.kinds = k;
        const r = new Uint8Array(this.ranks.length * 2);
        r.set(this.ranks);
        this.ranks = r;
      }
      m.set(key, v);
    }
    this.kinds[v] = KIND_CODE[kind];
    return v;
  }

  /** An item as the store holds it: rank of its kind claim, and whether it is a container. */
  itemState(id: string): { rank: number; container: boolean } | undefined {
    const v = this.byKey[0]!.get(id);
    return v === undefined ? undefined : { rank: this.ranks[v]!, container: this.kinds[v] === V.Container };
  }

  setItem(id: string, rank: number, container: boolean): number {
    const v = this.vertex(container ? 'container' : rank % 2 === 0 ? 'unit' : 'lot', id);
    this.ranks[v] = rank;
    return v;
  }

  /** `qty`/`uom` are an INPUT_TO or OUTPUT edge's quantity (kept only for edges at an operation). */
  addEdge(from: number, to: number, eventId: string, qty: number | null = null, uom: string | null = null): void {
    this.addHashedEdge(from, to, eventHash(eventId), qty, uom);
  }

  addHashedEdge(from: number, to: number, h: number, qty: number | null = null, uom: string | null = null): void {
    (this.out[from] ??= []).push(to, h);
    (this.inc[to] ??= []).push(from, h);
    this.edgeCount++;
    if (this.kinds[to] === V.Operation) (this.inQty[to] ??= []).push(qty ?? NaN, this.uomCode(uom));
    if (this.kinds[from] === V.Operation) (this.outQty[from] ??= []).push(qty ?? NaN, this.uomCode(uom));
  }

  private uomCode(uom: string | null): number {
    if (uom === null) return -1;
    let c = this.uomCodes.get(uom);
    if (c === undefined) {
      c = this.uoms.length;
      this.uoms.push(uom);
      this.uomCodes.set(uom, c);
    }
    return c;
  }

  /**
   * Drops the spare room that growing by `push` leaves in every list (about half the index's memory
   * after a load: 81 -> 41 MiB of lists on a 100,000-unit plant). For after a bulk load.
   */
  compact(): void {
    for (const lists of [this.out, this.inc, this.inQty, this.outQty])
      for (let v = 0; v < lists.length; v++) {
        const l = lists[v];
        if (l) lists[v] = l.slice();
      }
  }

  hasEdge(fromKind: VertexKind, from: string, toKind: VertexKind, to: string): boolean {
    const a = this.lookup(fromKind, from);
    const b = this.lookup(toKind, to);
    if (a === undefined || b === undefined) return false;
    const l = this.out[a];
    if (l) for (let i = 0; i < l.length; i += 2) if (l[i] === b) return true;
    return false;
  }

  /** Takes out the edges an event drew between the given vertices (for an error declaration). */
  removeEventEdges(vertices: Iterable<number>, eventId: string): void {
    const h = eventHash(eventId);
    // An operation's quantity pairs are stripped with its edges, so that they stay aligned.
    const strip = (lists: (number[] | undefined)[], qtys: (number[] | undefined)[], v: number) => {
      const l = lists[v];
      if (!l) return 0;
      const q = this.kinds[v] === V.Operation ? qtys[v] : undefined;
      const kept: number[] = [];
      const keptQ: number[] = [];
      for (let i = 0; i < l.length; i += 2)
        if (l[i + 1] !== h) {
          kept.push(l[i]!, l[i + 1]!);
          if (q) keptQ.push(q[i]!, q[i + 1]!);
        }
      lists[v] = kept;
      if (q) qtys[v] = keptQ;
      return (l.length - kept.length) / 2;
    };
    for (const v of vertices) {
      this.edgeCount -= strip(this.out, this.outQty, v);
      strip(this.inc, this.inQty, v);
    }
  }

  lookup(kind: VertexKind, id: string): number | undefined {
    return this.space(kind).get(kind === 'party' ? 'P|' + id : kind === 'shipment' ? 'S|' + id : id);
  }

  private nextGeneration(): number {
    if (this.stamp.length < this.keys.length) this.stamp = new Uint32Array(Math.max(this.keys.length * 2, 1024));
    this.generation += 2;
    if (this.generation >= 0xfffffff0) {
      this.stamp.fill(0);
      this.generation = 2;
    }
    return this.generation;
  }

  /**
   * Breadth-first over flow edges. `stamp[v] == g` means queued; `g + 1` means reached by at least
   * one edge (so a start item appears in the answer only when another start or a loop leads to it).
   */
  trace(ids: readonly string[], direction: 'forward' | 'backward'): TraceResult {
    const g = this.nextGeneration();
    const stamp = this.stamp;
    const adj = direction === 'forward' ? this.out : this.inc;
    const queue: number[] = [];
    const starts: number[] = [];
    for (const id of ids) {
      const v = this.byKey[0]!.get(id);
      if (v !== undefined && stamp[v] !== g) {
        stamp[v] = g;
        queue.push(v);
        starts.push(v);
      }
    }
    const reached: number[] = [];
    const shipments: number[] = [];
    const reach = (v: number) => {
      const s = stamp[v]!;
      if (s === g + 1) return;
      if (s !== g) queue.push(v);
      stamp[v] = g + 1;
      reached.push(v);
    };
    for (let qi = 0; qi < queue.length; qi++) {
      const v = queue[qi]!;
      const edges = adj[v];
      if (!edges) continue;
      for (let i = 0; i < edges.length; i += 2) {
        const w = edges[i]!;
        const k = this.kinds[w]!;
        if (k === V.Operation) {
          // An operation is a hop, not an answer: go straight through it to its items.
          const through = adj[w];
          if (!through) continue;
          for (let j = 0; j < through.length; j += 2) reach(through[j]!);
        } else if (k === V.Shipment) {
          if (stamp[w] !== g + 1) {
            stamp[w] = g + 1;
            shipments.push(w);
          }
        } else if (k <= V.Container) {
          reach(w);
        }
      }
    }
    return this.answer(reached, shipments);
  }

  // Recall, quantities and trace events.

  kindOf(id: string): 'lot' | 'unit' | 'container' | undefined {
    const v = this.byKey[0]!.get(id);
    if (v === undefined) return undefined;
    const k = this.kinds[v];
    return k === V.Lot ? 'lot' : k === V.Unit ? 'unit' : 'container';
  }

  /** Ids of the vertices of `kind` next to an item or operation (out: what it flows to; in: what flows into it). */
  neighbours(fromKind: 'item' | 'operation', id: string, side: 'out' | 'in', kind: 'item' | 'operation' | 'shipment'): string[] {
    const v = fromKind === 'item' ? this.byKey[0]!.get(id) : this.byKey[1]!.get(id);
    if (v === undefined) return [];
    const l = (side === 'out' ? this.out : this.inc)[v];
    const want = (k: number) =>
      kind === 'item' ? k <= V.Container : kind === 'operation' ? k === V.Operation : k === V.Shipment;
    const out: string[] = [];
    if (l) for (let i = 0; i < l.length; i += 2) if (want(this.kinds[l[i]!]!)) out.push(this.keys[l[i]!]!);
    return out;
  }

  /**
   * Every input -> output pair of an operation with the quantities on both edges (one row per pair
   * of edges, as `MATCH (a)-[r:INPUT_TO]->(o)-[w:OUTPUT]->(b)` gives them).
   */
  flowsOf(op: string): FlowQuantity[] {
    const v = this.byKey[1]!.get(op);
    const ins = v === undefined ? undefined : this.inc[v];
    const outs = v === undefined ? undefined : this.out[v];
    if (!ins?.length || !outs?.length) return [];
    const qi = this.inQty[v!]!;
    const qo = this.outQty[v!]!;
    const qty = (q: number) => (Number.isNaN(q) ? null : q);
    const uom = (c: number) => (c < 0 ? null : this.uoms[c]!);
    const rows: FlowQuantity[] = [];
    for (let i = 0; i < ins.length; i += 2)
      for (let j = 0; j < outs.length; j += 2)
        rows.push({
          from: this.keys[ins[i]!]!,
          operation: op,
          to: this.keys[outs[j]!]!,
          qty: qty(qi[i]!),
          uom: uom(qi[i + 1]!),
          outQty: qty(qo[j]!),
          outUom: uom(qo[j + 1]!),
        });
    return rows;
  }

  /**
   * One flow step from an item, as the genealogy-down/-up queries give it: down, one row per
   * (INPUT_TO edge from the item, OUTPUT edge of that operation), or a row with no item when the
   * operation has no output; up, one row per (OUTPUT edge into the item, INPUT_TO edge of that
   * operation), or a row with no item when it has no input. `uom` is the INPUT_TO edge's.
   */
  flowStep(id: string, direction: 'down' | 'up'): FlowStep[] {
    const v = this.byKey[0]!.get(id);
    if (v === undefined) return [];
    const rows: FlowStep[] = [];
    const here = direction === 'down' ? this.out[v] : this.inc[v];
    if (!here) return rows;
    const qty = (q: number) => (Number.isNaN(q) ? null : q);
    const uom = (c: number) => (c < 0 ? null : this.uoms[c]!);
    const seen = new Set<number>();
    for (let i = 0; i < here.length; i += 2) {
      const o = here[i]!;
      if (this.kinds[o] !== V.Operation || seen.has(o)) continue;
      seen.add(o);
      const ins = this.inc[o] ?? [];
      const outs = this.out[o] ?? [];
      const qi = this.inQty[o] ?? [];
      const qo = this.outQty[o] ?? [];
      const op = this.keys[o]!;
      // The edges between the item and the operation (two events may have drawn two), then the far side.
      const [near, nearQ, far, farQ] = direction === 'down' ? [ins, qi, outs, qo] : [outs, qo, ins, qi];
      for (let a = 0; a < near.length; a += 2) {
        if (near[a] !== v) continue;
        let any = false;
        for (let b = 0; b < far.length; b += 2) {
          if (this.kinds[far[b]!]! > V.Container) continue;
          any = true;
          const [inAt, inQ, outAt, outQ] = direction === 'down' ? [a, nearQ, b, farQ] : [b, farQ, a, nearQ];
          rows.push({
            op,
            item: this.keys[far[b]!]!,
            qtyIn: qty(inQ[inAt]!),
            qtyOut: qty(outQ[outAt]!),
            uom: uom(inQ[inAt + 1]!),
          });
        }
        if (!any)
          rows.push({
            op,
            item: null,
            qtyIn: direction === 'down' ? qty(nearQ[a]!) : null,
            qtyOut: direction === 'up' ? qty(nearQ[a]!) : null,
            uom: direction === 'down' ? uom(nearQ[a + 1]!) : null,
          });
      }
    }
    return rows;
  }

  /**
   * Every input and output of the operations an item went into or came out of, one row per edge
   * (as Neo4j's records-flows.cypher gives them: the item's operations each once, then all their edges).
   */
  recordFlows(id: string): FlowFacts[] {
    const v = this.byKey[0]!.get(id);
    if (v === undefined) return [];
    const ops = new Set<number>();
    for (const l of [this.out[v], this.inc[v]])
      if (l) for (let i = 0; i < l.length; i += 2) if (this.kinds[l[i]!] === V.Operation) ops.add(l[i]!);
    const rows: FlowFacts[] = [];
    for (const o of ops)
      for (const [direction, edges, qtys] of [
        ['in', this.inc[o], this.inQty[o]],
        ['out', this.out[o], this.outQty[o]],
      ] as const) {
        if (!edges) continue;
        for (let i = 0; i < edges.length; i += 2) {
          const x = edges[i]!;
          if (this.kinds[x]! > V.Container) continue;
          const q = qtys?.[i] ?? NaN;
          const u = qtys?.[i + 1] ?? -1;
          rows.push({
            op: this.keys[o]!,
            item: this.keys[x]!,
            direction,
            qty: Number.isNaN(q) ? null : q,
            uom: u < 0 ? null : this.uoms[u]!,
            kind: this.ranks[x]! % 2 === 0 ? 'unit' : 'lot',
            container: this.kinds[x] === V.Container,
          });
        }
      }
    return rows;
  }

  /**
   * Of the items and every item they were packed into (at any depth), those packed into something:
   * the children of every packing edge above the items.
   */
  packedAbove(ids: Iterable<string>): string[] {
    const seen = new Set<number>();
    const queue: number[] = [];
    for (const id of ids) {
      const v = this.byKey[0]!.get(id);
      if (v !== undefined && !seen.has(v)) {
        seen.add(v);
        queue.push(v);
      }
    }
    const packed: string[] = [];
    for (let i = 0; i < queue.length; i++) {
      const l = this.out[queue[i]!];
      let any = false;
      if (l)
        for (let j = 0; j < l.length; j += 2) {
          const c = l[j]!;
          if (this.kinds[c]! > V.Container) continue;
          any = true;
          if (!seen.has(c)) {
            seen.add(c);
            queue.push(c);
          }
        }
      if (any) packed.push(this.keys[queue[i]!]!);
    }
    return packed;
  }

  /** Down: the containers an item was packed into; up: what was packed into it (one level, each once). */
  packedStep(id: string, direction: 'down' | 'up'): string[] {
    const v = this.byKey[0]!.get(id);
    const l = v === undefined ? undefined : (direction === 'down' ? this.out : this.inc)[v];
    const out = new Set<string>();
    if (l) for (let i = 0; i < l.length; i += 2) if (this.kinds[l[i]!]! <= V.Container) out.add(this.keys[l[i]!]!);
    return [...out];
  }

  /** The shipments that carried the item itself (not a container of it), each with each customer. */
  directShipments(id: string): { shipment: string; customer: string | null }[] {
    const v = this.byKey[0]!.get(id);
    const l = v === undefined ? undefined : this.out[v];
    const out = new Map<string, { shipment: string; customer: string | null }>();
    if (l)
      for (let i = 0; i < l.length; i += 2) {
        const s = l[i]!;
        if (this.kinds[s] !== V.Shipment) continue;
        const to = this.out[s];
        const customers = to?.length ? Array.from({ length: to.length / 2 }, (_, k) => this.keys[to[2 * k]!]!) : [null];
        for (const c of customers) out.set(`${s}\u0000${c}`, { shipment: this.keys[s]!, customer: c });
      }
    return [...out.values()];
  }

  /** Every lot's id (for close matches to a lot id that is not in the graph). */
  lotIds(): string[] {
    const out: string[] = [];
    for (const [id, v] of this.byKey[0]!) if (this.kinds[v] === V.Lot) out.push(id);
    return out;
  }

  /** Whether an item went into an operation that made something other than itself from it. */
  builtInto(id: string): boolean {
    const v = this.byKey[0]!.get(id);
    const l = v === undefined ? undefined : this.out[v];
    if (!l) return false;
    for (let i = 0; i < l.length; i += 2) {
      const o = l[i]!;
      if (this.kinds[o] !== V.Operation) continue;
      const outs = this.out[o];
      if (outs) for (let j = 0; j < outs.length; j += 2) if (outs[j] !== v) return true;
    }
    return false;
  }

  /** The containers an item was packed into, at any depth. */
  containersOf(id: string): string[] {
    const v = this.byKey[0]!.get(id);
    return v === undefined ? [] : this.containerVertices(v).map((c) => this.keys[c]!);
  }

  /** Breadth-first over packing edges, by vertex number (a forward trace asks this for thousands of units). */
  private containerVertices(v: number): number[] {
    const found: number[] = [];
    const queue = [v];
    for (let i = 0; i < queue.length; i++) {
      const l = this.out[queue[i]!];
      if (l)
        for (let j = 0; j < l.length; j += 2) {
          const c = l[j]!;
          if (this.kinds[c] === V.Container && !found.includes(c)) {
            found.push(c);
            queue.push(c);
          }
        }
    }
    return found;
  }

  /** The shipments that carried an item, directly or in a container, with their customers. */
  shipmentsOf(id: string): { shipment: string; customer: string | null }[] {
    const v = this.byKey[0]!.get(id);
    if (v === undefined) return [];
    const out: { shipment: string; customer: string | null }[] = [];
    for (const item of [v, ...this.containerVertices(v)]) {
      const l = this.out[item];
      if (!l) continue;
      for (let i = 0; i < l.length; i += 2) {
        const s = l[i]!;
        if (this.kinds[s] !== V.Shipment) continue;
        const to = this.out[s];
        out.push({ shipment: this.keys[s]!, customer: to?.length ? this.keys[to[0]!]! : null });
      }
    }
    return out;
  }

  private answer(items: number[], shipmentVs: number[]): TraceResult {
    const lots: string[] = [];
    const units: string[] = [];
    const containers: string[] = [];
    for (const v of items) {
      const k = this.kinds[v];
      (k === V.Lot ? lots : k === V.Unit ? units : containers).push(this.keys[v]!);
    }
    const customers = new Set<string>();
    for (const s of shipmentVs) {
      const out = this.out[s];
      if (out) for (let i = 0; i < out.length; i += 2) customers.add(this.keys[out[i]!]!);
    }
    const sort = (a: string[]) => a.sort();
    return {
      lots: sort(lots),
      units: sort(units),
      containers: sort(containers),
      shipments: sort(shipmentVs.map((s) => this.keys[s]!)),
      customers: sort([...customers]),
    };
  }
}
