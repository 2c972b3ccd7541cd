/** Liveness and counts of the embedded store. */
import type { AdminStore, StoreStats } from '../port.ts';
import { query } from '../queries.ts';
import type { KuzuConnection } from './connection.ts';

export class KuzuAdmin implements Pick<AdminStore, 'ping' | 'stats'> {
  constructor(private readonly db: KuzuConnection) {}

  ping(): Promise<void> {
    return this.db.exclusive(async () => {
      await this.db.run(query('kuzu', 'ping'));
    });
  }

  stats(): Promise<StoreStats> {
    return this.db.exclusive(async () => {
      const nodes: Record<string, number> = {};
      for (const r of await this.db.run(query('kuzu', 'stats-nodes'))) nodes[r.label as string] = Number(r.n);
      const relationships: Record<string, number> = {};
      for (const r of await this.db.run(query('kuzu', 'stats-rels'))) relationships[r.type as string] = Number(r.n);
      return { backend: 'kuzu' as const, events: nodes.Event ?? 0, nodes, relationships };
    });
  }
}
