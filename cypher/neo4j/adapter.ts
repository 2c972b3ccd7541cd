/**
 * The Neo4j GraphStore (5.26 LTS) through neo4j-driver.
 *
 * This class only assembles the parts and hands each call to the one that answers it, with the same
 * file names as the embedded store's beside it (../kuzu/):
 * - connection.ts: the driver, the schema, managed transactions and readable errors;
 * - write.ts: the write path (one managed write transaction per batch);
 * - trace.ts, recall.ts, history.ts, holds.ts, specs-alarms.ts, admin.ts: the query families.
 */
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
import { Neo4jAdmin } from './admin.ts';
import { Neo4jConnection, type Neo4jOptions } from './connection.ts';
import { Neo4jHistory } from './history.ts';
import { Neo4jHolds } from './holds.ts';
import { Neo4jRecalls } from './recall.ts';
import { Neo4jSpecsAlarms } from './specs-alarms.ts';
import { Neo4jListing } from './listing.ts';
import { Neo4jLoop } from './loop.ts';
import { Neo4jTraces } from './trace.ts';
import { applyBatch } from './write.ts';

export type { Neo4jOptions } from './connection.ts';

export class Neo4jStore implements GraphStore {
  readonly backend = 'neo4j' as const;
  private readonly traces: Neo4jTraces;
  private readonly recalls: Neo4jRecalls;
  private readonly history: Neo4jHistory;
  private readonly holdStore: Neo4jHolds;
  private readonly specsAlarms: Neo4jSpecsAlarms;
  private readonly loop: Neo4jLoop;
  private readonly listing: Neo4jListing;
  private readonly admin: Neo4jAdmin;

  private constructor(private readonly conn: Neo4jConnection) {
    this.traces = new Neo4jTraces(conn);
    this.recalls = new Neo4jRecalls(conn, this.traces);
    this.history = new Neo4jHistory(conn);
    this.holdStore = new Neo4jHolds(conn, this.traces);
    this.specsAlarms = new Neo4jSpecsAlarms(conn);
    this.loop = new Neo4jLoop(conn);
    this.listing = new Neo4jListing(conn);
    this.admin = new Neo4jAdmin(conn);
  }

  static async open(opts: Neo4jOptions): Promise<Neo4jStore> {
    return new Neo4jStore(await Neo4jConnection.open(opts));
  }

  applyEvents(events: readonly CanonicalEvent[]): Promise<ApplyResult> {
    return applyBatch(this.conn, events);
  }

  // Traces, their quantities and events (trace.ts).
  traceForward(ids: readonly string[]): Promise<TraceResult> {
    return this.traces.traceForward(ids);
  }
  traceBackward(ids: readonly string[]): Promise<TraceResult> {
    return this.traces.traceBackward(ids);
  }
  /** The plan Neo4j would use for a trace query (for the no-path-enumeration test). */
  explainTrace(direction: 'forward' | 'backward'): Promise<string[]> {
    return this.traces.explainTrace(direction);
  }
  traceQuantities(ids: readonly string[], direction: 'forward' | 'backward'): Promise<TraceQuantities> {
    return this.traces.traceQuantities(ids, direction);
  }
  traceEvents(ids: readonly string[], direction: 'forward' | 'backward'): Promise<string[]> {
    return this.traces.traceEvents(ids, direction);
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
  readings(equipment: string, from: string, to: string): Promise<ReadingFacts[]> {
    return this.history.readings(equipment, from, to);
  }
  qualityFacts(from: string, to: string): Promise<QualityFacts> {
    return this.history.qualityFacts(from, to);
  }
  equipmentIds(): Promise<string[]> {
    return this.history.equipmentIds();
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
    return Promise.resolve(); // the server keeps its own caches
  }
  stats(): Promise<StoreStats> {
    return this.admin.stats();
  }
  /** Deletes every node: for tests and the bench, which share one server. */
  clear(): Promise<void> {
    return this.admin.clear();
  }
  close(): Promise<void> {
    return this.conn.close();
  }
}
