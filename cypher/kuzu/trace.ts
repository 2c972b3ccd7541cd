/**
 * Traces on the embedded store. Traces, their quantities and their events are answered from the
 * in-memory indexes (memory/flow-index.ts, memory/mention-index.ts); `traceInCypher`,
 * `traceQuantitiesInCypher` and `traceEventsInCypher` answer the same from Kuzu, for the
 * cross-check and the bench.
 */
import type { FlowQuantity, TraceQuantities, TraceResult, TraceStore } from '../port.ts';
import { query, statements } from '../queries.ts';
import { flowsInTrace, shipmentUnits, traceEventItems } from '../recall.ts';
import type { KuzuConnection, Row } from './connection.ts';
import type { MemoryIndexes } from './memory/indexes.ts';

export class KuzuTraces implements TraceStore {
  constructor(
    private readonly db: KuzuConnection,
    private readonly memory: MemoryIndexes,
  ) {}

  traceForward(ids: readonly string[]): Promise<TraceResult> {
    return Promise.resolve(this.memory.index.trace(ids, 'forward'));
  }

  traceBackward(ids: readonly string[]): Promise<TraceResult> {
    return Promise.resolve(this.memory.index.trace(ids, 'backward'));
  }

  /** The same trace answered by Kuzu's own recursive query: the cross-check and the bench's baseline. */
  traceInCypher(ids: readonly string[], direction: 'forward' | 'backward'): Promise<TraceResult> {
    return this.db.exclusive(async () => {
      const items = new Map<string, Row>();
      const shipped: Row[] = [];
      for (const id of new Set(ids)) {
        for (const r of await this.db.run(query('kuzu', `trace-${direction}`), { id })) items.set(r.id as string, r);
        if (direction === 'forward')
          for (const text of statements('kuzu', 'trace-shipments')) shipped.push(...(await this.db.run(text, { id })));
      }
      const out: TraceResult = { lots: [], units: [], containers: [], shipments: [], customers: [] };
      for (const r of items.values())
        (r.container ? out.containers : r.kind === 'unit' ? out.units : out.lots).push(r.id as string);
      out.shipments = [...new Set(shipped.map((r) => r.shipment as string))];
      out.customers = [...new Set(shipped.map((r) => r.customer as string | null).filter((c): c is string => !!c))];
      for (const k of Object.keys(out) as (keyof TraceResult)[]) out[k].sort();
      return out;
    });
  }

  /**
   * From memory: the trace, the operations next to it, and each operation's flow pairs with the
   * quantities the index keeps per edge. Cost grows with the trace, not the graph.
   */
  traceQuantities(ids: readonly string[], direction: 'forward' | 'backward'): Promise<TraceQuantities> {
    return this.db.exclusive(() => {
      const { inTrace, ops, units } = this.quantityScope(ids, direction);
      return Promise.resolve(
        this.quantities(
          inTrace,
          [...ops].flatMap((op) => this.memory.index.flowsOf(op)),
          units,
          direction,
        ),
      );
    });
  }

  /** The same from Kuzu, one `recall-flows` query per operation (the cross-check and the bench's baseline). */
  traceQuantitiesInCypher(ids: readonly string[], direction: 'forward' | 'backward'): Promise<TraceQuantities> {
    return this.db.exclusive(async () => {
      const { inTrace, ops, units } = this.quantityScope(ids, direction);
      const rows: FlowQuantity[] = [];
      for (const op of ops)
        for (const r of await this.db.run(query('kuzu', 'recall-flows'), { id: op }))
          rows.push({
            from: r.from as string,
            operation: op,
            to: r.to as string,
            qty: r.qty === null ? null : Number(r.qty),
            uom: (r.uom as string | null) ?? null,
            outQty: r.outQty === null ? null : Number(r.outQty),
            outUom: (r.outUom as string | null) ?? null,
          });
      return this.quantities(inTrace, rows, units, direction);
    });
  }

  /** The items of a trace, the operations they went into (forward) or came out of (backward), its units. */
  private quantityScope(ids: readonly string[], direction: 'forward' | 'backward') {
    const index = this.memory.index;
    const t = index.trace(ids, direction);
    const inTrace = new Set([...ids, ...t.lots, ...t.units, ...t.containers]);
    const side = direction === 'forward' ? 'out' : 'in';
    const ops = new Set<string>();
    for (const id of inTrace) for (const op of index.neighbours('item', id, side, 'operation')) ops.add(op);
    const units = direction === 'forward' ? [...ids, ...t.units].filter((id) => index.kindOf(id) === 'unit') : [];
    return { inTrace, ops, units };
  }

  private quantities(
    inTrace: ReadonlySet<string>,
    rows: FlowQuantity[],
    units: string[],
    direction: 'forward' | 'backward',
  ): TraceQuantities {
    return {
      flows: flowsInTrace(rows, inTrace, direction),
      shipments: shipmentUnits(new Map(units.map((u) => [u, this.memory.index.shipmentsOf(u)]))),
    };
  }

  /** From memory: the live events that name an item of the trace (memory/mention-index.ts). */
  traceEvents(ids: readonly string[], direction: 'forward' | 'backward'): Promise<string[]> {
    return this.db.exclusive(async () => {
      const items = await this.eventItems(ids, direction);
      const mentions = await this.memory.mentions(this.db);
      return mentions.namesOf([...items].flatMap((id) => this.memory.index.lookup('lot', id) ?? []));
    });
  }

  /** The same from Kuzu, one `trace-events` query for all the items (the cross-check and the bench's baseline). */
  traceEventsInCypher(ids: readonly string[], direction: 'forward' | 'backward'): Promise<string[]> {
    return this.db.exclusive(async () => {
      const items = [...(await this.eventItems(ids, direction))];
      const rows = items.length ? await this.db.run(query('kuzu', 'trace-events'), { ids: items }) : [];
      return [...new Set(rows.map((r) => r.id as string))].sort();
    });
  }

  private eventItems(ids: readonly string[], direction: 'forward' | 'backward'): Promise<Set<string>> {
    const index = this.memory.index;
    return traceEventItems(ids, index.trace(ids, direction), direction, (all) =>
      Promise.resolve(all.flatMap((id) => index.containersOf(id))),
    );
  }
}
