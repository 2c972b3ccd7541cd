/** Specs (versioned process limits) and the alarms raised against them (ingest/monitor, api/schema/monitor.ts). */

import type { RuleId } from '../../core/spc-rules.ts';

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
/**
 * What raised an alarm: `spec` (a reading outside its spec limits), an SPC run rule (`we1`..`we4`,
 * `nelson1`..`nelson8`, the ids of core/spc-rules.ts), or equipment falling overdue for
 * `calibration` or `maintenance`.
 */
export type AlarmRule = 'spec' | RuleId | 'calibration' | 'maintenance';
export type AlarmSeverity = 'info' | 'warning' | 'major' | 'critical';

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
  severity: AlarmSeverity;
  /** Who acknowledged it, when, and what they said; null until acknowledged. */
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  ackComment: string | null;
  /** When it was escalated for staying unacknowledged past its policy's time; null if never. */
  escalatedAt: string | null;
  /** The hold its policy placed (policy `hold`), once one is placed. */
  holdId: string | null;
}

/** The lifecycle fields a new alarm starts without. */
export type AlarmLifecycle = 'acknowledgedBy' | 'acknowledgedAt' | 'ackComment' | 'escalatedAt' | 'holdId';
export type NewAlarm = Omit<AlarmRecord, AlarmLifecycle | 'severity'> & { severity?: AlarmSeverity; holdId?: string | null };

export interface AcknowledgeAlarm {
  id: string;
  by: string;
  at: string;
  comment: string;
}

/** One version of the control limits of a parameter on one piece of equipment (null: any). */
export interface ControlLimitRecord {
  parameter: string;
  equipmentId: string | null;
  version: number;
  center: number;
  lcl: number;
  ucl: number;
  sigma: number;
  /** The frozen limits and rule set as JSON (domain/spc's FrozenControlLimits and RuleSetConfig). */
  definition: string;
  setBy: string;
  setAt: string;
  reason: string;
}
export type NewControlLimits = Omit<ControlLimitRecord, 'version'>;

export interface ClearAlarm {
  id: string;
  at: string;
  value: number;
}

export interface AlarmFilter {
  status?: AlarmStatus;
  id?: string;
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
  /**
   * Stores a new open alarm, RAISED_AT its equipment (created when not yet in the graph), unless an
   * alarm of the same equipment, parameter and family (`openAlarmKey`) is open: then that one is
   * returned and nothing is written. The check is inside the write transaction (and, on Neo4j, a
   * uniqueness constraint), so two workers judging the same excursion store one alarm.
   */
  openAlarm(alarm: NewAlarm): Promise<AlarmRecord>;
  /** Records an acknowledgement; null when the alarm is unknown or already acknowledged. */
  acknowledgeAlarm(req: AcknowledgeAlarm): Promise<AlarmRecord | null>;
  /** Marks an unacknowledged open alarm escalated; null when it is not (any more) such an alarm. */
  escalateAlarm(req: { id: string; at: string }): Promise<AlarmRecord | null>;
  /** Records the hold an alarm's policy placed. */
  setAlarmHold(req: { id: string; holdId: string }): Promise<void>;
  /** Writes the next version of the control limits of (parameter, equipment) and returns it. */
  saveControlLimits(limits: NewControlLimits): Promise<ControlLimitRecord>;
  /** The current control limits of every (parameter, equipment), or every version with `history`. */
  controlLimits(filter?: SpecFilter): Promise<ControlLimitRecord[]>;
  /** Clears an open alarm; null when it is unknown or already cleared. */
  clearAlarm(req: ClearAlarm): Promise<AlarmRecord | null>;
  /** Alarms matching every given filter, newest first. */
  alarms(filter?: AlarmFilter): Promise<AlarmRecord[]>;
}
