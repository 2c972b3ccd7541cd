/**
 * The embedded GraphStore: Kuzu in-process, data in one file under the data directory.
 *
 * Kuzu allows one writer; every call here goes through one queue. Writes run in one transaction
 * per batch (rows staged as CSV files and COPYed in; single-row updates for what already exists),
 * and only after the commit does the in-memory trace index learn of them. Traces, their
 * quantities and their events are answered from that index (flow-index.ts, mention-index.ts);
 * `traceInCypher`, `traceQuantitiesInCypher` and `traceEventsInCypher` answer the same from Kuzu,
 * for the cross-check and the bench.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import kuzu from 'kuzu';
import type { CanonicalEvent } from '../../core/events.ts';
import { TracegraphError } from '../../core/errors.ts';
import { planBatch, type Stored } from '../batch.ts';
import { BloomFilter } from '../bloom.ts';
import { FlowIndex, eventHash } from '../flow-index.ts';
import { MentionIndex, grow } from '../mention-index.ts';
import type { LinkRow, Projection, ReceiveRow } from '../projection.ts';
import { CsvStage, type Cell } from './csv-stage.ts';
import { PROFILE, profile } from '../profile.ts';
import type {
  ApplyResult,
  FlowQuantity,
  GraphStore,
  ItemRecord,
  ItemStatusFacts,
  MassBalance,
  NeighbourFacts,
  QualityFacts,
  ReadingFacts,
  RecallCriteria,
  RecallRecord,
  RecallScopeResult,
  StoreStats,
  TraceQuantities,
  TraceResult,
} from '../port.ts';
import {
  computeRecallScope,
  flowsInTrace,
  newRecallRecord,
  parseRecallRow,
  shipmentUnits,
  traceEventItems,
  type OpFacts,
  type RecallFacts,
} from '../recall.ts';
import { RecallCache } from '../recall-cache.ts';
import { balance, type LotFlows } from '../mass-balance.ts';
import type { HoldFilter, HoldRecord, PlaceHold, ReleaseHold } from '../port.ts';
import { holdFromRow, holdItems, holdNotReleasable, unknownItems } from '../holds.ts';
import type { AlarmFilter, AlarmRecord, ClearAlarm, NewSpec, SpecFilter, SpecRecord } from '../port.ts';
import { alarmFromRow, alarmLimit, alarmParams, selectSpecs, specFromRow, specKey, specParams } from '../monitor.ts';
import {
  flowFacts,
  inspectionFacts,
  itemFacts,
  maintenanceFacts,
  neighbourFacts,
  packFacts,
  readingFacts,
  shipmentFacts,
  statusFacts,
  uniqueBy,
  uniqueOperations,
  type RawRow,
} from '../history-rows.ts';
import { query, statements } from '../queries.ts';

type Row = Record<string, kuzu.KuzuValue>;
const closedHandles: unknown[] = [];
const DEFAULT_BUFFER_MB = 1024;
/** 1 TiB of address space: far beyond any plant's graph, and 8 times less than Kuzu's default. */
const MAX_DB_SIZE = 2 ** 40;
/**
 * Kuzu checkpoints when its WAL passes this size. Its 16 MiB default made every large batch
 * commit pay for a checkpoint whose cost grows with the database; 512 MiB keeps them rare.
 */
const CHECKPOINT_BYTES = 512 * 2 ** 20;
type Params = Record<string, kuzu.KuzuValue>;

const NAMED = ['Party', 'WorkOrder', 'Equipment', 'Operator', 'Recipe'] as const;
type Named = (typeof NAMED)[number];

export interface KuzuOptions {
  dataDir: string;
  /** Kuzu's buffer pool in MiB (env TRACEGRAPH_KUZU_BUFFER_MB). */
  bufferMb?: number;
  /** Called while the trace index loads at open: (done, total, what). */
  onProgress?: (step: number, steps: number, what: string) => void;
}

export class KuzuStore implements GraphStore {
  readonly backend = 'kuzu' as const;
  private readonly db: kuzu.Database;
  private readonly conn: kuzu.Connection;
  private readonly prepared = new Map<string, kuzu.PreparedStatement>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly index = new FlowIndex();
  private readonly mentions = new MentionIndex();
  /** Built on the first write, so read-only uses (a trace from the CLI) do not pay for it. */
  private bloom: BloomFilter | undefined;
  private readonly names = new Map<Named, Set<string>>(NAMED.map((n) => [n, new Set<string>()]));
  private closed = false;
  private readonly stage = new CsvStage();
  /** Recent recall scopes; emptied by every write batch (applyLocked). */
  private readonly recalls = new RecallCache();

  private constructor(
    readonly path: string,
    bufferMb: number,
  ) {
    // Kuzu's defaults take 80% of RAM for its buffer pool and reserve 8 TiB of address space per
    // database; both are capped so that a test process can hold many stores at once.
    this.db = new kuzu.Database(path, bufferMb * 1024 * 1024, true, false, MAX_DB_SIZE, true, CHECKPOINT_BYTES);
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
    const t0 = PROFILE ? performance.now() : 0;
    const result = await this.conn.execute(ps, used);
    if (PROFILE) profile(text, performance.now() - t0);
    const all = Array.isArray(result) ? result : [result];
    const rows = all[all.length - 1]?.getAllSync() ?? [];
    // Results must be closed before the connection is, or Kuzu may crash at close (kuzu#5313).
    for (const r of all) r.close();
    return rows;
  }

  private async raw(text: string): Promise<void> {
    const t0 = PROFILE ? performance.now() : 0;
    const r = await this.conn.query(text);
    if (PROFILE) profile(text, performance.now() - t0);
    for (const x of Array.isArray(r) ? r : [r]) x.close();
  }

  /**
   * Serialises every use of the connection: Kuzu has one writer and we keep one connection.
   *
   * Each call starts on a later turn of the event loop (setImmediate), not straight after the one
   * before it: much of a call is synchronous work (a recall scope from the in-memory index runs
   * ~30 ms without awaiting anything real), and chained back to back the whole queue ran in one
   * turn, so requests on other sockets were only read when it ran dry, in the kernel's order. Under
   * 20 concurrent HTTP clients a request on a newly opened connection waited several seconds behind
   * those on warm ones. Yielding between calls lets the server read and enqueue every request that
   * has arrived, so calls are served in arrival order (FIFO).
   */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new TracegraphError('STORE_UNAVAILABLE', 'the graph store is closed'));
    const turn = () => new Promise<void>((resolve) => setImmediate(resolve)).then(fn);
    const next = this.queue.then(turn, turn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Runs `work` in one write transaction: committed when it resolves, rolled back when it throws. Call inside `exclusive`. */
  private async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.raw('BEGIN TRANSACTION');
    try {
      const result = await work();
      await this.raw('COMMIT');
      return result;
    } catch (e) {
      // Also when COMMIT itself failed: the transaction must not stay open on the one connection.
      await this.raw('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  /**
   * Streams a load-*.cypher result through a CSV file, calling `row` with its first `n - 1` fields
   * split and the last one whole (it may be a string id holding commas or quotes).
   */
  private async exportRows(text: string, n: number, row: (f: string[]) => void): Promise<number> {
    const file = this.stage.path();
    try {
      await this.run(query('kuzu', 'export-file', { Query: text, File: file }));
      // Kuzu writes no file for an empty result.
      const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [];
      let count = 0;
      for (const line of lines) {
        if (!line) continue;
        const f: string[] = [];
        let at = 0;
        for (let k = 0; k < n - 1; k++) {
          const comma = line.indexOf(',', at);
          f.push(line.slice(at, comma));
          at = comma + 1;
        }
        const last = line.slice(at);
        f.push(last.startsWith('"') ? last.slice(1, -1).replace(/""/g, '"') : last);
        row(f);
        count++;
      }
      return count;
    } finally {
      this.stage.remove(file);
    }
  }

  private async loadIndex(onProgress?: KuzuOptions['onProgress']): Promise<void> {
    // Ten reads: items, three vertex tables, five edge tables, event mentions.
    let step = 0;
    const report = (what: string) => onProgress?.(++step, 10, what);
    const itemAt: number[] = [];
    const items = await this.exportRows(query('kuzu', 'load-items'), 4, ([o, rank, container, id]) => {
      itemAt[Number(o)] = this.index.setItem(id!, Number(rank || 1), container === 'True');
    });
    report(`${items} items`);
    const at: Record<'Operation' | 'Shipment' | 'Party', number[]> = { Operation: [], Shipment: [], Party: [] };
    const kind = { Operation: 'operation', Shipment: 'shipment', Party: 'party' } as const;
    for (const label of ['Operation', 'Shipment', 'Party'] as const) {
      await this.exportRows(query('kuzu', 'load-vertices', { Label: label }), 2, ([o, id]) => {
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
      const n = await this.exportRows(query('kuzu', 'load-edges', fill), 5, ([a, b, h, qty, uom]) =>
        this.index.addHashedEdge(from[Number(a)]!, to[Number(b)]!, Number(h), qty ? Number(qty) : null, uom || null),
      );
      report(`${n} edges`);
    }
    report(`${await this.loadMentions(itemAt)} event mentions`);
    this.index.compact();
    this.mentions.compact();
    for (const label of ['WorkOrder', 'Equipment', 'Operator', 'Recipe'] as const) {
      const set = this.names.get(label)!;
      for (const r of await this.run(query('kuzu', 'load-names', { Label: label }))) set.add(r.id as string);
    }
  }

  /** The mention index: live events that name an item, numbered as read, and the items they name. */
  private async loadMentions(itemAt: number[]): Promise<number> {
    const [events, epcisNames, mentions] = statements('kuzu', 'load-mentions');
    // Kuzu's offsets skip the events that name no item (readings, maintenance): a typed array, not a holey one.
    let eventAt = new Int32Array(1024).fill(-1);
    await this.exportRows(events!, 2, ([o, id]) => {
      eventAt = grow(eventAt, Number(o), -1);
      eventAt[Number(o)] = this.mentions.addEvent(id!, id!);
    });
    await this.exportRows(epcisNames!, 2, ([o, name]) => {
      const n = eventAt[Number(o)] ?? -1;
      if (n >= 0) this.mentions.rename(n, name!);
    });
    return this.exportRows(mentions!, 2, ([e, i]) => this.mentions.mention(itemAt[Number(i)]!, eventAt[Number(e)]!));
  }

  applyEvents(events: readonly CanonicalEvent[]): Promise<ApplyResult> {
    if (events.length === 0) return Promise.resolve({ applied: 0, duplicates: 0, voided: 0 });
    return this.exclusive(() => this.applyLocked(events));
  }

  private async applyLocked(events: readonly CanonicalEvent[]): Promise<ApplyResult> {
    const bloom = (this.bloom ??= await this.loadBloom());
    const stored = new Map<string, Stored>();
    for (const e of events) {
      if (stored.has(e.eventId) || !bloom.mightHave(e.eventId)) continue;
      const [row] = await this.run(query('kuzu', 'find-event'), { id: e.eventId });
      if (row) stored.set(e.eventId, { voided: Boolean(row.voided), payload: row.payload as string });
    }
    const plan = planBatch(events, stored);
    const p = plan.projection;
    try {
      const created = await this.transaction(async () => {
        const names = await this.writeProjection(p);
        for (const v of plan.voids) {
          for (const s of statements('kuzu', 'void-event')) await this.run(s, { id: v.eventId, payload: v.payload });
        }
        return names;
      });
      this.learn(p, created);
      for (const v of plan.voids) this.forget(v.drawn, v.eventId);
    } finally {
      // Before the write is acknowledged: a scope asked for after it must see it.
      this.recalls.invalidate();
    }
    for (const e of p.events) bloom.add(e.id);
    if (bloom.full) this.bloom = await this.loadBloom();
    return { applied: p.events.length, duplicates: plan.duplicates, voided: plan.voided };
  }

  /** Every stored eventId, with room to grow to twice as many before it is rebuilt. */
  private async loadBloom(): Promise<BloomFilter> {
    const ids: string[] = [];
    await this.exportRows(query('kuzu', 'load-event-ids'), 1, ([id]) => ids.push(id!));
    const bloom = new BloomFilter(Math.max(100_000, ids.length * 2));
    for (const id of ids) bloom.add(id);
    return bloom;
  }

  /** Copies rows into a table through a staging file. */
  private async copy(table: string, rows: Cell[][], options = ''): Promise<void> {
    if (!rows.length) return;
    const file = this.stage.write(rows);
    try {
      await this.run(query('kuzu', 'copy-file', { Table: table, File: file, Options: options }));
    } finally {
      this.stage.remove(file);
    }
  }

  /** Writes a projection inside the open transaction; returns the names it created. */
  private async writeProjection(p: Projection): Promise<Map<Named, string[]>> {
    const newItems: Cell[][] = [];
    const laterReceives: ReceiveRow[] = [];
    for (const it of p.items.values()) {
      const cur = this.index.itemState(it.id);
      const rec = p.receives.get(it.id);
      if (!cur) {
        newItems.push([
          it.id,
          it.kind,
          it.rank,
          it.container,
          rec?.material,
          rec?.qty,
          rec?.uom,
          rec?.supplier,
          rec?.supplierLot,
          rec?.key,
        ]);
        continue;
      }
      if (rec) laterReceives.push(rec);
      const rank = Math.max(cur.rank, it.rank);
      const container = cur.container || it.container;
      if (rank !== cur.rank || container !== cur.container) {
        await this.run(query('kuzu', 'update-item'), { id: it.id, kind: rank % 2 === 0 ? 'unit' : 'lot', rank, container });
      }
      it.rank = rank as typeof it.rank;
      it.container = container;
    }
    await this.copy('Item', newItems);
    // Receives of items that already existed go one by one (Kuzu plans UNWIND + MATCH as a scan).
    for (const r of laterReceives) await this.run(query('kuzu', 'set-receive'), { ...r, qty: String(r.qty) });

    const newOps: Cell[][] = [];
    for (const op of p.operations.values()) {
      if (this.index.has('operation', op.id)) await this.run(query('kuzu', 'update-operation'), { ...op });
      else newOps.push([op.id, op.step, op.station, op.startTime, op.endTime, op.result, op.key]);
    }
    await this.copy('Operation', newOps);
    await this.copy(
      'Shipment',
      [...p.shipments.values()]
        .filter((s) => !this.index.has('shipment', s.id))
        .map((s) => [s.id, s.eventTime, s.eventId, s.qty]),
    );

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
      await this.copy(
        label,
        fresh.map((id) => [id]),
      );
    }

    await this.copy(
      'Event',
      p.events.map((e) => [e.id, e.kind, e.eventTime, e.recordTime, e.source, e.voided, e.epcisEventId, e.payload]),
    );
    await this.copy(
      'Inspection',
      p.inspections.map((i) => [
        i.id,
        i.result,
        JSON.stringify(i.defects),
        i.measurements,
        i.station,
        i.inspectorId,
        i.eventTime,
      ]),
    );
    await this.copy(
      'Maintenance',
      p.maintenance.map((m) => [m.id, m.type, m.startTime, m.endTime, m.result]),
    );
    await this.copy(
      'Reading',
      p.readings.map((r) => [r.id, r.parameter, r.value, r.uom, r.eventTime]),
    );

    await this.copy(
      'INPUT_TO',
      p.inputs.map((r) => [r.item, r.op, r.qty, r.uom, r.eventId, eventHash(r.eventId)]),
    );
    await this.copy(
      'OUTPUT',
      p.outputs.map((r) => [r.op, r.item, r.qty, r.uom, r.eventId, eventHash(r.eventId)]),
    );
    await this.copy(
      'PACKED_IN',
      p.packs.map((r) => [r.child, r.parent, r.eventId, r.eventTime, eventHash(r.eventId)]),
    );
    await this.copy(
      'SHIPPED_IN',
      p.shipped.map((r) => [r.item, r.shipment, r.eventId, eventHash(r.eventId)]),
    );
    // A shipment goes to its customer once, however many events name it.
    p.shipTo = dedupeLinks(p.shipTo).filter((l) => !this.index.hasEdge('shipment', l.from, 'party', l.to));
    const links: [string, LinkRow[], string][] = [
      ['`TO`', p.shipTo, ''],
      ['SUPPLIED_BY', p.suppliedBy, ''],
      ['`FOR`', p.opFor, ''],
      ['`ON`', p.opOn, ", from='Operation', to='Equipment'"],
      ['`BY`', p.opBy, ''],
      ['FOLLOWS', p.opFollows, ''],
      ['`OF`', p.inspections.map((i) => ({ from: i.id, to: i.item })), ''],
      ['`ON`', p.maintenance.map((m) => ({ from: m.id, to: m.equipment })), ", from='Maintenance', to='Equipment'"],
      ['MEASURED_ON', p.readings.map((r) => ({ from: r.id, to: r.equipment })), ''],
      ['MENTIONS', p.mentions, ''],
    ];
    for (const [rel, rows, options] of links)
      await this.copy(
        rel,
        rows.map((l) => [l.from, l.to]),
        options,
      );
    return created;
  }

  /** After commit: the trace index and the name sets take in what was written. */
  private learn(p: Projection, created: Map<Named, string[]>): void {
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
    if (p.mentions.length) {
      const names = new Map(p.events.map((e) => [e.id, e.epcisEventId ?? e.id]));
      const numbers = new Map<string, number>();
      for (const m of p.mentions) {
        let n = numbers.get(m.from);
        if (n === undefined) numbers.set(m.from, (n = this.mentions.addEvent(m.from, names.get(m.from)!)));
        this.mentions.mention(ix.lookup('lot', m.to)!, n);
      }
    }
    this.learnOperations(p);
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
    // The items an event names are the items it drew (projection.ts).
    this.mentions.void(
      [...drawn.items.keys()].flatMap((id) => ix.lookup('lot', id) ?? []),
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
      const items = new Map<string, Row>();
      const shipped: Row[] = [];
      for (const id of new Set(ids)) {
        for (const r of await this.run(query('kuzu', `trace-${direction}`), { id })) items.set(r.id as string, r);
        if (direction === 'forward')
          for (const text of statements('kuzu', 'trace-shipments')) shipped.push(...(await this.run(text, { id })));
      }
      const out: TraceResult = { lots: [], units: [], containers: [], shipments: [], customers: [] };
      for (const r of items.values())
        (r.container ? out.containers : r.kind === 'unit' ? out.units : out.lots).push(r.id as string);
      out.shipments = [...new Set(shipped.map((r) => r.shipment as string))];
      out.customers = [...new Set(shipped.map((r) => r.customer as string | null).filter((c): c is string => !!c))];
      for (const k of Object.keys(out) as (keyof TraceResult)[]) out[k].sort();
      return out;
    });
  }

  // ---- Recall scope, quantities, mass balance, trace events (issue 4 item 1, issue 7 item 6) ----
  // Set lookups by id are slow in Kuzu (`id IN $list` and UNWIND + MATCH scan), so these answer
  // from the trace index and an operation cache, and query Kuzu per id only for small sets.

  /** Every operation's station, times and context; loaded on the first recall, then kept up to date by `learn`. */
  private ops: Map<string, OpFacts & { key: string }> | undefined;
  /** The cache's operations per station, by end time (rebuilt when an operation changes). */
  private opsByStation: Map<string, OpFacts[]> | undefined;

  private stationIndex(ops: Map<string, OpFacts>): Map<string, OpFacts[]> {
    if (this.opsByStation) return this.opsByStation;
    const m = new Map<string, OpFacts[]>();
    for (const op of ops.values()) (m.get(op.station) ?? m.set(op.station, []).get(op.station)!).push(op);
    for (const list of m.values()) list.sort((a, b) => a.end - b.end);
    return (this.opsByStation = m);
  }

  private async operationCache(): Promise<Map<string, OpFacts & { key: string }>> {
    if (this.ops) return this.ops;
    const ops = new Map<string, OpFacts & { key: string }>();
    for (const r of await this.run(query('kuzu', 'recall-operations'))) {
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
        key: '',
      });
    }
    this.ops = ops;
    return ops;
  }

  private learnOperations(p: Projection): void {
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
        key: o.key,
      });
    }
    for (const l of p.opOn) ops.get(l.from)!.equipment = l.to;
    for (const l of p.opBy) ops.get(l.from)!.operator = l.to;
    for (const l of p.opFollows) ops.get(l.from)!.recipe = l.to;
  }

  private recallFacts(ops: Map<string, OpFacts>): RecallFacts {
    type Shipped = { shipment: string; customer: string | null };
    const ix = this.index;
    return {
      traceForward: (ids) => Promise.resolve(ix.trace(ids, 'forward')),
      kinds: (items) => {
        const m = new Map<string, 'lot' | 'unit' | 'container'>();
        for (const id of items) {
          const k = ix.kindOf(id);
          if (k) m.set(id, k);
        }
        return Promise.resolve(m);
      },
      lotsOfMaterial: async (material) =>
        (await this.run(query('kuzu', 'recall-material'), { material })).map((r) => r.id as string),
      operationsBy: (who) =>
        Promise.resolve(
          [...ops.values()].filter(
            (o) =>
              (who.equipment === undefined || o.equipment === who.equipment) &&
              (who.operator === undefined || o.operator === who.operator),
          ),
        ),
      outputsOf: (operations) => Promise.resolve(operations.flatMap((op) => ix.neighbours('operation', op, 'out', 'item'))),
      readings: async (equipment, name) =>
        (await this.run(query('kuzu', 'recall-readings'), { equipment: equipment ?? '', name })).map((r) => ({
          equipment: r.equipment as string,
          value: Number(r.value),
          time: Date.parse(r.time as string),
        })),
      failedWith: async (code) =>
        (await this.run(query('kuzu', 'recall-defect'), { quoted: JSON.stringify(code) })).map((r) => r.id as string),
      producers: (units) => {
        const m = new Map<string, OpFacts>();
        for (const u of units) {
          let best: OpFacts | undefined;
          for (const id of ix.neighbours('item', u, 'in', 'operation')) {
            const op = ops.get(id);
            if (op && (!best || op.end > best.end)) best = op;
          }
          if (best) m.set(u, best);
        }
        return Promise.resolve(m);
      },
      unitsMadeAt: (station, from, to) => {
        const list = this.stationIndex(ops).get(station) ?? [];
        // First operation ending at or after `from` (binary search), then up to `to`.
        let lo = 0;
        let hi = list.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (list[mid]!.end < from) lo = mid + 1;
          else hi = mid;
        }
        const out: { op: OpFacts; units: string[] }[] = [];
        for (let i = lo; i < list.length && list[i]!.end <= to; i++) {
          const op = list[i]!;
          out.push({ op, units: ix.neighbours('operation', op.id, 'out', 'item').filter((id) => ix.kindOf(id) === 'unit') });
        }
        return Promise.resolve(out);
      },
      shipmentsOf: (items) => {
        // The index walks each unit's containers up to the pallet on every call; the units of a
        // scope share a few hundred cases and pallets, so each container's shipments are looked up
        // once per scope (this was ~40% of a supplier-lot scope's time).
        const byContainer = new Map<string, Shipped[]>();
        const out = new Map<string, Shipped[]>();
        for (const id of items) {
          const next = ix.neighbours('item', id, 'out', 'item');
          const direct = ix.neighbours('item', id, 'out', 'shipment');
          let list: Shipped[] = direct.length ? ix.shipmentsOf(id) : [];
          if (!direct.length)
            for (const c of next) {
              if (ix.kindOf(c) !== 'container') continue;
              let s = byContainer.get(c);
              if (!s) byContainer.set(c, (s = ix.shipmentsOf(c)));
              list = list.length ? list.concat(s) : s;
            }
          out.set(id, list);
        }
        return Promise.resolve(out);
      },
    };
  }

  recallScope(criteria: RecallCriteria): Promise<RecallScopeResult> {
    return this.recalls.scope(criteria, () =>
      this.exclusive(async () => computeRecallScope(this.recallFacts(await this.operationCache()), criteria)),
    );
  }

  /**
   * From memory: the trace, the operations next to it, and each operation's flow pairs with the
   * quantities the index keeps per edge. Cost grows with the trace, not the graph.
   */
  traceQuantities(ids: readonly string[], direction: 'forward' | 'backward'): Promise<TraceQuantities> {
    return this.exclusive(() => {
      const { inTrace, ops, units } = this.quantityScope(ids, direction);
      return Promise.resolve(
        this.quantities(
          inTrace,
          [...ops].flatMap((op) => this.index.flowsOf(op)),
          units,
          direction,
        ),
      );
    });
  }

  /** The same from Kuzu, one `recall-flows` query per operation (the cross-check and the bench's baseline). */
  traceQuantitiesInCypher(ids: readonly string[], direction: 'forward' | 'backward'): Promise<TraceQuantities> {
    return this.exclusive(async () => {
      const { inTrace, ops, units } = this.quantityScope(ids, direction);
      const rows: FlowQuantity[] = [];
      for (const op of ops)
        for (const r of await this.run(query('kuzu', 'recall-flows'), { id: op }))
          rows.push({
            from: r.from as string,
            operation: op,
            to: r.to as string,
            qty: r.qty === null ? null : Number(r.qty),
            uom: (r.uom as string | null) ?? null,
            outQty: r.outQty === null ? null : Number(r.outQty),
            outUom: (r.outUom as string | null) ?? null,
          });
      return this.quantities(inTrace, rows, units, direction);
    });
  }

  /** The items of a trace, the operations they went into (forward) or came out of (backward), its units. */
  private quantityScope(ids: readonly string[], direction: 'forward' | 'backward') {
    const t = this.index.trace(ids, direction);
    const inTrace = new Set([...ids, ...t.lots, ...t.units, ...t.containers]);
    const side = direction === 'forward' ? 'out' : 'in';
    const ops = new Set<string>();
    for (const id of inTrace) for (const op of this.index.neighbours('item', id, side, 'operation')) ops.add(op);
    const units = direction === 'forward' ? [...ids, ...t.units].filter((id) => this.index.kindOf(id) === 'unit') : [];
    return { inTrace, ops, units };
  }

  private quantities(
    inTrace: ReadonlySet<string>,
    rows: FlowQuantity[],
    units: string[],
    direction: 'forward' | 'backward',
  ): TraceQuantities {
    return {
      flows: flowsInTrace(rows, inTrace, direction),
      shipments: shipmentUnits(new Map(units.map((u) => [u, this.index.shipmentsOf(u)]))),
    };
  }

  /** From memory: the live events that name an item of the trace (mention-index.ts). */
  traceEvents(ids: readonly string[], direction: 'forward' | 'backward'): Promise<string[]> {
    return this.exclusive(async () => {
      const items = await this.eventItems(ids, direction);
      return this.mentions.namesOf([...items].flatMap((id) => this.index.lookup('lot', id) ?? []));
    });
  }

  /** The same from Kuzu, one `trace-events` query for all the items (the cross-check and the bench's baseline). */
  traceEventsInCypher(ids: readonly string[], direction: 'forward' | 'backward'): Promise<string[]> {
    return this.exclusive(async () => {
      const items = [...(await this.eventItems(ids, direction))];
      const rows = items.length ? await this.run(query('kuzu', 'trace-events'), { ids: items }) : [];
      return [...new Set(rows.map((r) => r.id as string))].sort();
    });
  }

  private eventItems(ids: readonly string[], direction: 'forward' | 'backward'): Promise<Set<string>> {
    return traceEventItems(ids, this.index.trace(ids, direction), direction, (all) =>
      Promise.resolve(all.flatMap((id) => this.index.containersOf(id))),
    );
  }

  massBalance(lots: readonly string[]): Promise<MassBalance[]> {
    return this.exclusive(async () => {
      const out: MassBalance[] = [];
      for (const id of lots) {
        const l: LotFlows = { id, received: null, produced: [], consumed: [] };
        let found = false;
        for (const text of statements('kuzu', 'mass-balance'))
          for (const r of await this.run(text, { id })) {
            found = true;
            if (r.receiveKey) l.received = { qty: Number(r.qty), uom: r.uom as string };
            if (r.op === null) continue;
            const flow = {
              qty: r.flowQty === null ? null : Number(r.flowQty),
              uom: (r.flowUom as string | null) ?? null,
              op: r.op as string,
            };
            (r.dir === 'in' ? l.produced : l.consumed).push(flow);
          }
        if (found) out.push(balance(l));
      }
      return out;
    });
  }

  saveRecall(recall: Omit<RecallRecord, 'id' | 'createdAt'>): Promise<RecallRecord> {
    return this.exclusive(async () => {
      const r = newRecallRecord(recall);
      await this.run(query('kuzu', 'recall-save'), {
        ...r,
        criteria: JSON.stringify(r.criteria),
        counts: JSON.stringify(r.counts),
        createdBy: r.createdBy ?? '',
      });
      return r;
    });
  }

  listRecalls(): Promise<RecallRecord[]> {
    return this.exclusive(async () => (await this.run(query('kuzu', 'recall-list'))).map((r) => parseRecallRow(r)));
  }
  // ---- end of recall block ----
  // --- holds ---
  async placeHold(req: PlaceHold): Promise<HoldRecord> {
    const items = await holdItems(this, req);
    // The trace index knows every lot and unit in the graph: no query needed to check the ids.
    const missing = items.filter((id) => !this.index.itemState(id));
    if (missing.length) throw unknownItems(missing);
    await this.exclusive(() =>
      this.transaction(async () => {
        await this.run(query('kuzu', 'hold-create'), { id: req.id, reason: req.reason, by: req.by, at: req.at });
        await this.copy(
          'HOLDS',
          items.map((id) => [req.id, id]),
        );
      }),
    );
    return (await this.holds({ id: req.id }))[0]!;
  }

  async releaseHold(req: ReleaseHold): Promise<HoldRecord> {
    const rows = await this.exclusive(() =>
      this.run(query('kuzu', 'hold-release'), { id: req.id, by: req.by, at: req.at, meaning: req.meaning }),
    );
    const [found] = await this.holds({ id: req.id });
    if (!rows.length) throw holdNotReleasable(req.id, found);
    return found!;
  }

  holds(filter: HoldFilter = {}): Promise<HoldRecord[]> {
    return this.exclusive(async () => {
      const rows = await this.run(query('kuzu', 'hold-list'), {
        id: filter.id ?? '',
        status: filter.status ?? '',
        item: filter.item ?? '',
      });
      return rows.map((r) => holdFromRow((k) => r[k]));
    });
  }
  // --- end holds ---
  // --- specs and alarms ---
  saveSpec(spec: NewSpec): Promise<SpecRecord> {
    // Inside the one queue, so two changes of a key cannot take the same version.
    return this.exclusive(async () => {
      const [row] = await this.run(query('kuzu', 'spec-version'), { key: specKey(spec) });
      const saved: SpecRecord = { ...spec, version: Number(row?.version ?? 0) + 1 };
      await this.run(query('kuzu', 'spec-create'), specParams(saved) as Params);
      return saved;
    });
  }

  specs(filter: SpecFilter = {}): Promise<SpecRecord[]> {
    return this.exclusive(async () =>
      selectSpecs(
        (await this.run(query('kuzu', 'spec-list'))).map((r) => specFromRow((k) => r[k])),
        filter,
      ),
    );
  }

  openAlarm(alarm: AlarmRecord): Promise<AlarmRecord> {
    return this.exclusive(() =>
      this.transaction(async () => {
        await this.run(query('kuzu', 'alarm-create'), alarmParams(alarm) as Params);
        await this.run(query('kuzu', 'alarm-link'), { id: alarm.id, equipmentId: alarm.equipmentId });
        return alarm;
      }),
    );
  }

  async clearAlarm(req: ClearAlarm): Promise<AlarmRecord | null> {
    const rows = await this.exclusive(() => this.run(query('kuzu', 'alarm-clear'), { ...req }));
    if (!rows.length) return null;
    return (await this.alarmList({ id: req.id }))[0] ?? null;
  }

  alarms(filter: AlarmFilter = {}): Promise<AlarmRecord[]> {
    return this.alarmList(filter);
  }

  private alarmList(filter: AlarmFilter & { id?: string }): Promise<AlarmRecord[]> {
    return this.exclusive(async () =>
      (
        await this.run(query('kuzu', 'alarm-list'), {
          id: filter.id ?? '',
          status: filter.status ?? '',
          equipmentId: filter.equipmentId ?? '',
          parameter: filter.parameter ?? '',
          from: filter.from ?? '',
          to: filter.to ?? '',
          limit: alarmLimit(filter),
        })
      ).map((r) => alarmFromRow((k) => r[k])),
    );
  }
  // --- end specs and alarms ---

  // --- Serial history, genealogy and quality analytics (history-, genealogy-, equipment-*.cypher) ---

  /** Rows of every statement in a query file, as plain objects. */
  private async rowsOf(name: string, params: Params): Promise<RawRow[][]> {
    const out: RawRow[][] = [];
    for (const text of statements('kuzu', name)) out.push((await this.run(text, params)) as RawRow[]);
    return out;
  }

  itemRecord(id: string): Promise<ItemRecord | null> {
    return this.exclusive(async () => {
      const item = (await this.rowsOf('history-item', { id }))[0]?.[0];
      if (!item) return null;
      const [ops] = await this.rowsOf('history-operations', { id });
      const [ins, outs] = await this.rowsOf('history-flows', { id });
      const [inspections] = await this.rowsOf('history-inspections', { id });
      const [direct, above] = await this.rowsOf('history-containers', { id });
      const [ownShipments, containerShipments] = await this.rowsOf('history-shipments', { id });
      return {
        item: itemFacts(item),
        operations: uniqueOperations(ops!),
        flows: [...ins!, ...outs!].map(flowFacts),
        inspections: inspections!.map(inspectionFacts),
        containers: uniqueBy([...direct!, ...above!].map(packFacts), (p) => `${p.child}\u0000${p.parent}`),
        shipments: uniqueBy([...ownShipments!, ...containerShipments!].map(shipmentFacts), (s) => `${s.item}\u0000${s.shipment}`),
      };
    });
  }

  neighbours(ids: readonly string[], direction: 'up' | 'down'): Promise<NeighbourFacts[]> {
    return this.exclusive(async () => {
      const flows: RawRow[] = [];
      const packed: RawRow[] = [];
      const shipped: RawRow[] = [];
      // One id per query: Kuzu plans `id IN $list` as a scan per entry.
      for (const id of new Set(ids)) {
        const [f, p, s] = await this.rowsOf(`genealogy-${direction}`, { id });
        flows.push(...f!.map((r) => ({ ...r, from: id })));
        packed.push(...p!.map((r) => ({ ...r, from: id })));
        shipped.push(...(s ?? []).map((r) => ({ ...r, from: id })));
      }
      return neighbourFacts([...new Set(ids)], flows, packed, shipped);
    });
  }

  itemStatus(ids: readonly string[]): Promise<ItemStatusFacts[]> {
    return this.exclusive(async () => {
      const out: ItemStatusFacts[] = [];
      for (const id of new Set(ids))
        for (const r of (await this.rowsOf('genealogy-status', { id }))[0]!) out.push(statusFacts(r));
      return out;
    });
  }

  readings(equipment: string, from: string, to: string): Promise<ReadingFacts[]> {
    return this.exclusive(async () => (await this.rowsOf('history-readings', { equipment, from, to }))[0]!.map(readingFacts));
  }

  qualityFacts(from: string, to: string): Promise<QualityFacts> {
    return this.exclusive(async () => {
      const [ops] = await this.rowsOf('equipment-operations', { from, to });
      const [ins, outs] = await this.rowsOf('equipment-flows', { from, to });
      const [inspections] = await this.rowsOf('equipment-inspections', { from, to });
      const [maintenance] = await this.rowsOf('equipment-maintenance', {});
      return {
        operations: uniqueOperations(ops!),
        flows: [...ins!, ...outs!].map(flowFacts),
        inspections: inspections!.map(inspectionFacts),
        maintenance: maintenance!.map(maintenanceFacts),
      };
    });
  }

  // --- end of history, genealogy and analytics ---

  ping(): Promise<void> {
    return this.exclusive(async () => {
      await this.run(query('kuzu', 'ping'));
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
      this.stage.dispose();
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
