/** Specs and alarms on the embedded store. */
import type { AlarmFilter, AlarmRecord, ClearAlarm, NewSpec, SpecAlarmStore, SpecFilter, SpecRecord } from '../port.ts';
import { query } from '../queries.ts';
import { alarmFromRow, alarmLimit, alarmParams, selectSpecs, specFromRow, specKey, specParams } from '../specs-alarms.ts';
import type { KuzuConnection, Params } from './connection.ts';
import { transaction } from './write.ts';

export class KuzuSpecsAlarms implements SpecAlarmStore {
  constructor(private readonly db: KuzuConnection) {}

  saveSpec(spec: NewSpec): Promise<SpecRecord> {
    // Inside the one queue, so two changes of a key cannot take the same version.
    return this.db.exclusive(async () => {
      const [row] = await this.db.run(query('kuzu', 'spec-version'), { key: specKey(spec) });
      const saved: SpecRecord = { ...spec, version: Number(row?.version ?? 0) + 1 };
      await this.db.run(query('kuzu', 'spec-create'), specParams(saved) as Params);
      return saved;
    });
  }

  specs(filter: SpecFilter = {}): Promise<SpecRecord[]> {
    return this.db.exclusive(async () =>
      selectSpecs(
        (await this.db.run(query('kuzu', 'spec-list'))).map((r) => specFromRow((k) => r[k])),
        filter,
      ),
    );
  }

  openAlarm(alarm: AlarmRecord): Promise<AlarmRecord> {
    return this.db.exclusive(() =>
      transaction(this.db, async () => {
        await this.db.run(query('kuzu', 'alarm-create'), alarmParams(alarm) as Params);
        await this.db.run(query('kuzu', 'alarm-link'), { id: alarm.id, equipmentId: alarm.equipmentId });
        return alarm;
      }),
    );
  }

  async clearAlarm(req: ClearAlarm): Promise<AlarmRecord | null> {
    const rows = await this.db.exclusive(() => this.db.run(query('kuzu', 'alarm-clear'), { ...req }));
    if (!rows.length) return null;
    return (await this.alarmList({ id: req.id }))[0] ?? null;
  }

  alarms(filter: AlarmFilter = {}): Promise<AlarmRecord[]> {
    return this.alarmList(filter);
  }

  private alarmList(filter: AlarmFilter & { id?: string }): Promise<AlarmRecord[]> {
    return this.db.exclusive(async () =>
      (
        await this.db.run(query('kuzu', 'alarm-list'), {
          id: filter.id ?? '',
          status: filter.status ?? '',
          equipmentId: filter.equipmentId ?? '',
          parameter: filter.parameter ?? '',
          from: filter.from ?? '',
          to: filter.to ?? '',
          limit: alarmLimit(filter),
        })
      ).map((r) => alarmFromRow((k) => r[k])),
    );
  }
}
