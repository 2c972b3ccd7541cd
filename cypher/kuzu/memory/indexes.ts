/**
 * The embedded store's in-memory indexes and their lifecycle: read from Kuzu at open, told what a
 * batch wrote only after it has committed (`learn`), and what a voided event had drawn (`forget`).
 * Kuzu stays the system of record; these answer traces, their quantities and events, recall facts
 * and "is this id new?" without a query per id.
 */
import type { Projection } from '../../projection.ts';
import { query, statements } from '../../queries.ts';
import type { KuzuConnection } from '../connection.ts';
import { exportRows } from '../load.ts';
import { BloomFilter } from './bloom.ts';
import { FlowIndex } from './flow-index.ts';
import { HeldIndex } from './held.ts';
import { InspectionIndex } from './inspections.ts';
import { MentionIndex, grow } from './mention-index.ts';
import { OperationCache } from './operations.ts';
import { RecallCache } from './recall-cache.ts';

/** The context nodes known by their id alone; a batch creates only those not yet in `names`. */
export const NAMED = ['Party', 'WorkOrder', 'Equipment', 'Operator', 'Recipe'] as const;
export type Named = (typeof NAMED)[number];

/** Called while the trace index loads at open: (done, total, what). */
export type LoadProgress = (step: number, steps: number, what: string) => void;

export class MemoryIndexes {
  readonly index = new FlowIndex();
  /**
   * Read on the first trace's events (or warm-up), not at open: only those need it, and reading it
   * took ~5.5 s of a million-unit plant's open and much of its peak memory (a report or a trace
   * from the CLI does not pay for it).
   */
  private mentionIndex: MentionIndex | undefined;
  readonly names = new Map<Named, Set<string>>(NAMED.map((n) => [n, new Set<string>()]));
  /** Built on the first write, so read-only uses (a trace from the CLI) do not pay for it. */
  private bloom: BloomFilter | undefined;
  readonly operations = new OperationCache();
  /** Inspections per item, read on the first genealogy. */
  readonly inspections = new InspectionIndex();
  /** Recent recall scopes; emptied by every write batch (write.ts). */
  readonly recalls = new RecallCache();
  /** Active holds per item, read on the first interlock check. */
  readonly held = new HeldIndex();

  /** Reads the trace index, the mention index and the name sets from Kuzu. */
  async load(db: KuzuConnection, onProgress?: LoadProgress): Promise<void> {
    // Nine reads: items, three vertex tables, five edge tables.
    let step = 0;
    const report = (what: string) => onProgress?.(++step, 9, what);
    const itemAt: number[] = [];
    const items = await exportRows(db, query('kuzu', 'load-items'), 4, ([o, rank, container, id]) => {
      itemAt[Number(o)] = this.index.setItem(id!, Number(rank || 1), container === 'True');
    });
    report(`${items} items`);
    const at: Record<'Operation' | 'Shipment' | 'Party', number[]> = { Operation: [], Shipment: [], Party: [] };
    const kind = { Operation: 'operation', Shipment: 'shipment', Party: 'party' } as const;
    for (const label of ['Operation', 'Shipment', 'Party'] as const) {
      await exportRows(db, query('kuzu', 'load-vertices', { Label: label }), 2, ([o, id]) => {
        at[label][Number(o)] = this.index.vertex(kind[label], id!);
        if (label === 'Party') this.names.get('Party')!.add(id!);
      });
      report(label);
    }
    const patterns: [string, string, boolean, number[], number[]][] = [
      ['(a:Item)-[r:INPUT_TO]->(b:Operation)', 'r.h', true, itemAt, at.Operation],
      ['(a:Operation)-[r:OUTPUT]->(b:Item)', 'r.h', true, at.Operation, itemAt],
      ['(a:Item)-[r:PACKED_IN]->(b:Item)', 'r.h', false, itemAt, itemAt],
      ['(a:Item)-[r:SHIPPED_IN]->(b:Shipment)', 'r.h', false, itemAt, at.Shipment],
      ['(a:Shipment)-[r:`TO`]->(b:Party)', '0', false, at.Shipment, at.Party],
    ];
    for (const [pattern, hash, flow, from, to] of patterns) {
      const fill = { Pattern: pattern, Hash: hash, Qty: flow ? 'to_json(r.qty)' : 'NULL', Uom: flow ? 'r.uom' : 'NULL' };
      // Kuzu writes NULL as an empty field (and stores an empty uom as NULL: see csv-stage.ts).
      const n = await exportRows(db, query('kuzu', 'load-edges', fill), 5, ([a, b, h, qty, uom]) =>
        this.index.addHashedEdge(from[Number(a)]!, to[Number(b)]!, Number(h), qty ? Number(qty) : null, uom || null),
      );
      report(`${n} edges`);
    }
    this.index.compact();
    for (const label of ['WorkOrder', 'Equipment', 'Operator', 'Recipe'] as const) {
      const set = this.names.get(label)!;
      for (const r of await db.run(query('kuzu', 'load-names', { Label: label }))) set.add(r.id as string);
    }
  }

  /** The mention index, read from Kuzu the first time. Call inside the connection's queue. */
  async mentions(db: KuzuConnection): Promise<MentionIndex> {
    if (this.mentionIndex) return this.mentionIndex;
    const index = new MentionIndex();
    // Kuzu's item offsets -> trace index vertices (items written since open are in both by now).
    let itemAt = new Int32Array(1024).fill(-1);
    await exportRows(db, query('kuzu', 'load-items'), 4, ([o, , , id]) => {
      itemAt = grow(itemAt, Number(o), -1);
      itemAt[Number(o)] = this.index.lookup('lot', id!) ?? -1;
    });
    await this.loadMentions(db, index, itemAt);
    index.compact();
    return (this.mentionIndex = index);
  }

  /** The mention index: live events that name an item, numbered as read, and the items they name. */
  private async loadMentions(db: KuzuConnection, into: MentionIndex, itemAt: Int32Array): Promise<number> {
    const [events, epcisNames, mentions] = statements('kuzu', 'load-mentions');
    // Kuzu's offsets skip the events that name no item (readings, maintenance): a typed array, not a holey one.
    let eventAt = new Int32Array(1024).fill(-1);
    await exportRows(db, events!, 2, ([o, id]) => {
      eventAt = grow(eventAt, Number(o), -1);
      eventAt[Number(o)] = into.addEvent(id!, id!);
    });
    await exportRows(db, epcisNames!, 2, ([o, name]) => {
      const n = eventAt[Number(o)] ?? -1;
      if (n >= 0) into.rename(n, name!);
    });
    return exportRows(db, mentions!, 2, ([e, i]) => {
      const v = itemAt[Number(i)] ?? -1;
      if (v >= 0) into.mention(v, eventAt[Number(e)]!);
    });
  }

  /** The filter of stored eventIds, read from Kuzu on the first write. Call inside the connection's queue. */
  async eventFilter(db: KuzuConnection): Promise<BloomFilter> {
    return (this.bloom ??= await this.loadBloom(db));
  }

  /** After commit: the filter takes in the new eventIds (it grows as it needs, without the store). */
  addEvents(bloom: BloomFilter, ids: readonly string[]): void {
    for (const id of ids) bloom.add(id);
  }

  /** Every stored eventId, with room for as many again before the filter adds a segment. */
  private async loadBloom(db: KuzuConnection): Promise<BloomFilter> {
    const ids: string[] = [];
    await exportRows(db, query('kuzu', 'load-event-ids'), 1, ([id]) => ids.push(id!));
    const bloom = new BloomFilter(Math.max(100_000, ids.length * 2));
    for (const id of ids) bloom.add(id);
    return bloom;
  }

  /** After commit: the trace index and the name sets take in what was written. */
  learn(p: Projection, created: Map<Named, string[]>): void {
    const ix = this.index;
    for (const it of p.items.values()) ix.setItem(it.id, it.rank, it.container);
    for (const op of p.operations.values()) ix.vertex('operation', op.id);
    for (const s of p.shipments.values()) ix.vertex('shipment', s.id);
    for (const id of p.parties) ix.vertex('party', id);
    for (const [label, ids] of created) for (const id of ids) this.names.get(label)!.add(id);
    for (const r of p.inputs)
      ix.addEdge(ix.lookup('lot', r.item)!, ix.lookup('operation', r.op)!, r.eventId, r.qty, r.uom || null);
    for (const r of p.outputs)
      ix.addEdge(ix.lookup('operation', r.op)!, ix.lookup('lot', r.item)!, r.eventId, r.qty, r.uom || null);
    for (const r of p.packs) ix.addEdge(ix.lookup('lot', r.child)!, ix.lookup('lot', r.parent)!, r.eventId);
    for (const r of p.shipped) ix.addEdge(ix.lookup('lot', r.item)!, ix.lookup('shipment', r.shipment)!, r.eventId);
    for (const l of p.shipTo) ix.addEdge(ix.lookup('shipment', l.from)!, ix.lookup('party', l.to)!, '');
    const mentions = this.mentionIndex;
    if (mentions && p.mentions.length) {
      const names = new Map(p.events.map((e) => [e.id, e.epcisEventId ?? e.id]));
      const numbers = new Map<string, number>();
      for (const m of p.mentions) {
        let n = numbers.get(m.from);
        if (n === undefined) numbers.set(m.from, (n = mentions.addEvent(m.from, names.get(m.from)!)));
        mentions.mention(ix.lookup('lot', m.to)!, n);
      }
    }
    this.operations.learn(p);
    this.inspections.learn(p);
  }

  /** After commit: a voided event's edges and mentions leave the indexes. */
  forget(drawn: Projection, eventId: string): void {
    const ix = this.index;
    const vs: number[] = [];
    for (const id of drawn.items.keys()) vs.push(ix.lookup('lot', id) ?? -1);
    for (const id of drawn.operations.keys()) vs.push(ix.lookup('operation', id) ?? -1);
    for (const id of drawn.shipments.keys()) vs.push(ix.lookup('shipment', id) ?? -1);
    ix.removeEventEdges(
      vs.filter((v) => v >= 0),
      eventId,
    );
    // The items an event names are the items it drew (projection.ts).
    this.mentionIndex?.void(
      [...drawn.items.keys()].flatMap((id) => ix.lookup('lot', id) ?? []),
      eventId,
    );
  }
}
