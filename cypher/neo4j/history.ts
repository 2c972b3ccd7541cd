/** Serial history, genealogy and quality analytics on Neo4j (history-, genealogy-, equipment-*.cypher). */
import type { ManagedTransaction } from 'neo4j-driver';
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
import { assembleRecords, receiveBounds, RECORD_QUERIES } from '../records.ts';
import type { Neo4jConnection, Params } from './connection.ts';

/** Rows of every statement in a query file, as plain objects, in one read transaction. */
function rowsOf(tx: ManagedTransaction, name: string, params: Params): Promise<RawRow[][]> {
  return Promise.all(
    statements('neo4j', name).map(async (text) => (await tx.run(text, params)).records.map((r) => r.toObject() as RawRow)),
  );
}

export class Neo4jHistory implements HistoryStore {
  constructor(private readonly conn: Neo4jConnection) {}

  itemRecord(id: string): Promise<ItemRecord | null> {
    return this.conn.tx('READ', async (tx) => {
      const item = (await rowsOf(tx, 'history-item', { id }))[0]?.[0];
      if (!item) return null;
      const [ops] = await rowsOf(tx, 'history-operations', { id });
      const [flows] = await rowsOf(tx, 'history-flows', { id });
      const [inspections] = await rowsOf(tx, 'history-inspections', { id });
      const [containers] = await rowsOf(tx, 'history-containers', { id });
      const [shipments] = await rowsOf(tx, 'history-shipments', { id });
      return {
        item: itemFacts(item),
        operations: uniqueOperations(ops!),
        flows: flows!.map(flowFacts),
        inspections: inspections!.map(inspectionFacts),
        containers: uniqueBy(containers!.map(packFacts), (p) => `${p.child}\u0000${p.parent}`),
        shipments: uniqueBy(shipments!.map(shipmentFacts), (s) => `${s.item}\u0000${s.shipment}`),
      };
    });
  }

  /** itemRecord for a batch: each records-*.cypher statement once for the whole batch. */
  itemRecords(ids: readonly string[]): Promise<ItemRecord[]> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return Promise.resolve([]);
    return this.conn.tx('READ', async (tx) => {
      const rows: RawRow[][] = [];
      for (const name of RECORD_QUERIES) rows.push((await rowsOf(tx, name, { ids: unique })).flat());
      return assembleRecords(unique, rows);
    });
  }

  itemsReceived(from: string, to: string): Promise<string[]> {
    return this.conn.tx('READ', async (tx) =>
      (await rowsOf(tx, 'items-received', receiveBounds(from, to)))[0]!.map((r) => String(r.id)),
    );
  }

  neighbours(ids: readonly string[], direction: 'up' | 'down'): Promise<NeighbourFacts[]> {
    const unique = [...new Set(ids)];
    return this.conn.tx('READ', async (tx) => {
      const [flows, packed, shipped] = await rowsOf(tx, `genealogy-${direction}`, { ids: unique });
      return neighbourFacts(unique, flows!, packed!, shipped ?? []);
    });
  }

  itemStatus(ids: readonly string[]): Promise<ItemStatusFacts[]> {
    return this.conn.tx('READ', async (tx) =>
      (await rowsOf(tx, 'genealogy-status', { ids: [...new Set(ids)] }))[0]!.map(statusFacts),
    );
  }

  equipmentIds(): Promise<string[]> {
    return this.conn.tx('READ', async (tx) => (await rowsOf(tx, 'equipment-ids', {}))[0]!.map((r) => String(r.id)));
  }

  readings(equipment: string, from: string, to: string): Promise<ReadingFacts[]> {
    return this.conn.tx('READ', async (tx) =>
      (await rowsOf(tx, 'history-readings', { equipment, from, to }))[0]!.map(readingFacts),
    );
  }

  qualityFacts(from: string, to: string): Promise<QualityFacts> {
    return this.conn.tx('READ', async (tx) => {
      const [ops] = await rowsOf(tx, 'equipment-operations', { from, to });
      const [flows] = await rowsOf(tx, 'equipment-flows', { from, to });
      const [inspections] = await rowsOf(tx, 'equipment-inspections', { from, to });
      const [maintenance] = await rowsOf(tx, 'equipment-maintenance', {});
      return {
        operations: uniqueOperations(ops!),
        flows: flows!.map(flowFacts),
        inspections: inspections!.map(inspectionFacts),
        maintenance: maintenance!.map(maintenanceFacts),
      };
    });
  }
}
