/**
 * Traces on Neo4j: Cypher expansions that the planner runs breadth-first with pruning; a test
 * EXPLAINs them so that no rewrite can fall back to path enumeration.
 */
import type { FlowQuantity, TraceQuantities, TraceResult, TraceStore } from '../port.ts';
import { query } from '../queries.ts';
import { flowsInTrace, shipmentUnits, traceEventItems } from '../recall.ts';
import type { Neo4jConnection } from './connection.ts';

type Shipped = { shipment: string; customer: string | null };

/** Lot, unit or container, for each of `items` the graph holds. */
export async function itemKinds(
  conn: Neo4jConnection,
  items: readonly string[],
): Promise<Map<string, 'lot' | 'unit' | 'container'>> {
  const m = new Map<string, 'lot' | 'unit' | 'container'>();
  for (const r of await conn.rows(query('neo4j', 'recall-kinds'), { ids: [...items] }))
    m.set(r.id as string, r.container ? 'container' : r.kind === 'unit' ? 'unit' : 'lot');
  return m;
}

/** The shipments that carried each item, directly or in a container. */
export async function shipmentsOfItems(conn: Neo4jConnection, items: readonly string[]): Promise<Map<string, Shipped[]>> {
  const m = new Map<string, Shipped[]>(items.map((id) => [id, []]));
  for (const r of await conn.rows(query('neo4j', 'recall-shipments'), { ids: [...items] }))
    m.get(r.item as string)!.push({ shipment: r.shipment as string, customer: (r.customer as string | null) ?? null });
  return m;
}

export class Neo4jTraces implements TraceStore {
  constructor(private readonly conn: Neo4jConnection) {}

  traceForward(ids: readonly string[]): Promise<TraceResult> {
    return this.trace(ids, 'forward');
  }

  traceBackward(ids: readonly string[]): Promise<TraceResult> {
    return this.trace(ids, 'backward');
  }

  private trace(ids: readonly string[], direction: 'forward' | 'backward'): Promise<TraceResult> {
    return this.conn.tx('READ', async (tx) => {
      const res = await tx.run(query('neo4j', direction === 'forward' ? 'trace-forward' : 'trace-backward'), { ids: [...ids] });
      const out: TraceResult = { lots: [], units: [], containers: [], shipments: [], customers: [] };
      const reached: string[] = [];
      for (const r of res.records) {
        const id = r.get('id') as string;
        reached.push(id);
        (r.get('container') ? out.containers : r.get('kind') === 'unit' ? out.units : out.lots).push(id);
      }
      if (direction === 'forward') {
        const shipped = await tx.run(query('neo4j', 'trace-shipments'), { ids: [...new Set([...ids, ...reached])] });
        out.shipments = [...new Set(shipped.records.map((r) => r.get('shipment') as string))];
        out.customers = [
          ...new Set(shipped.records.map((r) => r.get('customer') as string | null).filter((c): c is string => !!c)),
        ];
      }
      for (const k of Object.keys(out) as (keyof TraceResult)[]) out[k].sort();
      return out;
    });
  }

  /** The plan Neo4j would use for a trace query (for the no-path-enumeration test). */
  async explainTrace(direction: 'forward' | 'backward'): Promise<string[]> {
    const s = this.conn.session('READ');
    try {
      const res = await s.run('EXPLAIN ' + query('neo4j', direction === 'forward' ? 'trace-forward' : 'trace-backward'), {
        ids: ['x'],
      });
      const ops: string[] = [];
      const walk = (p: { operatorType: string; children: unknown[] } | false | undefined) => {
        if (!p) return;
        ops.push(p.operatorType);
        for (const c of p.children) walk(c as { operatorType: string; children: unknown[] });
      };
      walk(res.summary.plan as { operatorType: string; children: unknown[] } | false);
      return ops;
    } finally {
      await s.close();
    }
  }

  async traceQuantities(ids: readonly string[], direction: 'forward' | 'backward'): Promise<TraceQuantities> {
    const t = await this.trace(ids, direction);
    const inTrace = new Set([...ids, ...t.lots, ...t.units, ...t.containers]);
    const rows = (await this.conn.rows(query('neo4j', `recall-flows-${direction}`), { ids: [...inTrace] })).map(
      (r): FlowQuantity => ({
        from: r.from as string,
        operation: r.operation as string,
        to: r.to as string,
        qty: (r.qty as number | null) ?? null,
        uom: (r.uom as string | null) ?? null,
        outQty: (r.outQty as number | null) ?? null,
        outUom: (r.outUom as string | null) ?? null,
      }),
    );
    let shipments: TraceQuantities['shipments'] = [];
    if (direction === 'forward') {
      const kinds = await itemKinds(this.conn, [...ids, ...t.units]);
      shipments = shipmentUnits(
        await shipmentsOfItems(
          this.conn,
          [...kinds].filter(([, k]) => k === 'unit').map(([id]) => id),
        ),
      );
    }
    return { flows: flowsInTrace(rows, inTrace, direction), shipments };
  }

  async traceEvents(ids: readonly string[], direction: 'forward' | 'backward'): Promise<string[]> {
    const t = await this.trace(ids, direction);
    const items = await traceEventItems(ids, t, direction, async (all) =>
      (await this.conn.rows(query('neo4j', 'recall-containers'), { ids: all })).map((r) => r.id as string),
    );
    return (await this.conn.rows(query('neo4j', 'trace-events'), { ids: [...items] })).map((r) => r.id as string).sort();
  }
}
