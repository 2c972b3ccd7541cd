/** Serial history, genealogy and quality analytics on the embedded store (history-, genealogy-, equipment-*.cypher). */
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
import type { KuzuConnection, Params } from './connection.ts';

export class KuzuHistory implements HistoryStore {
  constructor(private readonly db: KuzuConnection) {}

  /** Rows of every statement in a query file, as plain objects. */
  private async rowsOf(name: string, params: Params): Promise<RawRow[][]> {
    const out: RawRow[][] = [];
    for (const text of statements('kuzu', name)) out.push((await this.db.run(text, params)) as RawRow[]);
    return out;
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

  neighbours(ids: readonly string[], direction: 'up' | 'down'): Promise<NeighbourFacts[]> {
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

  itemStatus(ids: readonly string[]): Promise<ItemStatusFacts[]> {
    return this.db.exclusive(async () => {
      const out: ItemStatusFacts[] = [];
      for (const id of new Set(ids))
        for (const r of (await this.rowsOf('genealogy-status', { id }))[0]!) out.push(statusFacts(r));
      return out;
    });
  }

  readings(equipment: string, from: string, to: string): Promise<ReadingFacts[]> {
    return this.db.exclusive(async () => (await this.rowsOf('history-readings', { equipment, from, to }))[0]!.map(readingFacts));
  }

  qualityFacts(from: string, to: string): Promise<QualityFacts> {
    return this.db.exclusive(async () => {
      const [ops] = await this.rowsOf('equipment-operations', { from, to });
      const [ins, outs] = await this.rowsOf('equipment-flows', { from, to });
      const [inspections] = await this.rowsOf('equipment-inspections', { from, to });
      const [maintenance] = await this.rowsOf('equipment-maintenance', {});
      return {
        operations: uniqueOperations(ops!),
        flows: [...ins!, ...outs!].map(flowFacts),
        inspections: inspections!.map(inspectionFacts),
        maintenance: maintenance!.map(maintenanceFacts),
      };
    });
  }
}
