/** Holds on Neo4j. */
import { holdFromRow, holdItems, holdNotReleasable, unknownItems } from '../holds.ts';
import type { HoldFilter, HoldRecord, HoldStore, PlaceHold, ReleaseHold, TraceStore } from '../port.ts';
import { query } from '../queries.ts';
import type { Neo4jConnection } from './connection.ts';
import { SLICE } from './write.ts';

export class Neo4jHolds implements HoldStore {
  constructor(
    private readonly conn: Neo4jConnection,
    private readonly traces: Pick<TraceStore, 'traceForward'>,
  ) {}

  async placeHold(req: PlaceHold): Promise<HoldRecord> {
    const items = await holdItems(this.traces, req);
    await this.conn.tx('WRITE', async (tx) => {
      const known = new Set<string>();
      for (let i = 0; i < items.length; i += SLICE) {
        const res = await tx.run(query('neo4j', 'hold-known-items'), { ids: items.slice(i, i + SLICE) });
        for (const r of res.records) known.add(r.get('id') as string);
      }
      const missing = items.filter((id) => !known.has(id));
      if (missing.length) throw unknownItems(missing);
      await tx.run(query('neo4j', 'hold-create'), { id: req.id, reason: req.reason, by: req.by, at: req.at });
      for (let i = 0; i < items.length; i += SLICE)
        await tx.run(query('neo4j', 'hold-link'), { id: req.id, items: items.slice(i, i + SLICE) });
    });
    return (await this.holds({ id: req.id }))[0]!;
  }

  async releaseHold(req: ReleaseHold): Promise<HoldRecord> {
    const released = await this.conn.tx('WRITE', async (tx) => {
      const res = await tx.run(query('neo4j', 'hold-release'), { id: req.id, by: req.by, at: req.at, meaning: req.meaning });
      return res.records.length > 0;
    });
    const [found] = await this.holds({ id: req.id });
    if (!released) throw holdNotReleasable(req.id, found);
    return found!;
  }

  holds(filter: HoldFilter = {}): Promise<HoldRecord[]> {
    return this.conn.tx('READ', async (tx) => {
      const res = await tx.run(query('neo4j', 'hold-list'), {
        id: filter.id ?? null,
        status: filter.status ?? null,
        item: filter.item ?? null,
      });
      return res.records.map((r) => holdFromRow((k) => r.get(k)));
    });
  }
}
