/** Holds on the embedded store. */
import { TracegraphError } from '../../core/errors.ts';
import { holdFromRow, holdItems, holdNotReleasable, unknownItems } from '../holds.ts';
import type { HoldFilter, HoldRecord, HoldStore, PlaceHold, ReleaseHold, TraceStore } from '../port.ts';
import { query } from '../queries.ts';
import type { KuzuConnection } from './connection.ts';
import { copyRows } from './load.ts';
import type { MemoryIndexes } from './memory/indexes.ts';
import { transaction } from './write.ts';

export class KuzuHolds implements HoldStore {
  constructor(
    private readonly db: KuzuConnection,
    private readonly memory: MemoryIndexes,
    private readonly traces: Pick<TraceStore, 'traceForward'>,
  ) {}

  async placeHold(req: PlaceHold): Promise<HoldRecord> {
    const items = await holdItems(this.traces, req);
    // The trace index knows every lot and unit in the graph: no query needed to check the ids.
    const missing = items.filter((id) => !this.memory.index.itemState(id));
    if (missing.length) throw unknownItems(missing);
    await this.db.exclusive(() =>
      transaction(this.db, async () => {
        await this.db.run(query('kuzu', 'hold-create'), { id: req.id, reason: req.reason, by: req.by, at: req.at });
        await copyRows(
          this.db,
          'HOLDS',
          items.map((id) => [req.id, id]),
        );
      }),
    );
    this.memory.held.place(req.id, req.reason, items);
    return (await this.holds({ id: req.id }))[0]!;
  }

  async releaseHold(req: ReleaseHold): Promise<HoldRecord> {
    const rows = await this.db.exclusive(() =>
      this.db.run(query('kuzu', 'hold-release'), { id: req.id, by: req.by, at: req.at, meaning: req.meaning }),
    );
    if (rows.length) this.memory.held.release(req.id);
    const [found] = await this.holds({ id: req.id });
    if (!rows.length) throw holdNotReleasable(req.id, found);
    return found!;
  }

  async addToHold(id: string, items: readonly string[]): Promise<string[]> {
    return this.db.exclusive(async () => {
      const [row] = await this.db.run(query('kuzu', 'hold-status'), { id });
      if (!row) throw holdNotReleasable(id, undefined);
      if (row.status !== 'active') throw new TracegraphError('BAD_INPUT', `hold ${id} is released: place a new hold`);
      const have = new Set(row.items as string[]);
      const add = [...new Set(items)].filter((i) => !have.has(i) && this.memory.index.itemState(i));
      if (add.length)
        await copyRows(
          this.db,
          'HOLDS',
          add.map((i) => [id, i]),
        );
      this.memory.held.add(id, add);
      return add;
    });
  }

  holds(filter: HoldFilter = {}): Promise<HoldRecord[]> {
    return this.db.exclusive(async () => {
      const rows = await this.db.run(query('kuzu', 'hold-list'), {
        id: filter.id ?? '',
        status: filter.status ?? '',
        item: filter.item ?? '',
      });
      return rows.map((r) => holdFromRow((k) => r[k]));
    });
  }
}
