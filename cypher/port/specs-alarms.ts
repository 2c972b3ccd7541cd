/** Specs (versioned process limits) and the alarms raised against them (ingest/monitor, api/schema/monitor.ts). */

/** What a spec is for: a parameter, on one piece of equipment and/or under one recipe (null = any). */
export interface SpecKey {
  parameter: string;
  equipmentId: string | null;
  /** A recipe id names its version in this model. */
  recipeId: string | null;
}

/** One version of a spec: the limits of a process parameter. Every version is kept. */
export interface SpecRecord extends SpecKey {
  /** Lower and upper specification limits; one may be absent, never both. */
  lsl: number | null;
  usl: number | null;
  target: number | null;
  uom: string | null;
  /** 1 for a key's first spec, +1 per change of the same key. */
  version: number;
  changedBy: string;
  /** ISO 8601, UTC. */
  changedAt: string;
  reason: string;
}

export type NewSpec = Omit<SpecRecord, 'version'>;

export interface SpecFilter {
  parameter?: string;
  equipmentId?: string;
  /** Every version (oldest first per key) instead of the current one per key. */
  history?: boolean;
}

export type AlarmStatus = 'open' | 'cleared';
/** What raised an alarm: `spec` (a reading outside its spec limits); SPC rules will add theirs. */
export type AlarmRule = 'spec';

/** A parameter out of its limits on a piece of equipment: open until a reading is back inside. */
export interface AlarmRecord {
  id: string;
  rule: AlarmRule;
  status: AlarmStatus;
  equipmentId: string;
  parameter: string;
  /** The reading that raised it. */
  value: number;
  /** The limit it crossed (usl when above, lsl when below). */
  limit: number;
  lsl: number | null;
  usl: number | null;
  uom: string | null;
  /** The spec (its key's recipe and version) the reading was checked against. */
  recipeId: string | null;
  specVersion: number | null;
  /** ISO 8601, UTC: the event time of the reading that raised it. */
  raisedAt: string;
  readingEventId: string;
  /** ISO 8601, UTC: the event time of the first reading back inside; null while open. */
  clearedAt: string | null;
  clearValue: number | null;
  message: string;
}

export interface ClearAlarm {
  id: string;
  at: string;
  value: number;
}

export interface AlarmFilter {
  status?: AlarmStatus;
  equipmentId?: string;
  parameter?: string;
  /** Bounds on raisedAt (ISO 8601, compared as UTC strings). */
  from?: string;
  to?: string;
  /** Newest first, at most this many (default 100). */
  limit?: number;
}

export interface SpecAlarmStore {
  /** Writes the next version of the spec's key and returns it. */
  saveSpec(spec: NewSpec): Promise<SpecRecord>;
  /** The current version of every key (or every version with `history`), filtered. */
  specs(filter?: SpecFilter): Promise<SpecRecord[]>;
  /** Stores a new open alarm, RAISED_AT its equipment. */
  openAlarm(alarm: AlarmRecord): Promise<AlarmRecord>;
  /** Clears an open alarm; null when it is unknown or already cleared. */
  clearAlarm(req: ClearAlarm): Promise<AlarmRecord | null>;
  /** Alarms matching every given filter, newest first. */
  alarms(filter?: AlarmFilter): Promise<AlarmRecord[]>;
}
