/** The interlock's item view on Neo4j. */
import { itemProgressFrom } from '../loop.ts';
import type { ItemProgress, LoopStore } from '../port.ts';
import { query, statements } from '../queries.ts';
import type { Neo4jConnection } from './connection.ts';

export class Neo4jLoop implements LoopStore {
  constructor(private readonly conn: Neo4jConnection) {}

  itemProgress(id: string): Promise<ItemProgress> {
    return this.conn.tx('READ', async (tx) => {
      const rows = async (text: string) =>
        (await tx.run(text, { id })).records.map((r) => r.toObject() as Record<string, unknown>);
      const ops = [];
      for (const text of statements('neo4j', 'loop-item-operations')) ops.push(...(await rows(text)));
      return itemProgressFrom(
        ops,
        await rows(query('neo4j', 'loop-item-inspections')),
        await rows(query('neo4j', 'loop-item-holds')),
      );
    });
  }
}
