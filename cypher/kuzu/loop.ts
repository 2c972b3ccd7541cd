/** The interlock's item view on the embedded store. */
import { itemProgressFrom } from '../loop.ts';
import type { ItemProgress, LoopStore } from '../port.ts';
import { query, statements } from '../queries.ts';
import type { KuzuConnection } from './connection.ts';

export class KuzuLoop implements LoopStore {
  constructor(private readonly db: KuzuConnection) {}

  itemProgress(id: string): Promise<ItemProgress> {
    return this.db.exclusive(async () => {
      const ops = [];
      for (const text of statements('kuzu', 'loop-item-operations')) ops.push(...(await this.db.run(text, { id })));
      const inspections = await this.db.run(query('kuzu', 'loop-item-inspections'), { id });
      const holds = await this.db.run(query('kuzu', 'loop-item-holds'), { id });
      return itemProgressFrom(ops, inspections, holds);
    });
  }
}
