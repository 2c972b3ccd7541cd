/**
 * Every operation's station, times and context, in memory, for the recall scope on the embedded
 * store: set lookups by id are slow in Kuzu (`id IN $list` and UNWIND + MATCH scan), so a scope asks
 * this cache instead. Loaded on the first recall, then kept up to date after each commit.
 */
import type { Projection } from '../../projection.ts';
import { query } from '../../queries.ts';
import type { OpFacts } from '../../recall.ts';
import type { KuzuConnection } from '../connection.ts';

/** `result` is for the genealogy (an operation that failed is marked). */
export type CachedOp = OpFacts & { key: string; result: string | null };

export class OperationCache {
  private ops: Map<string, CachedOp> | undefined;
  /** The cache's operations per station, by end time (rebuilt when an operation changes). */
  private opsByStation: Map<string, OpFacts[]> | undefined;

  stationIndex(ops: Map<string, OpFacts>): Map<string, OpFacts[]> {
    if (this.opsByStation) return this.opsByStation;
    const m = new Map<string, OpFacts[]>();
    for (const op of ops.values()) (m.get(op.station) ?? m.set(op.station, []).get(op.station)!).push(op);
    for (const list of m.values()) list.sort((a, b) => a.end - b.end);
    return (this.opsByStation = m);
  }

  /** The cache once loaded (no query), else undefined. */
  get loaded(): Map<string, CachedOp> | undefined {
    return this.ops;
  }

  /** The cache, read from Kuzu the first time. Call inside the connection's queue. */
  async load(db: KuzuConnection): Promise<Map<string, CachedOp>> {
    if (this.ops) return this.ops;
    const ops = new Map<string, CachedOp>();
    for (const r of await db.run(query('kuzu', 'recall-operations'))) {
      const end = Date.parse(r.endTime as string);
      ops.set(r.id as string, {
        id: r.id as string,
        step: r.step as string,
        station: r.station as string,
        start: r.startTime ? Date.parse(r.startTime as string) : end,
        end,
        equipment: (r.equipment as string | null) ?? null,
        operator: (r.operator as string | null) ?? null,
        recipe: (r.recipe as string | null) ?? null,
        result: (r.result as string | null) ?? null,
        key: '',
      });
    }
    this.ops = ops;
    return ops;
  }

  /** After commit: the operations a batch wrote (nothing to do before the first recall loaded the cache). */
  learn(p: Projection): void {
    const ops = this.ops;
    if (!ops) return;
    if (p.operations.size) this.opsByStation = undefined;
    for (const o of p.operations.values()) {
      const prev = ops.get(o.id);
      if (prev && prev.key > o.key) continue;
      const end = Date.parse(o.endTime);
      ops.set(o.id, {
        id: o.id,
        step: o.step,
        station: o.station,
        start: o.startTime ? Date.parse(o.startTime) : end,
        end,
        equipment: prev?.equipment ?? null,
        operator: prev?.operator ?? null,
        recipe: prev?.recipe ?? null,
        result: o.result,
        key: o.key,
      });
    }
    for (const l of p.opOn) ops.get(l.from)!.equipment = l.to;
    for (const l of p.opBy) ops.get(l.from)!.operator = l.to;
    for (const l of p.opFollows) ops.get(l.from)!.recipe = l.to;
  }
}
