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
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
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
  NeighbourFacts,
  NewSpec,
  PlaceHold,
  QualityFacts,
  ReadingFacts,
  RecallCriteria,
  RecallRecord,
  RecallScopeResult,
  ReleaseHold,
  SpecFilter,
  SpecRecord,
  StoreStats,
  TraceQuantities,
  TraceResult,
} from '../port.ts';
import { KuzuAdmin } from './admin.ts';
import { DEFAULT_BUFFER_MB, KuzuConnection } from './connection.ts';
import { KuzuHistory } from './history.ts';
import { KuzuHolds } from './holds.ts';
import { MemoryIndexes, type LoadProgress } from './memory/indexes.ts';
import { KuzuRecalls } from './recall.ts';
import { KuzuSpecsAlarms } from './specs-alarms.ts';
import { KuzuTraces } from './trace.ts';
import { applyBatch } from './write.ts';

export interface KuzuOptions {
  dataDir: string;
  /** Kuzu's buffer pool in MiB (env TRACEGRAPH_KUZU_BUFFER_MB). */
  bufferMb?: number;
  /** Called while the trace index loads at open: (done, total, what). */
  onProgress?: LoadProgress;
}

export class KuzuStore implements GraphStore {
  readonly backend = 'kuzu' as const;
  private readonly traces: KuzuTraces;
  private readonly recalls: KuzuRecalls;
  private readonly history: KuzuHistory;
  private readonly holdStore: KuzuHolds;
  private readonly specsAlarms: KuzuSpecsAlarms;
  private readonly admin: KuzuAdmin;

  private constructor(
    private readonly db: KuzuConnection,
    private readonly memory: MemoryIndexes,
  ) {
    this.traces = new KuzuTraces(db, memory);
    this.recalls = new KuzuRecalls(db, memory);
    this.history = new KuzuHistory(db);
    this.holdStore = new KuzuHolds(db, memory, this.traces);
    this.specsAlarms = new KuzuSpecsAlarms(db);
    this.admin = new KuzuAdmin(db);
  }

  static async open(opts: KuzuOptions): Promise<KuzuStore> {
    mkdirSync(opts.dataDir, { recursive: true });
    const db = await KuzuConnection.open(join(opts.dataDir, 'graph.kuzu'), opts.dataDir, opts.bufferMb ?? DEFAULT_BUFFER_MB);
    const memory = new MemoryIndexes();
    await memory.load(db, opts.onProgress);
    return new KuzuStore(db, memory);
  }

  /** The database file. */
  get path(): string {
    return this.db.path;
  }

  applyEvents(events: readonly CanonicalEvent[]): Promise<ApplyResult> {
    if (events.length === 0) return Promise.resolve({ applied: 0, duplicates: 0, voided: 0 });
    return this.db.exclusive(() => applyBatch(this.db, this.memory, events));
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
  saveRecall(recall: Omit<RecallRecord, 'id' | 'createdAt'>): Promise<RecallRecord> {
    return this.recalls.saveRecall(recall);
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

  // Specs and alarms (specs-alarms.ts).
  saveSpec(spec: NewSpec): Promise<SpecRecord> {
    return this.specsAlarms.saveSpec(spec);
  }
  specs(filter?: SpecFilter): Promise<SpecRecord[]> {
    return this.specsAlarms.specs(filter);
  }
  openAlarm(alarm: AlarmRecord): Promise<AlarmRecord> {
    return this.specsAlarms.openAlarm(alarm);
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
  neighbours(ids: readonly string[], direction: 'up' | 'down'): Promise<NeighbourFacts[]> {
    return this.history.neighbours(ids, direction);
  }
  itemStatus(ids: readonly string[]): Promise<ItemStatusFacts[]> {
    return this.history.itemStatus(ids);
  }
  readings(equipment: string, from: string, to: string): Promise<ReadingFacts[]> {
    return this.history.readings(equipment, from, to);
  }
  qualityFacts(from: string, to: string): Promise<QualityFacts> {
    return this.history.qualityFacts(from, to);
  }

  // Running the store (admin.ts, connection.ts).
  ping(): Promise<void> {
    return this.admin.ping();
  }
  stats(): Promise<StoreStats> {
    return this.admin.stats();
  }
  close(): Promise<void> {
    return this.db.close();
  }
}
