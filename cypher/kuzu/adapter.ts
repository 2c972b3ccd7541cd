/**
 * The embedded GraphStore: Kuzu in-process, data in one file under the data directory.
 *
 * This class only assembles the parts and hands each call to the one that answers it:
 * - connection.ts: the database, the schema, and the one queue every use of the connection goes
 *   through (Kuzu allows one writer);
 * - write.ts and load.ts: the write path (one transaction per batch, rows COPYed in through CSV);
 * - memory/: the in-memory indexes, read at open and told of each batch after its commit;
 * - trace.ts, recall.ts, history.ts, holds.ts, specs-alarms.ts, admin.ts: the query families.
 */
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { makePrivateDir, makePrivateFiles } from '../../core/private-files.ts';
import { join } from 'node:path';
import { TracegraphError } from '../../core/errors.ts';
import type { CanonicalEvent } from '../../core/events.ts';
import type {
  AlarmFilter,
  AlarmRecord,
  ApplyResult,
  ClearAlarm,
  GraphStore,
  HoldFilter,
  HoldRecord,
  ItemRecord,
  ItemStatusFacts,
  MassBalance,
  NewRecall,
  NeighbourFacts,
  NewSpec,
  NewAlarm,
  ItemProgress,
  AcknowledgeAlarm,
  ControlLimitRecord,
  NewControlLimits,
  PlaceHold,
  QualityFacts,
  ReadingFacts,
  RecallCriteria,
  RecallRecord,
  RecallStatus,
  RecallScopeResult,
  ReleaseHold,
  SpecFilter,
  SpecRecord,
  StoreStats,
  TraceQuantities,
  TraceResult,
  CustomerListing,
  Listed,
  ListPage,
  LotFilter,
  LotListing,
  MaterialListing,
  NamedListing,
  RecallFilter,
  RecallListing,
  ShipmentFilter,
  ShipmentListing,
} from '../port.ts';
import { KuzuAdmin } from './admin.ts';
import { cypherString, DEFAULT_BUFFER_MB, KuzuConnection } from './connection.ts';
import { KuzuHistory } from './history.ts';
import { KuzuHolds } from './holds.ts';
import { MemoryIndexes, type LoadProgress } from './memory/indexes.ts';
import { KuzuRecalls } from './recall.ts';
import { KuzuSpecsAlarms } from './specs-alarms.ts';
import { KuzuListing } from './listing.ts';
import { KuzuLoop } from './loop.ts';
import { KuzuTraces } from './trace.ts';
import { applyBatch, CommitFailed } from './write.ts';
import { query } from '../queries.ts';
import type { RebuildResult } from '../port.ts';

const DB_FILE = 'graph.kuzu';
/** Where a damaged database's files are kept after a rebuild (the latest one only). */
const DAMAGED = `${DB_FILE}.damaged`;

/**
 * A primary-key violation on our own writes: the write path inserts only keys the store does not
 * hold (it checks first, and batches are deduplicated), so the database's index and its rows
 * disagree. A process killed during a write can leave a key in the index whose row never committed,
 * and so can a commit that failed (CommitFailed): both are reported as damage at once.
 */
function damaged(e: unknown, dataDir: string): unknown {
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof CommitFailed) {
    const full = /buffer pool is full/i.test(message)
      ? ` The buffer pool was too small for this write: raise TRACEGRAPH_KUZU_BUFFER_MB (a commit needs about 3 times the bytes of the 131,072 latest events, ~220 MiB for typical ones) before the rebuild.`
      : '';
    return new TracegraphError(
      'STORE_DAMAGED',
      `the embedded graph in ${dataDir} may be damaged (${message.split('\n')[0]}): a failed commit can leave its keys in the primary-key index; \`tracegraph ingest\` and \`tracegraph replay\` rebuild it from the event log.${full}`,
      { cause: e },
    );
  }
  if (!/duplicated primary key/i.test(message)) return e;
  return new TracegraphError(
    'STORE_DAMAGED',
    `the embedded graph in ${dataDir} is damaged (${message.split('\n')[0]}): its primary-key index holds a key without a committed row, as a crash during a write can leave it; \`tracegraph ingest\` and \`tracegraph replay\` rebuild it from the event log`,
    { cause: e },
  );
}

export interface KuzuOptions {
  dataDir: string;
  /** Kuzu's buffer pool in MiB (env TRACEGRAPH_KUZU_BUFFER_MB). */
  bufferMb?: number;
  /** Called while the trace index loads at open: (done, total, what). */
  onProgress?: LoadProgress;
}

export class KuzuStore implements GraphStore {
  readonly backend = 'kuzu' as const;
  // Replaced together by a rebuild, which swaps the database under the same store object.
  private db!: KuzuConnection;
  private memory!: MemoryIndexes;
  private traces!: KuzuTraces;
  private recalls!: KuzuRecalls;
  private history!: KuzuHistory;
  private holdStore!: KuzuHolds;
  private specsAlarms!: KuzuSpecsAlarms;
  private loop!: KuzuLoop;
  private listing!: KuzuListing;
  private admin!: KuzuAdmin;

  private constructor(
    private readonly opts: KuzuOptions,
    db: KuzuConnection,
    memory: MemoryIndexes,
  ) {
    this.attach(db, memory);
  }

  private attach(db: KuzuConnection, memory: MemoryIndexes): void {
    this.db = db;
    this.memory = memory;
    this.traces = new KuzuTraces(db, memory);
    this.recalls = new KuzuRecalls(db, memory);
    this.history = new KuzuHistory(db, memory);
    this.holdStore = new KuzuHolds(db, memory, this.traces);
    this.specsAlarms = new KuzuSpecsAlarms(db, memory);
    this.loop = new KuzuLoop(db, memory);
    this.listing = new KuzuListing(db);
    this.admin = new KuzuAdmin(db);
  }

  private static async connect(opts: KuzuOptions): Promise<{ db: KuzuConnection; memory: MemoryIndexes }> {
    const db = await KuzuConnection.open(join(opts.dataDir, DB_FILE), opts.dataDir, opts.bufferMb ?? DEFAULT_BUFFER_MB);
    // Kuzu creates its files with the process umask: owner-only like the rest of the data directory.
    makePrivateFiles(opts.dataDir, DB_FILE);
    const memory = new MemoryIndexes();
    await memory.load(db, opts.onProgress);
    return { db, memory };
  }

  static async open(opts: KuzuOptions): Promise<KuzuStore> {
    makePrivateDir(opts.dataDir);
    const { db, memory } = await KuzuStore.connect(opts);
    return new KuzuStore(opts, db, memory);
  }

  /**
   * Replaces a damaged database with a sound one. What the damaged one still reads (every
   * committed node and relationship, holds, specs, alarms and saved recalls among them) is
   * exported and imported into a new database, whose primary-key indexes are built afresh; the
   * damaged files are kept as graph.kuzu.damaged*. If the export fails, the new database starts
   * empty (`carried: false`) and the caller must replay the whole event log into it.
   */
  async rebuild(): Promise<RebuildResult> {
    const dir = this.opts.dataDir;
    const bufferMb = this.opts.bufferMb ?? DEFAULT_BUFFER_MB;
    const exported = join(dir, 'graph-rebuild-export');
    rmSync(exported, { recursive: true, force: true });
    let carried = true;
    try {
      await this.db.exclusive(() => this.db.raw(query('kuzu', 'export-database', { Dir: cypherString(exported) })));
    } catch {
      carried = false;
    }
    await this.db.close();
    for (const f of readdirSync(dir)) if (f.startsWith(DAMAGED)) rmSync(join(dir, f), { recursive: true, force: true });
    const files = () => readdirSync(dir).filter((f) => f === DB_FILE || (f.startsWith(`${DB_FILE}.`) && !f.startsWith(DAMAGED)));
    for (const f of files()) renameSync(join(dir, f), join(dir, DAMAGED + f.slice(DB_FILE.length)));
    if (carried) {
      try {
        await KuzuConnection.importInto(join(dir, DB_FILE), exported, bufferMb);
      } catch {
        carried = false;
        for (const f of files()) rmSync(join(dir, f), { recursive: true, force: true });
      }
    }
    if (existsSync(exported)) rmSync(exported, { recursive: true, force: true });
    const { db, memory } = await KuzuStore.connect({ ...this.opts, onProgress: undefined });
    this.attach(db, memory);
    return { carried, kept: join(dir, DAMAGED) };
  }

  /** The database file. */
  get path(): string {
    return this.db.path;
  }

  applyEvents(events: readonly CanonicalEvent[]): Promise<ApplyResult> {
    if (events.length === 0) return Promise.resolve({ applied: 0, duplicates: 0, voided: 0 });
    const { db, memory } = this;
    return db
      .exclusive(() => applyBatch(db, memory, events))
      .catch((e: unknown) => {
        throw damaged(e, this.opts.dataDir);
      });
  }

  // Traces, their quantities and events (trace.ts); the *InCypher variants are the cross-check and the bench's baseline.
  traceForward(ids: readonly string[]): Promise<TraceResult> {
    return this.traces.traceForward(ids);
  }
  traceBackward(ids: readonly string[]): Promise<TraceResult> {
    return this.traces.traceBackward(ids);
  }
  traceInCypher(ids: readonly string[], direction: 'forward' | 'backward'): Promise<TraceResult> {
    return this.traces.traceInCypher(ids, direction);
  }
  traceQuantities(ids: readonly string[], direction: 'forward' | 'backward'): Promise<TraceQuantities> {
    return this.traces.traceQuantities(ids, direction);
  }
  traceQuantitiesInCypher(ids: readonly string[], direction: 'forward' | 'backward'): Promise<TraceQuantities> {
    return this.traces.traceQuantitiesInCypher(ids, direction);
  }
  traceEvents(ids: readonly string[], direction: 'forward' | 'backward'): Promise<string[]> {
    return this.traces.traceEvents(ids, direction);
  }
  traceEventsInCypher(ids: readonly string[], direction: 'forward' | 'backward'): Promise<string[]> {
    return this.traces.traceEventsInCypher(ids, direction);
  }

  // Recall (recall.ts).
  recallScope(criteria: RecallCriteria): Promise<RecallScopeResult> {
    return this.recalls.recallScope(criteria);
  }
  massBalance(lots: readonly string[]): Promise<MassBalance[]> {
    return this.recalls.massBalance(lots);
  }
  saveRecall(recall: NewRecall): Promise<RecallRecord> {
    return this.recalls.saveRecall(recall);
  }
  setRecallStatus(id: string, status: RecallStatus): Promise<RecallRecord> {
    return this.recalls.setRecallStatus(id, status);
  }
  listRecalls(): Promise<RecallRecord[]> {
    return this.recalls.listRecalls();
  }

  // Holds (holds.ts).
  placeHold(req: PlaceHold): Promise<HoldRecord> {
    return this.holdStore.placeHold(req);
  }
  releaseHold(req: ReleaseHold): Promise<HoldRecord> {
    return this.holdStore.releaseHold(req);
  }
  holds(filter?: HoldFilter): Promise<HoldRecord[]> {
    return this.holdStore.holds(filter);
  }
  addToHold(id: string, items: readonly string[]): Promise<string[]> {
    return this.holdStore.addToHold(id, items);
  }

  // Specs and alarms (specs-alarms.ts).
  saveSpec(spec: NewSpec): Promise<SpecRecord> {
    return this.specsAlarms.saveSpec(spec);
  }
  specs(filter?: SpecFilter): Promise<SpecRecord[]> {
    return this.specsAlarms.specs(filter);
  }
  openAlarm(alarm: NewAlarm): Promise<AlarmRecord> {
    return this.specsAlarms.openAlarm(alarm);
  }
  acknowledgeAlarm(req: AcknowledgeAlarm): Promise<AlarmRecord | null> {
    return this.specsAlarms.acknowledgeAlarm(req);
  }
  escalateAlarm(req: { id: string; at: string }): Promise<AlarmRecord | null> {
    return this.specsAlarms.escalateAlarm(req);
  }
  itemProgress(id: string): Promise<ItemProgress> {
    return this.loop.itemProgress(id);
  }
  /** itemProgress as Cypher queries on the connection's queue (the cross-check of the in-memory answer). */
  itemProgressInCypher(id: string): Promise<ItemProgress> {
    return this.loop.itemProgressInCypher(id);
  }
  setAlarmHold(req: { id: string; holdId: string }): Promise<void> {
    return this.specsAlarms.setAlarmHold(req);
  }
  saveControlLimits(limits: NewControlLimits): Promise<ControlLimitRecord> {
    return this.specsAlarms.saveControlLimits(limits);
  }
  controlLimits(filter?: SpecFilter): Promise<ControlLimitRecord[]> {
    return this.specsAlarms.controlLimits(filter);
  }
  clearAlarm(req: ClearAlarm): Promise<AlarmRecord | null> {
    return this.specsAlarms.clearAlarm(req);
  }
  alarms(filter?: AlarmFilter): Promise<AlarmRecord[]> {
    return this.specsAlarms.alarms(filter);
  }

  // Serial history, genealogy and quality analytics (history.ts).
  itemRecord(id: string): Promise<ItemRecord | null> {
    return this.history.itemRecord(id);
  }
  itemRecords(ids: readonly string[]): Promise<ItemRecord[]> {
    return this.history.itemRecords(ids);
  }
  itemsReceived(from: string, to: string): Promise<string[]> {
    return this.history.itemsReceived(from, to);
  }
  neighbours(ids: readonly string[], direction: 'up' | 'down'): Promise<NeighbourFacts[]> {
    return this.history.neighbours(ids, direction);
  }
  itemStatus(ids: readonly string[]): Promise<ItemStatusFacts[]> {
    return this.history.itemStatus(ids);
  }
  equipmentIds(): Promise<string[]> {
    return this.history.equipmentIds();
  }
  neighboursInCypher(ids: readonly string[], direction: 'up' | 'down'): Promise<NeighbourFacts[]> {
    return this.history.neighboursInCypher(ids, direction);
  }
  itemStatusInCypher(ids: readonly string[]): Promise<ItemStatusFacts[]> {
    return this.history.itemStatusInCypher(ids);
  }
  readings(equipment: string, from: string, to: string): Promise<ReadingFacts[]> {
    return this.history.readings(equipment, from, to);
  }
  qualityFacts(from: string, to: string): Promise<QualityFacts> {
    return this.history.qualityFacts(from, to);
  }

  // Listings (listing.ts).
  listLots(filter: LotFilter): Promise<Listed<LotListing>> {
    return this.listing.listLots(filter);
  }
  listMaterials(filter: ListPage): Promise<Listed<MaterialListing>> {
    return this.listing.listMaterials(filter);
  }
  listEquipment(filter: ListPage): Promise<Listed<NamedListing>> {
    return this.listing.listEquipment(filter);
  }
  listOperators(filter: ListPage): Promise<Listed<NamedListing>> {
    return this.listing.listOperators(filter);
  }
  listCustomers(filter: ListPage): Promise<Listed<CustomerListing>> {
    return this.listing.listCustomers(filter);
  }
  listShipments(filter: ShipmentFilter): Promise<Listed<ShipmentListing>> {
    return this.listing.listShipments(filter);
  }
  listRecallPage(filter: RecallFilter): Promise<Listed<RecallListing>> {
    return this.listing.listRecallPage(filter);
  }

  // Running the store (admin.ts, connection.ts).
  ping(): Promise<void> {
    return this.admin.ping();
  }
  warmUp(): Promise<void> {
    return this.history.warmUp();
  }
  stats(): Promise<StoreStats> {
    return this.admin.stats();
  }
  close(): Promise<void> {
    return this.db.close();
  }
}
