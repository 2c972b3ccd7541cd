/** Specs and alarms in the graph: the same behaviour on the embedded store and on Neo4j. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphStore, NewAlarm, NewSpec } from '../../cypher/port.ts';
import { backends } from '../helpers/stores.ts';
import { ev } from '../helpers/events.ts';

const ovenSpec = (lsl: number | null, usl: number | null, changedAt: string, reason = 'initial'): NewSpec => ({
  parameter: 'zone1_temp',
  equipmentId: 'OVEN-1',
  recipeId: null,
  lsl,
  usl,
  target: 150,
  uom: 'Cel',
  changedBy: 'eng',
  changedAt,
  reason,
});

const alarm = (id: string, raisedAt: string, equipmentId = 'OVEN-1'): NewAlarm => ({
  id,
  rule: 'spec',
  status: 'open',
  equipmentId,
  parameter: 'zone1_temp',
  value: 161.5,
  limit: 155,
  lsl: 145,
  usl: 155,
  uom: 'Cel',
  recipeId: null,
  specVersion: 2,
  raisedAt,
  readingEventId: `r-${id}`,
  clearedAt: null,
  clearValue: null,
  message: 'zone1_temp 161.5 Cel above usl 155 on OVEN-1',
});

for (const backend of backends()) {
  describe.skipIf(backend.skip)(`specs and alarms on ${backend.name}`, () => {
    let store: GraphStore;
    beforeAll(async () => {
      store = await backend.open();
      // Alarms are RAISED_AT equipment that readings put in the graph.
      await store.applyEvents([
        ev({ kind: 'reading', eventId: 'rd1', equipmentId: 'OVEN-1', parameter: 'zone1_temp', value: 150 }),
        ev({ kind: 'reading', eventId: 'rd2', equipmentId: 'OVEN-2', parameter: 'zone1_temp', value: 150 }),
      ]);
    });
    afterAll(() => backend.release());

    it('numbers the versions of a spec key and keeps every one', async () => {
      const v1 = await store.saveSpec(ovenSpec(140, 160, '2026-03-01T08:00:00.000Z'));
      const v2 = await store.saveSpec(ovenSpec(145, 155, '2026-03-02T08:00:00.000Z', 'tightened after audit'));
      expect([v1.version, v2.version]).toEqual([1, 2]);
      // A plant-wide spec of the same parameter and an upper-only spec are keys of their own.
      const plant = await store.saveSpec({ ...ovenSpec(null, 300, '2026-03-01T09:00:00.000Z'), equipmentId: null, target: null });
      expect(plant.version).toBe(1);
      expect(await store.specs()).toEqual([plant, v2]);
      expect(await store.specs({ equipmentId: 'OVEN-1', history: true })).toEqual([v1, v2]);
      expect(await store.specs({ parameter: 'other' })).toEqual([]);
      expect(v2).toMatchObject({ lsl: 145, usl: 155, target: 150, uom: 'Cel', reason: 'tightened after audit' });
      expect(plant).toMatchObject({ lsl: null, usl: 300, target: null, equipmentId: null, recipeId: null });
    });

    it('stores an open alarm raised at its equipment, clears it once, and lists alarms newest first', async () => {
      const a1 = await store.openAlarm(alarm('A-1', '2026-03-01T10:00:00.000Z'));
      const a2 = await store.openAlarm(alarm('A-2', '2026-03-01T11:00:00.000Z', 'OVEN-2'));
      expect(await store.alarms()).toEqual([a2, a1]);
      const stats = await store.stats();
      expect(stats.relationships.RAISED_AT).toBe(2);

      const cleared = await store.clearAlarm({ id: 'A-1', at: '2026-03-01T10:05:00.000Z', value: 151 });
      expect(cleared).toEqual({ ...a1, status: 'cleared', clearedAt: '2026-03-01T10:05:00.000Z', clearValue: 151 });
      // Clearing twice or an unknown alarm changes nothing.
      expect(await store.clearAlarm({ id: 'A-1', at: '2026-03-01T10:09:00.000Z', value: 150 })).toBeNull();
      expect(await store.clearAlarm({ id: 'nope', at: '2026-03-01T10:09:00.000Z', value: 150 })).toBeNull();

      expect((await store.alarms({ status: 'open' })).map((a) => a.id)).toEqual(['A-2']);
      expect((await store.alarms({ status: 'cleared' })).map((a) => a.id)).toEqual(['A-1']);
      expect((await store.alarms({ equipmentId: 'OVEN-1' })).map((a) => a.id)).toEqual(['A-1']);
      expect((await store.alarms({ from: '2026-03-01T10:30:00.000Z' })).map((a) => a.id)).toEqual(['A-2']);
      expect((await store.alarms({ to: '2026-03-01T10:30:00.000Z' })).map((a) => a.id)).toEqual(['A-1']);
      expect((await store.alarms({ limit: 1 })).map((a) => a.id)).toEqual(['A-2']);
    });

    it('keeps one open alarm per equipment, parameter and family: a second raise returns the first', async () => {
      const first = await store.openAlarm({ ...alarm('A-10', '2026-03-02T10:00:00.000Z', 'OVEN-3'), severity: 'major' });
      // Another worker judged the same excursion: its alarm is not stored, the open one is returned.
      const again = await store.openAlarm(alarm('A-11', '2026-03-02T10:00:01.000Z', 'OVEN-3'));
      expect(again).toEqual(first);
      expect(again.severity).toBe('major');
      // An SPC rule on the same parameter is a family of its own.
      const spc = await store.openAlarm({ ...alarm('A-12', '2026-03-02T10:00:02.000Z', 'OVEN-3'), rule: 'nelson2' });
      expect(spc.id).toBe('A-12');
      expect((await store.alarms({ equipmentId: 'OVEN-3' })).map((a) => a.id).sort()).toEqual(['A-10', 'A-12']);
      // Cleared, the key is free again.
      await store.clearAlarm({ id: 'A-10', at: '2026-03-02T10:05:00.000Z', value: 150 });
      expect((await store.openAlarm(alarm('A-13', '2026-03-02T10:06:00.000Z', 'OVEN-3'))).id).toBe('A-13');
    });

    it('raises an alarm at equipment the graph does not hold yet', async () => {
      const a = await store.openAlarm(alarm('A-20', '2026-03-03T10:00:00.000Z', 'OVEN-NEW'));
      expect(a.id).toBe('A-20');
      // The reading's batch arrives after the alarm and names the same equipment.
      await store.applyEvents([
        ev({ kind: 'reading', eventId: 'rd-new', equipmentId: 'OVEN-NEW', parameter: 'zone1_temp', value: 170 }),
      ]);
      expect((await store.alarms({ equipmentId: 'OVEN-NEW' })).map((x) => x.id)).toEqual(['A-20']);
    });

    it('acknowledges once, escalates only unacknowledged open alarms and records the hold', async () => {
      await store.openAlarm(alarm('A-30', '2026-03-04T10:00:00.000Z', 'OVEN-4'));
      await store.openAlarm(alarm('A-31', '2026-03-04T10:00:00.000Z', 'OVEN-5'));
      const esc = await store.escalateAlarm({ id: 'A-30', at: '2026-03-04T10:10:00.000Z' });
      expect(esc?.escalatedAt).toBe('2026-03-04T10:10:00.000Z');
      expect(await store.escalateAlarm({ id: 'A-30', at: '2026-03-04T10:20:00.000Z' })).toBeNull();
      const ack = await store.acknowledgeAlarm({
        id: 'A-31',
        by: 'qe',
        at: '2026-03-04T10:01:00.000Z',
        comment: 'checking oven',
      });
      expect(ack).toMatchObject({
        acknowledgedBy: 'qe',
        ackComment: 'checking oven',
        acknowledgedAt: '2026-03-04T10:01:00.000Z',
      });
      expect(await store.acknowledgeAlarm({ id: 'A-31', by: 'x', at: '2026-03-04T10:02:00.000Z', comment: 'again' })).toBeNull();
      expect(await store.escalateAlarm({ id: 'A-31', at: '2026-03-04T10:10:00.000Z' })).toBeNull();
      await store.setAlarmHold({ id: 'A-31', holdId: 'H-1' });
      expect((await store.alarms({ id: 'A-31' }))[0]!.holdId).toBe('H-1');
    });

    it('numbers control-limit versions per parameter and equipment', async () => {
      const base = {
        parameter: 'zone1_temp',
        equipmentId: 'OVEN-1',
        center: 150,
        lcl: 148.8,
        ucl: 151.2,
        sigma: 0.4,
        definition: '{}',
        setBy: 'eng',
        setAt: '2026-03-01T08:00:00.000Z',
        reason: 'baseline',
      };
      const v1 = await store.saveControlLimits(base);
      const v2 = await store.saveControlLimits({ ...base, center: 150.2, reason: 'after PM' });
      const other = await store.saveControlLimits({ ...base, equipmentId: null });
      expect([v1.version, v2.version, other.version]).toEqual([1, 2, 1]);
      expect(await store.controlLimits({ parameter: 'zone1_temp' })).toEqual([other, v2]);
      expect(await store.controlLimits({ equipmentId: 'OVEN-1', history: true })).toEqual([v1, v2]);
    });

    it('itemProgress gives an item its operations (in and out), inspections and active holds only', async () => {
      await store.applyEvents([
        ev({
          kind: 'operation',
          eventId: 'ip-1',
          operationId: 'OP-IP-1',
          step: 'print',
          station: 'S',
          inputs: [{ id: 'PCB-LOT' }],
          outputs: [{ id: 'BRD-1', type: 'unit' }],
        }),
        ev({
          kind: 'operation',
          eventId: 'ip-2',
          operationId: 'OP-IP-2',
          step: 'reflow',
          station: 'S',
          inputs: [{ id: 'BRD-1' }],
          outputs: [],
          result: 'fail',
        }),
        ev({ kind: 'inspection', eventId: 'ip-3', id: 'BRD-1', result: 'fail', defects: ['TOMBSTONE'] }),
      ]);
      await store.placeHold({ id: 'H-IP-1', items: ['BRD-1'], reason: 'r1', by: 'qe', at: '2026-03-05T08:00:00.000Z' });
      await store.placeHold({ id: 'H-IP-2', items: ['BRD-1'], reason: 'r2', by: 'qe', at: '2026-03-05T08:00:00.000Z' });
      await store.releaseHold({ id: 'H-IP-2', by: 'qe', at: '2026-03-05T09:00:00.000Z', meaning: 'ok' });
      const p = await store.itemProgress('BRD-1');
      expect(p.operations.map((o) => [o.id, o.step, o.result]).sort()).toEqual([
        ['OP-IP-1', 'print', null],
        ['OP-IP-2', 'reflow', 'fail'],
      ]);
      expect(p.inspections.map((i) => [i.result, i.defects])).toEqual([['fail', ['TOMBSTONE']]]);
      expect(p.holds).toEqual([{ id: 'H-IP-1', reason: 'r1' }]);
      expect(await store.itemProgress('NOBODY')).toEqual({ operations: [], inspections: [], holds: [] });
    });
  });
}
