/**
 * The interlock's item view on the embedded store, from the in-memory indexes: the trace index
 * gives the operations an item went into or came out of, the operation cache their step, end and
 * result, the inspection index its inspections and the held index its active holds. All of them
 * learn a write only after it has committed, so an answer is the committed graph, and it does not
 * wait in the connection's queue behind the write batch (only the first call loads what is not
 * loaded yet). `itemProgressInCypher` is the same view as queries (the cross-check).
 */
import { itemProgressFrom } from '../loop.ts';
import type { ItemProgress, LoopStore } from '../port.ts';
import { query, statements } from '../queries.ts';
import type { KuzuConnection } from './connection.ts';
import type { MemoryIndexes } from './memory/indexes.ts';

export class KuzuLoop implements LoopStore {
  private loading: Promise<void> | undefined;

  constructor(
    private readonly db: KuzuConnection,
    private readonly memory: MemoryIndexes,
  ) {}

  private load(): Promise<void> {
    this.loading ??= this.db
      .exclusive(async () => {
        await this.memory.operations.load(this.db);
        await this.memory.inspections.load(this.db);
        await this.memory.held.load(this.db);
      })
      .catch((e: unknown) => {
        this.loading = undefined;
        throw e;
      });
    return this.loading;
  }

  async itemProgress(id: string): Promise<ItemProgress> {
    await this.load();
    const m = this.memory;
    const ops = m.operations.loaded!;
    const seen = new Set<string>();
    const operations: ItemProgress['operations'] = [];
    for (const opId of [
      ...m.index.neighbours('item', id, 'out', 'operation'),
      ...m.index.neighbours('item', id, 'in', 'operation'),
    ]) {
      const op = ops.get(opId);
      if (!op || seen.has(opId)) continue;
      seen.add(opId);
      operations.push({ id: op.id, step: op.step, endTime: new Date(op.end).toISOString(), result: op.result });
    }
    return {
      operations,
      inspections: m.inspections.of(id).map((i) => ({ ...i, defects: m.inspections.defectsOf(id, i.eventTime) })),
      holds: m.held.of(id),
    };
  }

  itemProgressInCypher(id: string): Promise<ItemProgress> {
    return this.db.exclusive(async () => {
      const ops = [];
      for (const text of statements('kuzu', 'loop-item-operations')) ops.push(...(await this.db.run(text, { id })));
      const inspections = await this.db.run(query('kuzu', 'loop-item-inspections'), { id });
      const holds = await this.db.run(query('kuzu', 'loop-item-holds'), { id });
      return itemProgressFrom(ops, inspections, holds);
    });
  }
}
