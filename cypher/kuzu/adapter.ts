/**
 * The embedded GraphStore: Kuzu in-process, data in one file under the data directory.
 *
 * Kuzu allows one writer; every call here goes through one queue. Writes run in one transaction
 * per batch (nodes created with UNWIND, relationships bulk-loaded with COPY), and only after the
 * commit does the in-memory trace index learn of them.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import kuzu from 'kuzu';
import type { CanonicalEvent } from '../../core/events.ts';
import { TracegraphError } from '../../core/errors.ts';
import { planBatch, type Stored } from '../batch.ts';
import { BloomFilter } from '../bloom.ts';
import { FlowIndex, eventHash } from '../flow-index.ts';
import type { Projection } from '../projection.ts';
import type { ApplyResult, GraphStore, StoreStats, TraceResult } from '../port.ts';
import { query, statements } from '../queries.ts';

type Row = Record<string, kuzu.KuzuValue>;
const closedHandles: unknown[] = [];
const DEFAULT_BUFFER_MB = 1024;
/** 1 TiB of address space: far beyond any plant's graph, and 8 times less than Kuzu's default. */
const MAX_DB_SIZE = 2 ** 40;
type Params = Record<string, kuzu.KuzuValue>;

const NAMED = ['Party', 'WorkOrder', 'Equipment', 'Operator', 'Recipe'] as const;
type Named = (typeof NAMED)[number];
const LINKS = {
  shipTo: ['`TO`', ''],
  suppliedBy: ['SUPPLIED_BY', ''],
  opFor: ['`FOR`', ''],
  opOn: ['`ON`', "(from='Operation', to='Equipment')"],
  opBy: ['`BY`', ''],
  opFollows: ['FOLLOWS', ''],
} as const;

/** Numbers travel as strings (see create-shipments.cypher). */
const num = (x: number | null | undefined): string | null => (x === null || x === undefined ? null : String(x));

export interface KuzuOptions {
  dataDir: string;
  /** Kuzu's buffer pool in MiB (env TRACEGRAPH_KUZU_BUFFER_MB). */
  bufferMb?: number;
  /** Called while the trace index loads at open: (done, total, what). */
  onProgress?: (done: number, total: number, what: string) => void;
}

export class KuzuStore implements GraphStore {
  readonly backend = 'kuzu' as const;
  private readonly db: kuzu.Database;
  private readonly conn: kuzu.Connection;
  private readonly prepared = new Map<string, kuzu.PreparedStatement>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly index = new FlowIndex();
  private bloom = new BloomFilter(100_000);
  private readonly names = new Map<Named, Set<string>>(NAMED.map((n) => [n, new Set<string>()]));
  private closed = false;

  private constructor(
    readonly path: string,
    bufferMb: number,
  ) {
    // Kuzu's defaults take 80% of RAM for its buffer pool and reserve 8 TiB of address space per
    // database; both are capped so that a test process can hold many stores at once.
    this.db = new kuzu.Database(path, bufferMb * 1024 * 1024, true, false, MAX_DB_SIZE);
    this.conn = new kuzu.Connection(this.db);
  }

  static async open(opts: KuzuOptions): Promise<KuzuStore> {
    mkdirSync(opts.dataDir, { recursive: true });
    let store: KuzuStore;
    try {
      store = new KuzuStore(join(opts.dataDir, 'graph.kuzu'), opts.bufferMb ?? DEFAULT_BUFFER_MB);
      await store.db.init();
      await store.conn.init();
    } catch (e) {
      throw new TracegraphError(
        'STORE_UNAVAILABLE',
        `cannot open the embedded graph in ${opts.dataDir} (${(e as Error).message.split('\n')[0]}); is another tracegraph process using it?`,
        { cause: e },
      );
    }
    for (const s of statements('kuzu', 'schema')) await store.run(s);
    // Traces must reach any depth: Kuzu stops variable-length patterns at 30 hops unless told.
    await store.run('CALL var_length_extend_max_depth=1000000');
    await store.loadIndex(opts.onProgress);
    return store;
  }

  /** Runs one statement; `params` are trimmed to those the statement names. */
  private async run(text: string, params?: Params): Promise<Row[]> {
    let ps = this.prepared.get(text);
    if (!ps) {
      ps = await this.conn.prepare(text);
      if (!ps.isSuccess()) throw new TracegraphError('STORE_QUERY', `Kuzu rejected a query: ${ps.getErrorMessage()}`);
      this.prepared.set(text, ps);
    }
    const used: Params = {};
    if (params) for (const m of text.matchAll(/\$(\w+)/g)) used[m[1]!] = params[m[1]!] ?? null;
    const result = await this.conn.execute(ps, used);
    const all = Array.isArray(result) ? result : [result];
    const rows = all[all.length - 1]?.getAllSync() ?? [];
    // Results must be closed before the connection is, or Kuzu may crash at close (kuzu#5313).
    for (const r of all) r.close();
    return rows;
  }

  private async raw(text: string): Promise<void> {
    const r = await this.conn.query(text);
    for (const x of Array.isArray(r) ? r : [r]) x.close();
  }

  /** Serialises every use of the connection: Kuzu has one writer and we keep one connection. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new TracegraphError('STORE_UNAVAILABLE', 'the graph store is closed'));
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async loadIndex(onProgress?: KuzuOptions['onProgress']): Promise<void> {
    const report = onProgress ?? (() => undefined);
    const items = await this.run(query('kuzu', 'load-items'));
    const itemAt: number[] = [];
    items.forEach((r, i) => {
      itemAt[r.o as number] = this.index.setItem(r.id as string, Number(r.rank ?? 1), Boolean(r.container));
      if (i % 100_000 === 0) report(i, items.length, 'items');
    });
    const at: Record<'Operation' | 'Shipment' | 'Party', number[]> = { Operation: [], Shipment: [], Party: [] };
    const kind = { Operation: 'operation', Shipment: 'shipment', Party: 'party' } as const;
    for (const label of ['Operation', 'Shipment', 'Party'] as const) {
      for (const r of await this.run(query('kuzu', 'load-vertices', { Label: label })))
        at[label][r.o as number] = this.index.vertex(kind[label], r.id as string);
    }
    for (const r of await this.run(query('kuzu', 'load-vertices', { Label: 'Party' }))) this.names.get('Party')!.add(r.id as string);
    const patterns: [string, string, number[], number[]][] = [
      ['(a:Item)-[r:INPUT_TO]->(b:Operation)', 'r.h', itemAt, at.Operation],
      ['(a:Operation)-[r:OUTPUT]->(b:Item)', 'r.h', at.Operation, itemAt],
      ['(a:Item)-[r:PACKED_IN]->(b:Item)', 'r.h', itemAt, itemAt],
      ['(a:Item)-[r:SHIPPED_IN]->(b:Shipment)', 'r.h', itemAt, at.Shipment],
      ['(a:Shipment)-[r:`TO`]->(b:Party)', '0', at.Shipment, at.Party],
    ];
    for (const [pattern, hash, from, to] of patterns) {
      const rows = await this.run(query('kuzu', 'load-edges', { Pattern: pattern, Hash: hash }));
      report(0, rows.length, 'edges');
      for (const r of rows) this.index.addHashedEdge(from[r.a as number]!, to[r.b as number]!, Number(r.h));
    }
    for (const label of ['WorkOrder', 'Equipment', 'Operator', 'Recipe'] as const) {
      const set = this.names.get(label)!;
      for (const r of await this.run(query('kuzu', 'load-names', { Label: label }))) set.add(r.id as string);
    }
    const ids = await this.run(query('kuzu', 'load-event-ids'));
    this.bloom = new BloomFilter(Math.max(100_000, ids.length * 2));
    for (const r of ids) this.bloom.add(r.id as string);
  }

  applyEvents(events: readonly CanonicalEvent[]): Promise<ApplyResult> {
    if (events.length === 0) return Promise.resolve({ applied: 0, duplicates: 0, voided: 0 });
    return this.exclusive(() => this.applyLocked(events));
  }

  private async applyLocked(events: readonly CanonicalEvent[]): Promise<ApplyResult> {
    const stored = new Map<string, Stored>();
    for (const e of events) {
      if (stored.has(e.eventId) || !this.bloom.mightHave(e.eventId)) continue;
      const [row] = await this.run(query('kuzu', 'find-event'), { id: e.eventId });
      if (row) stored.set(e.eventId, { voided: Boolean(row.voided), payload: row.payload as string });
    }
    const plan = planBatch(events, stored);
    const p = plan.projection;
    await this.raw('BEGIN TRANSACTION');
    let committed = false;
    try {
      const created = await this.writeProjection(p);
      for (const v of plan.voids) {
        for (const s of statements('kuzu', 'void-event')) await this.run(s, { id: v.eventId, payload: v.payload });
      }
      await this.raw('COMMIT');
      committed = true;
      this.learn(p, created);
      for (const v of plan.voids) this.forget(v.drawn, v.eventId);
    } finally {
      if (!committed) await this.raw('ROLLBACK').catch(() => undefined);
    }
    for (const e of p.events) this.bloom.add(e.id);
    if (this.bloom.full) await this.rebuildBloom();
    return { applied: p.events.length, duplicates: plan.duplicates, voided: plan.voided };
  }

  private async rebuildBloom(): Promise<void> {
    const ids = await this.run(query('kuzu', 'load-event-ids'));
    this.bloom = new BloomFilter(ids.length * 2);
    for (const r of ids) this.bloom.add(r.id as string);
  }

  /** Writes a projection inside the open transaction; returns the names it created. */
  private async writeProjection(p: Projection): Promise<Map<Named, string[]>> {
    const newItems: Params[] = [];
    for (const it of p.items.values()) {
      const cur = this.index.itemState(it.id);
      if (!cur) {
        newItems.push({ id: it.id, kind: it.kind, rank: it.rank, container: it.container });
        continue;
      }
      const rank = Math.max(cur.rank, it.rank);
      const container = cur.container || it.container;
      if (rank !== cur.rank || container !== cur.container) {
        await this.run(query('kuzu', 'update-item'), { id: it.id, kind: rank % 2 === 0 ? 'unit' : 'lot', rank, container });
      }
      it.rank = rank as typeof it.rank;
      it.container = container;
    }
    if (newItems.length) await this.run(query('kuzu', 'create-items'), { rows: newItems });

    const newOps: Params[] = [];
    for (const op of p.operations.values()) {
      const row = { ...op };
      if (this.index.has('operation', op.id)) await this.run(query('kuzu', 'update-operation'), row);
      else newOps.push(row);
    }
    if (newOps.length) await this.run(query('kuzu', 'create-operations'), { rows: newOps });

    const newShipments = [...p.shipments.values()]
      .filter((s) => !this.index.has('shipment', s.id))
      .map((s) => ({ ...s, qty: num(s.qty) }));
    if (newShipments.length) await this.run(query('kuzu', 'create-shipments'), { rows: newShipments });

    const created = new Map<Named, string[]>();
    const sources: Record<Named, Set<string>> = {
      Party: p.parties,
      WorkOrder: p.workOrders,
      Equipment: p.equipment,
      Operator: p.operators,
      Recipe: p.recipes,
    };
    for (const label of NAMED) {
      const known = this.names.get(label)!;
      const fresh = [...sources[label]].filter((id) => !known.has(id));
      created.set(label, fresh);
      if (fresh.length) await this.run(query('kuzu', 'create-named', { Label: label }), { rows: fresh.map((id) => ({ id })) });
    }

    if (p.events.length) await this.run(query('kuzu', 'create-events'), { rows: p.events as unknown as Params[] });
    if (p.inspections.length)
      await this.run(query('kuzu', 'create-inspections'), {
        rows: p.inspections.map((i) => ({ ...i, defects: JSON.stringify(i.defects) })),
      });
    if (p.maintenance.length) await this.run(query('kuzu', 'create-maintenance'), { rows: p.maintenance as unknown as Params[] });
    if (p.readings.length)
      await this.run(query('kuzu', 'create-readings'), { rows: p.readings.map((r) => ({ ...r, value: num(r.value) })) });

    const flow = (rows: Projection['inputs'], rel: 'INPUT_TO' | 'OUTPUT') =>
      rows.length
        ? this.run(query('kuzu', 'copy-flow', { Rel: rel }), {
            rows: rows.map((r) => ({
              from: rel === 'INPUT_TO' ? r.item : r.op,
              to: rel === 'INPUT_TO' ? r.op : r.item,
              qty: num(r.qty),
              uom: r.uom,
              eventId: r.eventId,
              h: eventHash(r.eventId),
            })),
          })
        : undefined;
    await flow(p.inputs, 'INPUT_TO');
    await flow(p.outputs, 'OUTPUT');
    if (p.packs.length)
      await this.run(query('kuzu', 'copy-packed-in'), { rows: p.packs.map((r) => ({ ...r, h: eventHash(r.eventId) })) });
    if (p.shipped.length)
      await this.run(query('kuzu', 'copy-shipped-in'), { rows: p.shipped.map((r) => ({ ...r, h: eventHash(r.eventId) })) });
    // A shipment goes to its customer once, however many events name it.
    p.shipTo = dedupeLinks(p.shipTo).filter((l) => !this.index.hasEdge('shipment', l.from, 'party', l.to));
    for (const [key, [rel, options]] of Object.entries(LINKS) as [keyof typeof LINKS, readonly [string, string]][]) {
      const rows = p[key];
      if (rows.length) await this.run(query('kuzu', 'copy-link', { Rel: rel, Options: options }), { rows: rows as unknown as Params[] });
    }
    for (const r of p.receives.values()) await this.run(query('kuzu', 'set-receive'), { ...r, qty: num(r.qty) });
    await this.linkInspectionsAndReadings(p);
    return created;
  }

  private async linkInspectionsAndReadings(p: Projection): Promise<void> {
    const links: [string, string, Params[]][] = [
      ['`OF`', '', p.inspections.map((i) => ({ from: i.id, to: i.item }))],
      ['`ON`', "(from='Maintenance', to='Equipment')", p.maintenance.map((m) => ({ from: m.id, to: m.equipment }))],
      ['MEASURED_ON', '', p.readings.map((r) => ({ from: r.id, to: r.equipment }))],
    ];
    for (const [rel, options, rows] of links)
      if (rows.length) await this.run(query('kuzu', 'copy-link', { Rel: rel, Options: options }), { rows });
  }

  /** After commit: the trace index and the name sets take in what was written. */
  private learn(p: Projection, created: Map<Named, string[]>): void {
    const ix = this.index;
    for (const it of p.items.values()) ix.setItem(it.id, it.rank, it.container);
    for (const op of p.operations.values()) ix.vertex('operation', op.id);
    for (const s of p.shipments.values()) ix.vertex('shipment', s.id);
    for (const id of p.parties) ix.vertex('party', id);
    for (const [label, ids] of created) for (const id of ids) this.names.get(label)!.add(id);
    for (const r of p.inputs) ix.addEdge(ix.lookup('lot', r.item)!, ix.lookup('operation', r.op)!, r.eventId);
    for (const r of p.outputs) ix.addEdge(ix.lookup('operation', r.op)!, ix.lookup('lot', r.item)!, r.eventId);
    for (const r of p.packs) ix.addEdge(ix.lookup('lot', r.child)!, ix.lookup('lot', r.parent)!, r.eventId);
    for (const r of p.shipped) ix.addEdge(ix.lookup('lot', r.item)!, ix.lookup('shipment', r.shipment)!, r.eventId);
    for (const l of p.shipTo) ix.addEdge(ix.lookup('shipment', l.from)!, ix.lookup('party', l.to)!, '');
  }

  private forget(drawn: Projection, eventId: string): void {
    const ix = this.index;
    const vs: number[] = [];
    for (const id of drawn.items.keys()) vs.push(ix.lookup('lot', id) ?? -1);
    for (const id of drawn.operations.keys()) vs.push(ix.lookup('operation', id) ?? -1);
    for (const id of drawn.shipments.keys()) vs.push(ix.lookup('shipment', id) ?? -1);
    ix.removeEventEdges(
      vs.filter((v) => v >= 0),
      eventId,
    );
  }

  traceForward(ids: readonly string[]): Promise<TraceResult> {
    return Promise.resolve(this.index.trace(ids, 'forward'));
  }

  traceBackward(ids: readonly string[]): Promise<TraceResult> {
    return Promise.resolve(this.index.trace(ids, 'backward'));
  }

  /** The same trace answered by Kuzu's own recursive query: the cross-check and the bench's baseline. */
  traceInCypher(ids: readonly string[], direction: 'forward' | 'backward'): Promise<TraceResult> {
    return this.exclusive(async () => {
      const rows = await this.run(query('kuzu', direction === 'forward' ? 'trace-forward' : 'trace-backward'), { ids: [...ids] });
      const out: TraceResult = { lots: [], units: [], containers: [], shipments: [], customers: [] };
      for (const r of rows) (r.container ? out.containers : r.kind === 'unit' ? out.units : out.lots).push(r.id as string);
      if (direction === 'forward') {
        const shipped = await this.run(query('kuzu', 'trace-shipments'), { ids: [...ids, ...rows.map((r) => r.id as string)] });
        out.shipments = [...new Set(shipped.map((r) => r.shipment as string))];
        out.customers = [...new Set(shipped.map((r) => r.customer as string | null).filter((c): c is string => !!c))];
      }
      for (const k of Object.keys(out) as (keyof TraceResult)[]) out[k].sort();
      return out;
    });
  }

  stats(): Promise<StoreStats> {
    return this.exclusive(async () => {
      const nodes: Record<string, number> = {};
      for (const r of await this.run(query('kuzu', 'stats-nodes'))) nodes[r.label as string] = Number(r.n);
      const relationships: Record<string, number> = {};
      for (const r of await this.run(query('kuzu', 'stats-rels'))) relationships[r.type as string] = Number(r.n);
      return { backend: 'kuzu' as const, events: nodes.Event ?? 0, nodes, relationships };
    });
  }

  close(): Promise<void> {
    return this.exclusive(async () => {
      this.closed = true;
      this.prepared.clear();
      await this.conn.close();
      await this.db.close();
      // Kuzu 0.11's finalizers can crash when GC collects a closed database (kuzu#5881): keep
      // closed handles reachable for the life of the process instead.
      closedHandles.push(this.conn, this.db);
    });
  }
}

function dedupeLinks<T extends { from: string; to: string }>(rows: T[]): T[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    const k = `${r.from}\u0000${r.to}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
