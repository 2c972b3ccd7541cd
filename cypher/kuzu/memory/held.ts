/**
 * The active holds of each item, in memory, for the interlock on the embedded store (a held item
 * must be refused without a query queued behind the write batch). Read from Kuzu on first use, then
 * told of each hold placed, extended and released by this store (Kuzu has one process: no other
 * writer can change them).
 */
import { holdFromRow } from '../../holds.ts';
import { query } from '../../queries.ts';
import type { KuzuConnection } from '../connection.ts';

export class HeldIndex {
  /** Item -> hold id -> reason; undefined until loaded. */
  private byItem: Map<string, Map<string, string>> | undefined;
  /** Active hold id -> reason and items. */
  private readonly holds = new Map<string, { reason: string; items: Set<string> }>();

  get loaded(): boolean {
    return this.byItem !== undefined;
  }

  /** Read from Kuzu the first time. Call inside the connection's queue. */
  async load(db: KuzuConnection): Promise<void> {
    if (this.byItem) return;
    this.byItem = new Map();
    const rows = await db.run(query('kuzu', 'hold-list'), { id: '', status: 'active', item: '' });
    for (const r of rows) {
      const h = holdFromRow((k) => r[k]);
      this.place(h.id, h.reason, h.items);
    }
  }

  /** The active holds on an item (call after `load`). */
  of(item: string): { id: string; reason: string }[] {
    const m = this.byItem?.get(item);
    return m ? [...m].map(([id, reason]) => ({ id, reason })) : [];
  }

  /** After commit: a hold was placed on these items. */
  place(id: string, reason: string, items: Iterable<string>): void {
    if (!this.byItem) return;
    this.holds.set(id, { reason, items: new Set() });
    this.add(id, items);
  }

  /** After commit: items joined an active hold. */
  add(id: string, items: Iterable<string>): void {
    const h = this.holds.get(id);
    if (!this.byItem || !h) return;
    for (const i of items) {
      h.items.add(i);
      let m = this.byItem.get(i);
      if (!m) this.byItem.set(i, (m = new Map()));
      m.set(id, h.reason);
    }
  }

  /** After commit: a hold was released. */
  release(id: string): void {
    const h = this.holds.get(id);
    if (!this.byItem || !h) return;
    this.holds.delete(id);
    for (const i of h.items) {
      const m = this.byItem.get(i);
      m?.delete(id);
      if (m && !m.size) this.byItem.delete(i);
    }
  }
}
