/** Working an alarm: a person acknowledges it with a comment (audited, told to subscribers). */
import { TracegraphError } from '../../core/errors.ts';
import type { AlarmRecord, GraphStore } from '../../cypher/port.ts';
import type { AuditTrail } from '../audit/trail.ts';
import { publishAlarmChanged, type LiveBus } from '../live/bus.ts';

export const MAX_COMMENT_LENGTH = 500;

/** Alarms announced before they were stored (the monitor in this process): their pending graph writes. */
export interface PendingAlarmWrites {
  whenStored(id: string): Promise<void> | undefined;
}

export async function acknowledgeAlarm(
  s: {
    store: Pick<GraphStore, 'acknowledgeAlarm' | 'alarms'>;
    audit: Pick<AuditTrail, 'append'>;
    live?: LiveBus;
    alarmWrites?: PendingAlarmWrites;
  },
  input: { id: string; comment: string; by: string },
): Promise<AlarmRecord> {
  const id = input.id.trim();
  const comment = input.comment.trim();
  if (!comment) throw new TracegraphError('BAD_INPUT', 'an acknowledgement needs a comment (e.g. "checking the oven profile")');
  if (comment.length > MAX_COMMENT_LENGTH)
    throw new TracegraphError('BAD_INPUT', `the comment has ${comment.length} characters; at most ${MAX_COMMENT_LENGTH}`);
  // Announced the moment it was judged, the alarm may still be on its way to the graph.
  await s.alarmWrites?.whenStored(id);
  const at = new Date().toISOString();
  const acked = await s.store.acknowledgeAlarm({ id, by: input.by, at, comment });
  if (!acked) {
    const [found] = await s.store.alarms({ id });
    if (!found) throw new TracegraphError('NOT_FOUND', `no alarm ${id}: list them with the \`alarms\` query`);
    throw new TracegraphError(
      'BAD_INPUT',
      `alarm ${id} was already acknowledged by ${found.acknowledgedBy} at ${found.acknowledgedAt}`,
    );
  }
  await s.audit.append({
    actor: input.by,
    action: 'alarm.acknowledge',
    target: id,
    details: { comment, rule: acked.rule, equipmentId: acked.equipmentId, parameter: acked.parameter },
  });
  if (s.live) publishAlarmChanged(s.live, acked);
  return acked;
}
