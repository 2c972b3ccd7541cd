/** Specs and alarms on Neo4j. */
import neo4j from 'neo4j-driver';
import type {
  AcknowledgeAlarm,
  AlarmFilter,
  AlarmRecord,
  ClearAlarm,
  ControlLimitRecord,
  NewAlarm,
  NewControlLimits,
  NewSpec,
  SpecAlarmStore,
  SpecFilter,
  SpecRecord,
} from '../port.ts';
import { query } from '../queries.ts';
import {
  alarmFromRow,
  alarmLimit,
  alarmParams,
  limitFromRow,
  limitKey,
  limitParams,
  newAlarmRecord,
  openAlarmKey,
  selectLimits,
  selectSpecs,
  specFromRow,
  specKey,
  specParams,
} from '../specs-alarms.ts';
import type { Neo4jConnection } from './connection.ts';

export class Neo4jSpecsAlarms implements SpecAlarmStore {
  constructor(private readonly conn: Neo4jConnection) {}

  async saveSpec(spec: NewSpec): Promise<SpecRecord> {
    // Read and write in one transaction; a concurrent change of the same key that takes the same
    // version fails on the spec_id constraint instead of overwriting.
    return this.conn.tx('WRITE', async (tx) => {
      const res = await tx.run(query('neo4j', 'spec-version'), { key: specKey(spec) });
      const saved: SpecRecord = { ...spec, version: Number(res.records[0]?.get('version') ?? 0) + 1 };
      await tx.run(query('neo4j', 'spec-create'), { ...specParams(saved), version: neo4j.int(saved.version) });
      return saved;
    });
  }

  async specs(filter: SpecFilter = {}): Promise<SpecRecord[]> {
    const rows = await this.conn.rows(query('neo4j', 'spec-list'));
    return selectSpecs(
      rows.map((r) => specFromRow((k) => r[k])),
      filter,
    );
  }

  async openAlarm(alarm: NewAlarm): Promise<AlarmRecord> {
    const record = newAlarmRecord(alarm);
    const params = alarmParams(record);
    const create = () =>
      this.conn.tx('WRITE', async (tx) => {
        const open = await tx.run(query('neo4j', 'alarm-open-key'), { openKey: openAlarmKey(record) });
        if (open.records.length) return open.records[0]!.get('id') as string;
        await tx.run(query('neo4j', 'alarm-create'), {
          ...params,
          specVersion: record.specVersion === null ? null : neo4j.int(record.specVersion),
        });
        await tx.run(query('neo4j', 'alarm-link'), { id: record.id, equipmentId: record.equipmentId });
        return null;
      });
    let existing: string | null;
    try {
      existing = await create();
    } catch (e) {
      // Another worker stored the same key between our check and our write: the constraint
      // alarm_open_key refused ours; theirs is the alarm.
      // connection.ts wraps driver errors; the driver's code is on the cause and in the message.
      const cause = (e as { cause?: { code?: string } }).cause;
      if (!`${cause?.code ?? ''} ${(e as Error).message}`.includes('ConstraintValidationFailed')) throw e;
      existing = await create();
    }
    if (existing === null) return record;
    return (await this.alarmList({ id: existing }))[0]!;
  }

  private async update(name: string, params: Record<string, unknown>): Promise<AlarmRecord | null> {
    const done = await this.conn.tx('WRITE', async (tx) => (await tx.run(query('neo4j', name), params)).records.length > 0);
    if (!done) return null;
    return (await this.alarmList({ id: params.id as string }))[0] ?? null;
  }

  acknowledgeAlarm(req: AcknowledgeAlarm): Promise<AlarmRecord | null> {
    return this.update('alarm-acknowledge', { ...req });
  }

  escalateAlarm(req: { id: string; at: string }): Promise<AlarmRecord | null> {
    return this.update('alarm-escalate', { ...req });
  }

  async setAlarmHold(req: { id: string; holdId: string }): Promise<void> {
    await this.conn.tx('WRITE', (tx) => tx.run(query('neo4j', 'alarm-hold'), { ...req }));
  }

  saveControlLimits(limits: NewControlLimits): Promise<ControlLimitRecord> {
    return this.conn.tx('WRITE', async (tx) => {
      const res = await tx.run(query('neo4j', 'limit-version'), { key: limitKey(limits) });
      const saved: ControlLimitRecord = { ...limits, version: Number(res.records[0]?.get('version') ?? 0) + 1 };
      await tx.run(query('neo4j', 'limit-create'), { ...limitParams(saved), version: neo4j.int(saved.version) });
      return saved;
    });
  }

  async controlLimits(filter: SpecFilter = {}): Promise<ControlLimitRecord[]> {
    const rows = await this.conn.rows(query('neo4j', 'limit-list'));
    return selectLimits(
      rows.map((r) => limitFromRow((k) => r[k])),
      filter,
    );
  }

  async clearAlarm(req: ClearAlarm): Promise<AlarmRecord | null> {
    const cleared = await this.conn.tx(
      'WRITE',
      async (tx) => (await tx.run(query('neo4j', 'alarm-clear'), { ...req })).records.length > 0,
    );
    if (!cleared) return null;
    return (await this.alarmList({ id: req.id }))[0] ?? null;
  }

  alarms(filter: AlarmFilter = {}): Promise<AlarmRecord[]> {
    return this.alarmList(filter);
  }

  private async alarmList(filter: AlarmFilter): Promise<AlarmRecord[]> {
    const rows = await this.conn.rows(query('neo4j', 'alarm-list'), {
      id: filter.id ?? null,
      status: filter.status ?? null,
      equipmentId: filter.equipmentId ?? null,
      parameter: filter.parameter ?? null,
      from: filter.from ?? null,
      to: filter.to ?? null,
      limit: neo4j.int(alarmLimit(filter)),
    });
    return rows.map((r) => alarmFromRow((k) => r[k]));
  }
}
