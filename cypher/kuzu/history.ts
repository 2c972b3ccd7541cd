/**
 * Serial history, genealogy and quality analytics on the embedded store (history-, genealogy-,
 * equipment-*.cypher). A genealogy's steps and statuses come from the in-memory indexes (the
 * trace index, the operation cache, the inspection index): in Cypher they cost a query per item,
 * seconds for a genealogy of a few thousand nodes. The Cypher forms stay as the cross-check.
 */
import {
  flowFacts,
  inspectionFacts,
  itemFacts,
  maintenanceFacts,
  neighbourFacts,
  packFacts,
  readingFacts,
  shipmentFacts,
  statusFacts,
  uniqueBy,
  uniqueOperations,
  type RawRow,
} from '../history-rows.ts';
import type { HistoryStore, ItemRecord, ItemStatusFacts, NeighbourFacts, QualityFacts, ReadingFacts } from '../port.ts';
import { statements } from '../queries.ts';
import { assembleRecords, containersByLevel, receiveBounds } from '../records.ts';
import type { KuzuConnection, Params } from './connection.ts';
import type { MemoryIndexes } from './memory/indexes.ts';
import type { CachedOp } from './memory/operations.ts';

function byField(rows: readonly RawRow[], field: string): Map<string, RawRow[]> {
  const out = new Map<string, RawRow[]>();
  for (const r of rows) {
    const k = String(r[field]);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

export class KuzuHistory implements HistoryStore {
  constructor(
    private readonly db: KuzuConnection,
    private readonly memory: MemoryIndexes,
  ) {}

  /** Rows of every statement in a query file, as plain objects. */
  private async rowsOf(name: string, params: Params): Promise<RawRow[][]> {
    const out: RawRow[][] = [];
    for (const text of statements('kuzu', name)) out.push((await this.db.run(text, params)) as RawRow[]);
    return out;
  }

  /** Rows of a one-statement lookup by a list of ids (none asked for an empty list). */
  private async rowsById(name: string, ids: readonly string[]): Promise<RawRow[]> {
    return ids.length ? (await this.rowsOf(name, { ids: [...ids] }))[0]! : [];
  }

  itemRecord(id: string): Promise<ItemRecord | null> {
    return this.db.exclusive(async () => {
      const item = (await this.rowsOf('history-item', { id }))[0]?.[0];
      if (!item) return null;
      const [ops] = await this.rowsOf('history-operations', { id });
      const [ins, outs] = await this.rowsOf('history-flows', { id });
      const [inspections] = await this.rowsOf('history-inspections', { id });
      const [direct, above] = await this.rowsOf('history-containers', { id });
      const [ownShipments, containerShipments] = await this.rowsOf('history-shipments', { id });
      return {
        item: itemFacts(item),
        operations: uniqueOperations(ops!),
        flows: [...ins!, ...outs!].map(flowFacts),
        inspections: inspections!.map(inspectionFacts),
        containers: uniqueBy([...direct!, ...above!].map(packFacts), (p) => `${p.child}\u0000${p.parent}`),
        shipments: uniqueBy([...ownShipments!, ...containerShipments!].map(shipmentFacts), (s) => `${s.item}\u0000${s.shipment}`),
      };
    });
  }

  /**
   * itemRecord for a batch. What the trace index holds comes from memory: which operations each
   * item went into or came out of, all their inputs and outputs with quantities, the containers
   * above each item and the shipments that carried them. Kuzu answers the rest with one lookup by
   * id per statement for the whole batch: the items, those operations (what ran them), the
   * inspections, the packing edges' times and the shipments' times. Joining from the items to their
   * operations in Cypher cost ~2 s per 1,000 items on a 100,000-unit plant.
   */
  itemRecords(ids: readonly string[]): Promise<ItemRecord[]> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return Promise.resolve([]);
    return this.db.exclusive(async () => {
      const ix = this.memory.index;
      const items = await this.rowsById('records-item', unique);
      const found = items.map((r) => String(r.id));
      const flows: RawRow[] = [];
      const opsOf = new Map<string, Set<string>>();
      for (const of of found) {
        const ops = new Set<string>();
        for (const f of ix.recordFlows(of)) {
          flows.push({ ...f, of });
          ops.add(f.op);
        }
        opsOf.set(of, ops);
      }
      const opRow = byField(await this.rowsById('records-operations-by-id', [...new Set(flows.map((f) => String(f.op)))]), 'id');
      const ops: RawRow[] = [];
      for (const [of, set] of opsOf) for (const op of set) for (const r of opRow.get(op) ?? []) ops.push({ ...r, of });
      const inspections = await this.rowsById('records-inspections', found);
      // Every level of packing at once, and only where there is any: the index knows the containers
      // above the batch (at 1,000,000 units this query costs seconds whatever it is asked).
      const packedBy = byField(await this.rowsById('records-containers', ix.packedAbove(found)), 'child');
      const carried = new Map<string, { shipment: string; customer: string | null }[]>();
      const up = await containersByLevel(
        found,
        (level) => Promise.resolve(level.flatMap((id) => packedBy.get(id) ?? [])),
        async (all) => {
          for (const id of all) carried.set(id, ix.directShipments(id));
          const shipments = [...new Set([...carried.values()].flat().map((s) => s.shipment))];
          const times = await this.rowsById('records-shipment-times', shipments);
          const at = new Map(times.map((r) => [String(r.shipment), r.eventTime]));
          return all.flatMap((item) =>
            carried
              .get(item)!
              .map((s) => ({ item, shipment: s.shipment, customer: s.customer, eventTime: at.get(s.shipment) ?? null })),
          );
        },
      );
      return assembleRecords(unique, [items, ops, flows, inspections, up.containers, up.shipments]);
    });
  }

  itemsReceived(from: string, to: string): Promise<string[]> {
    return this.db.exclusive(async () =>
      (await this.rowsOf('items-received', receiveBounds(from, to)))[0]!.map((r) => String(r.id)),
    );
  }

  /**
   * The operation cache, the inspection index and the held index once read (the first call reads them in the
   * connection's queue). From then on neighbours and itemStatus read memory only and take no turn
   * in the queue: a genealogy asks once per level, and behind a busy ingest every turn waited for
   * a write batch (seconds per level on a loaded machine). Memory learns a batch in one synchronous
   * step after its commit (write.ts), so a read sees a batch whole or not at all.
   */
  private ops: Map<string, CachedOp> | undefined;
  private inspectionsRead = false;

  neighbours(ids: readonly string[], direction: 'up' | 'down'): Promise<NeighbourFacts[]> {
    if (this.ops) return Promise.resolve(this.neighboursIn(this.ops, ids, direction));
    return this.db.exclusive(async () => {
      this.ops = await this.memory.operations.load(this.db);
      return this.neighboursIn(this.ops, ids, direction);
    });
  }

  /** Reads the operation cache and the inspection index now (see AdminStore.warmUp). */
  async warmUp(): Promise<void> {
    await this.neighbours([], 'down');
    await this.itemStatus([]);
  }

  private neighboursIn(ops: Map<string, CachedOp>, ids: readonly string[], direction: 'up' | 'down'): NeighbourFacts[] {
    const ix = this.memory.index;
    return [...new Set(ids)].map((id) => ({
      from: id,
      flows: ix.flowStep(id, direction).map((f) => {
        const op = ops.get(f.op);
        return { ...f, step: op?.step ?? '', result: op?.result ?? null };
      }),
      packed: ix.packedStep(id, direction),
      shipments: direction === 'down' ? ix.directShipments(id) : [],
    }));
  }

  itemStatus(ids: readonly string[]): Promise<ItemStatusFacts[]> {
    if (this.inspectionsRead) return Promise.resolve(this.itemStatusIn(ids));
    return this.db.exclusive(async () => {
      await this.memory.inspections.load(this.db);
      await this.memory.held.load(this.db);
      this.inspectionsRead = true;
      return this.itemStatusIn(ids);
    });
  }

  private itemStatusIn(ids: readonly string[]): ItemStatusFacts[] {
    const ix = this.memory.index;
    const out: ItemStatusFacts[] = [];
    for (const id of new Set(ids)) {
      const state = ix.itemState(id);
      if (!state) continue;
      out.push({
        id,
        kind: state.rank % 2 === 0 ? 'unit' : 'lot',
        container: state.container,
        inspections: this.memory.inspections.of(id),
        shipped: ix.neighbours('item', id, 'out', 'shipment').length > 0,
        held: this.memory.held.of(id).length > 0,
      });
    }
    return out;
  }

  /** neighbours as one Cypher query per id (the cross-check of the in-memory answer, and the bench's baseline). */
  neighboursInCypher(ids: readonly string[], direction: 'up' | 'down'): Promise<NeighbourFacts[]> {
    return this.db.exclusive(async () => {
      const flows: RawRow[] = [];
      const packed: RawRow[] = [];
      const shipped: RawRow[] = [];
      // One id per query: Kuzu plans `id IN $list` as a scan per entry.
      for (const id of new Set(ids)) {
        const [f, p, s] = await this.rowsOf(`genealogy-${direction}`, { id });
        flows.push(...f!.map((r) => ({ ...r, from: id })));
        packed.push(...p!.map((r) => ({ ...r, from: id })));
        shipped.push(...(s ?? []).map((r) => ({ ...r, from: id })));
      }
      return neighbourFacts([...new Set(ids)], flows, packed, shipped);
    });
  }

  /** itemStatus as one Cypher query per id (the cross-check and the bench's baseline). */
  itemStatusInCypher(ids: readonly string[]): Promise<ItemStatusFacts[]> {
    return this.db.exclusive(async () => {
      const out: ItemStatusFacts[] = [];
      for (const id of new Set(ids))
        for (const r of (await this.rowsOf('genealogy-status', { id }))[0]!) out.push(statusFacts(r));
      return out;
    });
  }

  equipmentIds(): Promise<string[]> {
    return Promise.resolve([...this.memory.names.get('Equipment')!].sort());
  }

  readings(equipment: string, from: string, to: string): Promise<ReadingFacts[]> {
    return this.db.exclusive(async () => (await this.rowsOf('history-readings', { equipment, from, to }))[0]!.map(readingFacts));
  }

  qualityFacts(from: string, to: string): Promise<QualityFacts> {
    return this.db.exclusive(async () => {
      const [ops] = await this.rowsOf('equipment-operations', { from, to });
      const [ins, outs] = await this.rowsOf('equipment-flows', { from, to });
      const [ofOutputs, ofInPlace] = await this.rowsOf('equipment-inspections', { from, to });
      const [maintenance] = await this.rowsOf('equipment-maintenance', {});
      return {
        operations: uniqueOperations(ops!),
        flows: [...ins!, ...outs!].map(flowFacts),
        inspections: uniqueBy([...ofOutputs!, ...ofInPlace!].map(inspectionFacts), (i) => i.id),
        maintenance: maintenance!.map(maintenanceFacts),
      };
    });
  }
}
