/** Liveness, counts and emptying of a Neo4j store. */
import type { AdminStore, StoreStats } from '../port.ts';
import { query } from '../queries.ts';
import type { Neo4jConnection } from './connection.ts';

export class Neo4jAdmin implements Pick<AdminStore, 'ping' | 'stats'> {
  constructor(private readonly conn: Neo4jConnection) {}

  ping(): Promise<void> {
    return this.conn.tx('READ', async (tx) => {
      await tx.run(query('neo4j', 'ping'));
    });
  }

  stats(): Promise<StoreStats> {
    return this.conn.tx('READ', async (tx) => {
      const nodes: Record<string, number> = {};
      for (const r of (await tx.run(query('neo4j', 'stats-nodes'))).records) nodes[r.get('label') as string] = Number(r.get('n'));
      const relationships: Record<string, number> = {};
      for (const r of (await tx.run(query('neo4j', 'stats-rels'))).records)
        relationships[r.get('type') as string] = Number(r.get('n'));
      return { backend: 'neo4j' as const, events: nodes.Event ?? 0, nodes, relationships };
    });
  }

  /** Deletes every node: for tests and the bench, which share one server. */
  async clear(): Promise<void> {
    const s = this.conn.session('WRITE');
    try {
      await s.run('MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS');
    } finally {
      await s.close();
    }
  }
}
