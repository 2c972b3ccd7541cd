/**
 * The history, genealogy and analytics reads of the GraphStore port, on every backend: the raw
 * facts the API assembles into unit histories, genealogy graphs and quality statistics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphStore } from '../../cypher/port.ts';
import { backends } from '../helpers/stores.ts';
import { at } from '../helpers/events.ts';
import { historyPlant } from '../helpers/history-plant.ts';

for (const backend of backends()) {
  describe.skipIf(backend.skip)(`GraphStore history reads on ${backend.name}`, () => {
    let store: GraphStore;
    beforeAll(async () => {
      store = await backend.open();
      await store.applyEvents(historyPlant());
    });
    afterAll(() => backend.release());

    it('itemRecord of a unit: its operations with context, their flows, inspections, containers and shipments', async () => {
      const r = await store.itemRecord('U1');
      expect(r?.item).toMatchObject({ id: 'U1', kind: 'unit', container: false });
      expect(r?.operations).toEqual([
        {
          id: 'OP-ASM',
          step: 'assembly',
          station: 'ASM-1',
          startTime: null,
          endTime: at(20),
          result: 'pass',
          equipment: 'ASM-1',
          operator: 'OPR-2',
          recipe: 'RCP-ASM-2',
          workOrder: null,
        },
      ]);
      const flows = r!.flows.map((f) => `${f.direction} ${f.item} ${f.qty} ${f.uom} ${f.kind}`).sort();
      expect(flows).toEqual(['in M1 2 kg lot', 'in SA1 1 ea unit', 'out U1 1 ea unit', 'out U2 1 ea unit']);
      expect(r?.inspections).toEqual([
        {
          id: 'i1',
          item: 'U1',
          result: 'pass',
          defects: [],
          measurements: [{ name: 'leak_rate', value: 0.4, uom: 'Pa.m3/s' }],
          station: 'EOL-1',
          inspectorId: 'QA-1',
          eventTime: at(21),
        },
      ]);
      expect(r?.containers.map((c) => `${c.child}>${c.parent}`).sort()).toEqual(['CASE1>PAL1', 'U1>CASE1']);
      expect(r?.containers.every((c) => typeof c.eventTime === 'string')).toBe(true);
      expect(r?.shipments).toEqual([{ item: 'PAL1', shipment: 'SHP1', customer: 'CUST-A', eventTime: expect.any(String) }]);
    });

    it('itemRecord of a supplier lot: what was received, and the operation it went into', async () => {
      const r = await store.itemRecord('L1');
      expect(r?.item).toEqual({
        id: 'L1',
        kind: 'lot',
        container: false,
        material: 'resin',
        qty: 100,
        uom: 'kg',
        supplier: 'ACME',
        supplierLot: null,
        receivedAt: new Date(at(1)).toISOString(),
        receiveEvent: 'r1',
      });
      expect(r?.operations.map((o) => [o.id, o.equipment, o.operator, o.recipe, o.workOrder, o.startTime])).toEqual([
        ['OP-MIX', 'MIXER-1', 'OPR-1', 'RCP-MIX-A', 'WO-1', at(10)],
      ]);
      expect(r?.inspections).toEqual([]);
      expect(r?.shipments).toEqual([]);
    });

    it('itemRecord of an unknown id is null; defects are read back as a list', async () => {
      expect(await store.itemRecord('NOPE')).toBeNull();
      expect((await store.itemRecord('U2'))?.inspections[0]?.defects).toEqual(['D-SEAL']);
    });

    it('neighbours down: operations and their outputs with quantities, containers, shipments with customers', async () => {
      const [m1, u1, pal] = await store.neighbours(['M1', 'U1', 'PAL1'], 'down');
      expect(m1?.flows.map((f) => `${f.op} ${f.step} ${f.item} ${f.qtyIn} ${f.qtyOut}`).sort()).toEqual([
        'OP-ASM assembly U1 2 1',
        'OP-ASM assembly U2 2 1',
      ]);
      expect(u1).toMatchObject({ from: 'U1', flows: [], packed: ['CASE1'], shipments: [] });
      expect(pal).toMatchObject({ from: 'PAL1', packed: [], shipments: [{ shipment: 'SHP1', customer: 'CUST-A' }] });
    });

    it('neighbours up: the operation that made it and its inputs; the contents of a container', async () => {
      const [u1, pal, l1] = await store.neighbours(['U1', 'PAL1', 'L1'], 'up');
      expect(u1?.flows.map((f) => `${f.op} ${f.result} ${f.item}`).sort()).toEqual(['OP-ASM pass M1', 'OP-ASM pass SA1']);
      expect(pal?.packed).toEqual(['CASE1']);
      expect(l1).toEqual({ from: 'L1', flows: [], packed: [], shipments: [] });
    });

    it('itemStatus: inspections and whether it was shipped itself', async () => {
      const s = await store.itemStatus(['U2', 'PAL1', 'L1', 'NOPE']);
      const by = Object.fromEntries(s.map((x) => [x.id, x]));
      expect(Object.keys(by).sort()).toEqual(['L1', 'PAL1', 'U2']);
      expect(by.U2).toEqual({
        id: 'U2',
        kind: 'unit',
        container: false,
        inspections: [{ result: 'fail', eventTime: at(22) }],
        shipped: false,
        held: false,
      });
      expect(by.PAL1).toMatchObject({ container: true, inspections: [], shipped: true });
      expect(by.L1).toMatchObject({ kind: 'lot', shipped: false });
    });

    it('readings of one equipment within string bounds', async () => {
      const r = await store.readings('MIXER-1', at(10), at(15));
      expect(r.map((x) => x.value).sort()).toEqual([60, 64]);
      expect(r[0]).toMatchObject({ parameter: 'temperature', uom: 'Cel' });
      expect(await store.readings('NO-SUCH', at(0), at(100))).toEqual([]);
    });

    it('qualityFacts: operations in the window with their flows, their outputs inspections, and all maintenance', async () => {
      const q = await store.qualityFacts(at(16), at(100));
      expect(q.operations.map((o) => o.id).sort()).toEqual(['OP-ASM', 'OP-SA']);
      expect(
        q.flows
          .filter((f) => f.op === 'OP-ASM' && f.direction === 'out')
          .map((f) => f.item)
          .sort(),
      ).toEqual(['U1', 'U2']);
      expect(q.inspections.map((i) => `${i.item} ${i.result}`).sort()).toEqual(['U1 pass', 'U2 fail']);
      expect(q.maintenance).toEqual([
        { id: 'm1', equipment: 'MIXER-1', type: 'calibration', startTime: at(4), endTime: at(5), result: null },
      ]);
    });
  });
}
