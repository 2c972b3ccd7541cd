/**
 * Equipment state: when each configured calibration and maintenance falls due (the last one of
 * that kind plus its interval), whether it is overdue now, and what the calibration status was at
 * the time of an operation (for unit history: was the oven in calibration when this board went
 * through it?).
 */
import type { MaintenanceFacts } from '../../cypher/port.ts';
import { ms } from '../analytics/time.ts';
import type { QualityConfig } from './config.ts';

const DAY = 86_400_000;
export type DueKind = 'calibration' | 'maintenance';

export interface DueState {
  equipmentId: string;
  kind: DueKind;
  intervalDays: number;
  /** End (or start, while running) of the last one, ISO 8601; null when never done. */
  lastAt: string | null;
  /** lastAt + interval; null when never done (then it is overdue from the start). */
  dueAt: string | null;
  overdue: boolean;
}

/** When a maintenance record counts as done: its end, else its start. A failed one does not count. */
function doneAt(m: MaintenanceFacts): number {
  if (m.result && /fail/i.test(m.result)) return NaN;
  return ms(m.endTime ?? m.startTime);
}

/** Which due date a maintenance record of this type renews: a repair counts as maintenance. */
export function dueKindOf(type: string): DueKind | null {
  return type === 'calibration' ? 'calibration' : type === 'maintenance' || type === 'repair' ? 'maintenance' : null;
}

/** The last completed one of a kind on an equipment at or before `at`. */
function lastDone(records: readonly MaintenanceFacts[], equipmentId: string, kind: DueKind, at: number): number | null {
  let last: number | null = null;
  for (const m of records) {
    if (m.equipment !== equipmentId || dueKindOf(m.type) !== kind) continue;
    const t = doneAt(m);
    if (Number.isNaN(t) || t > at) continue;
    if (last === null || t > last) last = t;
  }
  return last;
}

/** The due state of every configured interval at time `now` (ms). */
export function dueStates(config: QualityConfig, records: readonly MaintenanceFacts[], now: number): DueState[] {
  const out: DueState[] = [];
  for (const e of config.equipment) {
    for (const [kind, days] of [
      ['calibration', e.calibrationIntervalDays],
      ['maintenance', e.maintenanceIntervalDays],
    ] as const) {
      if (days === undefined) continue;
      const last = lastDone(records, e.id, kind, now);
      const due = last === null ? null : last + days * DAY;
      out.push({
        equipmentId: e.id,
        kind,
        intervalDays: days,
        lastAt: last === null ? null : new Date(last).toISOString(),
        dueAt: due === null ? null : new Date(due).toISOString(),
        overdue: due === null || due < now,
      });
    }
  }
  return out;
}

/**
 * The calibration status of an equipment at a time: `in-calibration`, `overdue`, or `not-tracked`
 * when no calibration interval is configured for it.
 */
export function calibrationAt(
  config: QualityConfig,
  records: readonly MaintenanceFacts[],
  equipmentId: string,
  at: number,
): { status: 'in-calibration' | 'overdue' | 'not-tracked'; lastAt: string | null; dueAt: string | null } {
  const days = config.equipment.find((e) => e.id === equipmentId)?.calibrationIntervalDays;
  if (days === undefined) return { status: 'not-tracked', lastAt: null, dueAt: null };
  const last = lastDone(records, equipmentId, 'calibration', at);
  const due = last === null ? null : last + days * DAY;
  return {
    status: due !== null && at <= due ? 'in-calibration' : 'overdue',
    lastAt: last === null ? null : new Date(last).toISOString(),
    dueAt: due === null ? null : new Date(due).toISOString(),
  };
}
