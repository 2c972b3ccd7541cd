/** Specs and alarms on Neo4j. */
import neo4j from 'neo4j-driver';
import type { AlarmFilter, AlarmRecord, ClearAlarm, NewSpec, SpecAlarmStore, SpecFilter, SpecRecord } from '../port.ts';
import { query } from '../queries.ts';
import { alarmFromRow, alarmLimit, alarmParams, selectSpecs, specFromRow, specKey, specParams } from '../specs-alarms.ts';
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

  async openAlarm(alarm: AlarmRecord): Promise<AlarmRecord> {
    const params = alarmParams(alarm);
    await this.conn.tx('WRITE', async (tx) => {
      await tx.run(query('neo4j', 'alarm-create'), {
        ...params,
        specVersion: alarm.specVersion === null ? null : neo4j.int(alarm.specVersion),
      });
      await tx.run(query('neo4j', 'alarm-link'), { id: alarm.id, equipmentId: alarm.equipmentId });
    });
    return alarm;
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

  private async alarmList(filter: AlarmFilter & { id?: string }): Promise<AlarmRecord[]> {
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
