/** Specs, control limits and alarms on the embedded store. */
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
import type { KuzuConnection, Params } from './connection.ts';
import type { MemoryIndexes } from './memory/indexes.ts';
import { transaction } from './write.ts';

export class KuzuSpecsAlarms implements SpecAlarmStore {
  constructor(
    private readonly db: KuzuConnection,
    private readonly memory: MemoryIndexes,
  ) {}

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

  async openAlarm(alarm: NewAlarm): Promise<AlarmRecord> {
    const record = newAlarmRecord(alarm);
    // One database per process and one write at a time: the check and the write cannot interleave.
    const existing = await this.db.exclusive(() =>
      transaction(this.db, async () => {
        const [open] = await this.db.run(query('kuzu', 'alarm-open-key'), { openKey: openAlarmKey(record) });
        if (open) return open.id as string;
        await this.db.run(query('kuzu', 'alarm-create'), alarmParams(record) as Params);
        await this.db.run(query('kuzu', 'alarm-link'), { id: record.id, equipmentId: record.equipmentId });
        return null;
      }),
    );
    if (existing === null) {
      this.memory.names.get('Equipment')!.add(record.equipmentId);
      return record;
    }
    return (await this.alarmList({ id: existing }))[0]!;
  }

  async clearAlarm(req: ClearAlarm): Promise<AlarmRecord | null> {
    const rows = await this.db.exclusive(() => this.db.run(query('kuzu', 'alarm-clear'), { ...req }));
    if (!rows.length) return null;
    return (await this.alarmList({ id: req.id }))[0] ?? null;
  }

  async acknowledgeAlarm(req: AcknowledgeAlarm): Promise<AlarmRecord | null> {
    const rows = await this.db.exclusive(() => this.db.run(query('kuzu', 'alarm-acknowledge'), { ...req }));
    if (!rows.length) return null;
    return (await this.alarmList({ id: req.id }))[0] ?? null;
  }

  async escalateAlarm(req: { id: string; at: string }): Promise<AlarmRecord | null> {
    const rows = await this.db.exclusive(() => this.db.run(query('kuzu', 'alarm-escalate'), { ...req }));
    if (!rows.length) return null;
    return (await this.alarmList({ id: req.id }))[0] ?? null;
  }

  async setAlarmHold(req: { id: string; holdId: string }): Promise<void> {
    await this.db.exclusive(() => this.db.run(query('kuzu', 'alarm-hold'), { ...req }));
  }

  saveControlLimits(limits: NewControlLimits): Promise<ControlLimitRecord> {
    return this.db.exclusive(async () => {
      const [row] = await this.db.run(query('kuzu', 'limit-version'), { key: limitKey(limits) });
      const saved: ControlLimitRecord = { ...limits, version: Number(row?.version ?? 0) + 1 };
      await this.db.run(query('kuzu', 'limit-create'), limitParams(saved) as Params);
      return saved;
    });
  }

  controlLimits(filter: SpecFilter = {}): Promise<ControlLimitRecord[]> {
    return this.db.exclusive(async () =>
      selectLimits(
        (await this.db.run(query('kuzu', 'limit-list'))).map((r) => limitFromRow((k) => r[k])),
        filter,
      ),
    );
  }

  alarms(filter: AlarmFilter = {}): Promise<AlarmRecord[]> {
    return this.alarmList(filter);
  }

  private alarmList(filter: AlarmFilter): Promise<AlarmRecord[]> {
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
