/**
 * The batched record reads of the GraphStore port (itemRecords, itemsReceived), on every backend:
 * one batch answers what itemRecord answers id by id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphStore, ItemRecord } from '../../cypher/port.ts';
import { backends } from '../helpers/stores.ts';
import { at } from '../helpers/events.ts';
import { historyPlant } from '../helpers/history-plant.ts';

const IDS = ['U1', 'U2', 'L1', 'L2', 'M1', 'SA1', 'CASE1', 'PAL1'];

/** A record with its lists in one order, to compare two reads of the same item. */
function sorted(r: ItemRecord): ItemRecord {
  const by = <T>(xs: T[]) => [...xs].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  return {
    item: r.item,
    operations: by(r.operations),
    flows: by(r.flows),
    inspections: by(r.inspections),
    containers: by(r.containers),
    shipments: by(r.shipments),
  };
}

for (const backend of backends()) {
  describe.skipIf(backend.skip)(`GraphStore batched records on ${backend.name}`, () => {
    let store: GraphStore;
    beforeAll(async () => {
      store = await backend.open();
      await store.applyEvents(historyPlant());
    });
    afterAll(() => backend.release());

    it('itemRecords answers, for a batch, what itemRecord answers for each id; unknown ids are left out', async () => {
      const batch = await store.itemRecords(['NOPE', ...IDS, 'U1']);
      expect(batch.map((r) => r.item.id)).toEqual(IDS);
      for (const r of batch) {
        const one = await store.itemRecord(r.item.id);
        expect(sorted(r), r.item.id).toEqual(sorted(one!));
      }
      // Not empty records: the batch carries the unit's whole story.
      const u1 = batch.find((r) => r.item.id === 'U1')!;
      expect(u1.operations.map((o) => o.id)).toEqual(['OP-ASM']);
      expect(u1.containers.map((c) => `${c.child}>${c.parent}`).sort()).toEqual(['CASE1>PAL1', 'U1>CASE1']);
      expect(u1.shipments.map((s) => s.shipment)).toEqual(['SHP1']);
      expect(batch.find((r) => r.item.id === 'U2')!.inspections[0]!.defects).toEqual(['D-SEAL']);
      expect(await store.itemRecords([])).toEqual([]);
    });

    it('after an error declaration (the embedded store answers flows from its trace index) the batch still answers as itemRecord', async () => {
      const sa = historyPlant().find((e) => e.eventId === 'sa')!;
      const declared = { ...sa, errorDeclaration: { declarationTime: at(100), reason: 'incorrect_data' } };
      expect((await store.applyEvents([declared])).voided).toBe(1);
      const batch = await store.itemRecords(IDS);
      for (const r of batch) expect(sorted(r), r.item.id).toEqual(sorted((await store.itemRecord(r.item.id))!));
      // The declared operation's edges are gone from both: SA1 was made by nothing and went into OP-ASM only.
      const sa1 = batch.find((r) => r.item.id === 'SA1')!;
      expect(sa1.operations.map((o) => o.id)).toEqual(['OP-ASM']);
      expect(sa1.flows.filter((f) => f.op === 'OP-SA')).toEqual([]);
    });

    it('itemsReceived: the items whose receive event lies in the window, compared in UTC', async () => {
      expect(await store.itemsReceived(at(0), at(100))).toEqual(['L1', 'L2']);
      expect(await store.itemsReceived(at(2), at(100))).toEqual(['L2']);
      expect(await store.itemsReceived(at(1), at(1))).toEqual(['L1']);
      // The same instant written with another offset.
      const t1 = new Date(at(1));
      const plus2 = new Date(t1.getTime() + 2 * 3_600_000).toISOString().replace('Z', '+02:00');
      expect(await store.itemsReceived(plus2, plus2)).toEqual(['L1']);
      expect(await store.itemsReceived(at(3), at(100))).toEqual([]);
    });
  });
}
