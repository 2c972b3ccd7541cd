/** What both adapters share for specs and alarms: keys, row conversion, current-version selection. */
import type {
  AlarmFilter,
  AlarmRecord,
  AlarmRule,
  AlarmSeverity,
  AlarmStatus,
  ControlLimitRecord,
  NewAlarm,
  SpecFilter,
  SpecKey,
  SpecRecord,
} from './port.ts';
import { RULE_IDS } from '../core/spc-rules.ts';

export const ALARM_RULES = ['spec', ...RULE_IDS, 'calibration', 'maintenance'] as const satisfies readonly AlarmRule[];
export const ALARM_SEVERITIES = ['info', 'warning', 'major', 'critical'] as const satisfies readonly AlarmSeverity[];

/**
 * The family an alarm belongs to for the one-open-alarm rule: one spec alarm, one SPC alarm (any
 * run rule) and one per due kind may be open per equipment and parameter at a time.
 */
export function alarmFamily(rule: AlarmRule): 'spec' | 'spc' | 'calibration' | 'maintenance' {
  return rule === 'spec' || rule === 'calibration' || rule === 'maintenance' ? rule : 'spc';
}

/** The key the store keeps unique among open alarms: (equipment, parameter, family). */
export function openAlarmKey(a: { equipmentId: string; parameter: string; rule: AlarmRule }): string {
  return JSON.stringify([a.equipmentId, a.parameter, alarmFamily(a.rule)]);
}

export const DEFAULT_ALARM_LIMIT = 100;
export const MAX_ALARM_LIMIT = 10_000;

/** The stored key of a spec: one string for (parameter, equipment, recipe), any of which may be "any". */
export function specKey(k: SpecKey): string {
  return JSON.stringify([k.parameter, k.equipmentId, k.recipeId]);
}

/** The node id of one version of a spec. */
export function specId(k: SpecKey, version: number): string {
  return `${specKey(k)}#${version}`;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : String(v));

/** A row of spec-list (either backend) as a record. */
export function specFromRow(get: (key: string) => unknown): SpecRecord {
  return {
    parameter: get('parameter') as string,
    equipmentId: str(get('equipmentId')),
    recipeId: str(get('recipeId')),
    lsl: num(get('lsl')),
    usl: num(get('usl')),
    target: num(get('target')),
    uom: str(get('uom')),
    version: Number(get('version')),
    changedBy: get('changedBy') as string,
    changedAt: get('changedAt') as string,
    reason: get('reason') as string,
  };
}

/** The parameters spec-create takes (absent key parts are stored as '' so Kuzu can compare them). */
export function specParams(s: SpecRecord): Record<string, string | number | null> {
  return {
    id: specId(s, s.version),
    key: specKey(s),
    parameter: s.parameter,
    equipmentId: s.equipmentId ?? '',
    recipeId: s.recipeId ?? '',
    lsl: s.lsl,
    usl: s.usl,
    target: s.target,
    uom: s.uom,
    version: s.version,
    changedBy: s.changedBy,
    changedAt: s.changedAt,
    reason: s.reason,
  };
}

/** Every version (filter applied) sorted by key then version; or only the latest version of each key. */
export function selectSpecs(all: SpecRecord[], filter: SpecFilter = {}): SpecRecord[] {
  const kept = all.filter(
    (s) =>
      (filter.parameter === undefined || s.parameter === filter.parameter) &&
      (filter.equipmentId === undefined || s.equipmentId === filter.equipmentId),
  );
  const order = (a: SpecRecord, b: SpecRecord) =>
    a.parameter.localeCompare(b.parameter) ||
    (a.equipmentId ?? '').localeCompare(b.equipmentId ?? '') ||
    (a.recipeId ?? '').localeCompare(b.recipeId ?? '') ||
    a.version - b.version;
  if (filter.history) return kept.sort(order);
  const latest = new Map<string, SpecRecord>();
  for (const s of kept) {
    const k = specKey(s);
    const prev = latest.get(k);
    if (!prev || s.version > prev.version) latest.set(k, s);
  }
  return [...latest.values()].sort(order);
}

/** A new alarm with its lifecycle fields empty. */
export function newAlarmRecord(a: NewAlarm): AlarmRecord {
  return {
    ...a,
    severity: a.severity ?? 'warning',
    acknowledgedBy: null,
    acknowledgedAt: null,
    ackComment: null,
    escalatedAt: null,
    holdId: a.holdId ?? null,
  };
}

/** The parameters alarm-create takes. */
export function alarmParams(a: AlarmRecord): Record<string, string | number | null> {
  // `limit` is a Cypher keyword: the node keeps it as `crossed`.
  const { limit, ...rest } = a;
  return { ...rest, crossed: limit, openKey: a.status === 'open' ? openAlarmKey(a) : null };
}

/** A row of alarm-list (either backend) as a record. */
export function alarmFromRow(get: (key: string) => unknown): AlarmRecord {
  return {
    id: get('id') as string,
    rule: get('rule') as AlarmRule,
    status: get('status') as AlarmStatus,
    equipmentId: get('equipmentId') as string,
    parameter: get('parameter') as string,
    value: Number(get('value')),
    limit: Number(get('crossed')),
    lsl: num(get('lsl')),
    usl: num(get('usl')),
    uom: str(get('uom')),
    recipeId: str(get('recipeId')),
    specVersion: num(get('specVersion')),
    raisedAt: get('raisedAt') as string,
    readingEventId: get('readingEventId') as string,
    clearedAt: str(get('clearedAt')),
    clearValue: num(get('clearValue')),
    message: get('message') as string,
    severity: (str(get('severity')) ?? 'warning') as AlarmSeverity,
    acknowledgedBy: str(get('acknowledgedBy')),
    acknowledgedAt: str(get('acknowledgedAt')),
    ackComment: str(get('ackComment')),
    escalatedAt: str(get('escalatedAt')),
    holdId: str(get('holdId')),
  };
}

/** The stored key of control limits: (parameter, equipment). */
export function limitKey(k: { parameter: string; equipmentId: string | null }): string {
  return JSON.stringify([k.parameter, k.equipmentId]);
}

export function limitParams(c: ControlLimitRecord): Record<string, string | number | null> {
  return { ...c, id: `${limitKey(c)}#${c.version}`, key: limitKey(c), equipmentId: c.equipmentId ?? '' };
}

export function limitFromRow(get: (key: string) => unknown): ControlLimitRecord {
  return {
    parameter: get('parameter') as string,
    equipmentId: str(get('equipmentId')),
    version: Number(get('version')),
    center: Number(get('center')),
    lcl: Number(get('lcl')),
    ucl: Number(get('ucl')),
    sigma: Number(get('sigma')),
    definition: get('definition') as string,
    setBy: get('setBy') as string,
    setAt: get('setAt') as string,
    reason: get('reason') as string,
  };
}

/** Current (latest version per key) or every version, filtered, sorted by key then version. */
export function selectLimits(all: ControlLimitRecord[], filter: SpecFilter = {}): ControlLimitRecord[] {
  const kept = all.filter(
    (s) =>
      (filter.parameter === undefined || s.parameter === filter.parameter) &&
      (filter.equipmentId === undefined || s.equipmentId === filter.equipmentId),
  );
  const order = (a: ControlLimitRecord, b: ControlLimitRecord) =>
    a.parameter.localeCompare(b.parameter) || (a.equipmentId ?? '').localeCompare(b.equipmentId ?? '') || a.version - b.version;
  if (filter.history) return kept.sort(order);
  const latest = new Map<string, ControlLimitRecord>();
  for (const s of kept) {
    const prev = latest.get(limitKey(s));
    if (!prev || s.version > prev.version) latest.set(limitKey(s), s);
  }
  return [...latest.values()].sort(order);
}

/** The limit an alarm list asks for: the default when none, within bounds. */
export function alarmLimit(filter: AlarmFilter): number {
  return Math.min(Math.max(Math.trunc(filter.limit ?? DEFAULT_ALARM_LIMIT), 1), MAX_ALARM_LIMIT);
}
