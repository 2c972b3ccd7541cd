/**
 * The GraphStore port: the only way the rest of tracegraph reaches the graph. Two adapters
 * implement it side by side (embedded Kuzu, Neo4j); one contract suite runs against both.
 *
 * Each feature's types and methods are in `port/<feature>.ts`; GraphStore is all of them. A part of
 * the system that needs one feature can ask for that interface alone (the ingest pipeline takes an
 * EventWriter, the monitor a SpecAlarmStore).
 */
import type { AdminStore } from './port/admin.ts';
import type { EventWriteStore } from './port/events.ts';
import type { HistoryStore } from './port/history.ts';
import type { HoldStore } from './port/holds.ts';
import type { ListingStore } from './port/listing.ts';
import type { LoopStore } from './port/loop.ts';
import type { RecallStore } from './port/recall.ts';
import type { RecordStore } from './port/records.ts';
import type { SpecAlarmStore } from './port/specs-alarms.ts';
import type { TraceStore } from './port/trace.ts';

export type * from './port/admin.ts';
export type * from './port/events.ts';
export type * from './port/history.ts';
export type * from './port/holds.ts';
export type * from './port/listing.ts';
export type * from './port/loop.ts';
export type * from './port/recall.ts';
export type * from './port/records.ts';
export type * from './port/specs-alarms.ts';
export type * from './port/trace.ts';

export interface GraphStore
  extends
    EventWriteStore,
    TraceStore,
    RecallStore,
    HistoryStore,
    RecordStore,
    HoldStore,
    SpecAlarmStore,
    LoopStore,
    ListingStore,
    AdminStore {}

/** The ingest pipeline's view of a store (the name its importers use). */
export type EventWriter = EventWriteStore;
