/**
 * The GraphStore contract: the same behaviour on every backend (embedded Kuzu and Neo4j).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../../core/events.ts';
import type { GraphStore, TraceResult } from '../../cypher/port.ts';
import { backends } from '../helpers/stores.ts';
import { ev, op, pack, receive, ship, shuffled } from '../helpers/events.ts';

/** A small plant with a split, a merge, a rework loop, two packing levels and two shipments. */
function plantA(): CanonicalEvent[] {
  return [
    receive('r1', 'L1'),
    receive('r2', 'L2', 'Borealis'),
    receive('r3', 'L3'),
    op('mix', ['L1', 'L2'], ['M1']),
    op('split', ['M1'], ['S1', 'S2']),
    op('merge', ['S2', 'L3'], ['G1']),
    op('asm1', ['S1'], ['U1', 'U2'], 'unit', { equipmentId: 'EQ-1', operatorId: 'OP-7' }),
    op('asm2', ['G1'], ['U3'], 'unit'),
    op('asm3', ['S1', 'U3'], ['U4'], 'unit'),
    op('rework', ['U2'], ['U2'], 'unit'),
    pack('p1', 'CASE1', ['U1', 'U2']),
    pack('p2', 'CASE2', ['U3']),
    pack('p3', 'PAL1', ['CASE1', 'CASE2']),
    ship('s1', 'SHP1', ['PAL1'], 'CUST-A'),
    ship('s2', 'SHP2', ['U4'], 'CUST-B'),
  ];
}

const none: TraceResult = { lots: [], units: [], containers: [], shipments: [], customers: [] };
const trace = (t: Partial<TraceResult>): TraceResult => {
  const out = { ...none, ...t };
  for (const k of Object.keys(out) as (keyof TraceResult)[]) out[k] = [...out[k]].sort();
  return out;
};

/** Every item's forward and backward trace: two graphs that answer all of these alike are alike for tracing. */
async function allTraces(store: GraphStore, ids: string[]): Promise<Record<string, [TraceResult, TraceResult]>> {
  const out: Record<string, [TraceResult, TraceResult]> = {};
  for (const id of ids) out[id] = [await store.traceForward([id]), await store.traceBackward([id])];
  return out;
}

const ITEMS_A = ['L1', 'L2', 'L3', 'M1', 'S1', 'S2', 'G1', 'U1', 'U2', 'U3', 'U4', 'CASE1', 'CASE2', 'PAL1'];

/** Diamonds: A_i splits into B_i and C_i, which merge into A_{i+1}: 2^n paths through 4n nodes. */
function diamonds(n: number): CanonicalEvent[] {
  const out: CanonicalEvent[] = [];
  for (let i = 0; i < n; i++) {
    out.push(op(`d-split-${i}`, [`A${i}`], [`B${i}`, `C${i}`]));
    out.push(op(`d-merge-${i}`, [`B${i}`, `C${i}`], [`A${i + 1}`]));
  }
  return out;
}

/** A chain of `steps` operations: 2 hops each (item -> operation -> item). */
function chain(steps: number): CanonicalEvent[] {
  return Array.from({ length: steps }, (_, i) => op(`c-${i}`, [`K${i}`], [`K${i + 1}`]));
}

for (const backend of backends()) {
  describe.skipIf(backend.skip)(`GraphStore contract on ${backend.name}`, () => {
    afterAll(() => backend.release());

    describe('a plant with splits, merges, rework and packing', () => {
      let store: GraphStore;
      beforeAll(async () => {
        store = await backend.open();
        await store.applyEvents(plantA());
      });

      it('traceForward from a supplier lot reaches every lot, unit, container, shipment and customer made from it', async () => {
        expect(await store.traceForward(['L1'])).toEqual(
          trace({
            lots: ['M1', 'S1', 'S2', 'G1'],
            units: ['U1', 'U2', 'U3', 'U4'],
            containers: ['CASE1', 'CASE2', 'PAL1'],
            shipments: ['SHP1', 'SHP2'],
            customers: ['CUST-A', 'CUST-B'],
          }),
        );
      });

      it('traceForward through a merge follows only the merged branch', async () => {
        expect(await store.traceForward(['L3'])).toEqual(
          trace({
            lots: ['G1'],
            units: ['U3', 'U4'],
            containers: ['CASE2', 'PAL1'],
            shipments: ['SHP1', 'SHP2'],
            customers: ['CUST-A', 'CUST-B'],
          }),
        );
      });

      it('traceForward from a reworked unit includes the unit itself (it was made from itself) and its containers', async () => {
        expect(await store.traceForward(['U2'])).toEqual(
          trace({ units: ['U2'], containers: ['CASE1', 'PAL1'], shipments: ['SHP1'], customers: ['CUST-A'] }),
        );
      });

      it('traceForward from a shipped unit lists its own shipment', async () => {
        expect(await store.traceForward(['U4'])).toEqual(trace({ shipments: ['SHP2'], customers: ['CUST-B'] }));
      });

      it('traceBackward from a unit reaches every lot and sub-assembly it was made from, not its container', async () => {
        expect(await store.traceBackward(['U4'])).toEqual(
          trace({ lots: ['S1', 'M1', 'L1', 'L2', 'G1', 'S2', 'L3'], units: ['U3'] }),
        );
      });

      it('traceBackward from a pallet reaches the cases, units and lots inside it', async () => {
        expect(await store.traceBackward(['PAL1'])).toEqual(
          trace({
            lots: ['S1', 'M1', 'L1', 'L2', 'G1', 'S2', 'L3'],
            units: ['U1', 'U2', 'U3'],
            containers: ['CASE1', 'CASE2'],
          }),
        );
      });

      it('a trace from several ids lists a start that another start leads to', async () => {
        const t = await store.traceForward(['L3', 'G1']);
        expect(t.lots).toEqual(['G1']);
      });

      it('answers a health ping', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
      });

      it('an unknown id traces to nothing', async () => {
        expect(await store.traceForward(['NOPE'])).toEqual(none);
        expect(await store.traceBackward(['NOPE'])).toEqual(none);
      });

      it('counts what it holds', async () => {
        const s = await store.stats();
        expect(s.events).toBe(15);
        expect(s.nodes.Item).toBe(14);
        expect(s.nodes.Operation).toBe(7);
        expect(s.nodes.Shipment).toBe(2);
        expect(s.relationships.PACKED_IN).toBe(5);
      });
    });

    it('the same eventId applied twice changes nothing', async () => {
      const once = await backend.open();
      const r1 = await once.applyEvents(plantA());
      expect(r1).toEqual({ applied: 15, duplicates: 0, voided: 0 });
      const before = await once.stats();
      const tracesBefore = await allTraces(once, ITEMS_A);
      const r2 = await once.applyEvents([...plantA(), ...plantA()]);
      expect(r2.applied).toBe(0);
      expect(r2.duplicates).toBe(30);
      expect(await once.stats()).toEqual(before);
      expect(await allTraces(once, ITEMS_A)).toEqual(tracesBefore);
    });

    it('events in any order, in any batches, build the same graph', async () => {
      const inOrder = await backend.open();
      await inOrder.applyEvents(plantA());
      const expected = { stats: await inOrder.stats(), traces: await allTraces(inOrder, ITEMS_A) };
      const mixed = await backend.open();
      const events = shuffled(plantA(), 11);
      for (let i = 0; i < events.length; i += 3) await mixed.applyEvents(events.slice(i, i + 3));
      expect({ stats: await mixed.stats(), traces: await allTraces(mixed, ITEMS_A) }).toEqual(expected);
    });

    it('an id named as an input before it is produced ends up with the kind its producer gives it', async () => {
      const s = await backend.open();
      await s.applyEvents([op('use', ['X1'], ['P1'], 'unit')]);
      await s.applyEvents([op('make', ['L9'], ['X1'], 'unit')]);
      expect(await s.traceBackward(['P1'])).toEqual(trace({ lots: ['L9'], units: ['X1'] }));
    });

    it('a chain of 30 diamonds (2^30 paths) is traced without enumerating paths', { timeout: 30_000 }, async () => {
      const s = await backend.open();
      await s.applyEvents(diamonds(30));
      const fwd = await s.traceForward(['A0']);
      expect(fwd.lots).toHaveLength(90);
      expect(fwd.lots).toContain('A30');
      const back = await s.traceBackward(['A30']);
      expect(back.lots).toHaveLength(90);
      expect(back.lots).toContain('A0');
    });

    it('a 150-step chain (300 hops) is traced to its end in both directions', async () => {
      const s = await backend.open();
      await s.applyEvents(chain(150));
      const fwd = await s.traceForward(['K0']);
      expect(fwd.lots).toHaveLength(150);
      expect(fwd.lots).toContain('K150');
      const back = await s.traceBackward(['K150']);
      expect(back.lots).toHaveLength(150);
      expect(back.lots).toContain('K0');
    });

    describe('error declarations', () => {
      const declared = () => ({
        ...op('split', ['M1'], ['S1', 'S2']),
        errorDeclaration: { declarationTime: '2026-03-02T00:00:00Z', reason: 'incorrect_data' },
      });

      it('an event declared in error stops counting in traces but stays in the record', async () => {
        const s = await backend.open();
        await s.applyEvents(plantA());
        const r = await s.applyEvents([declared()]);
        expect(r).toEqual({ applied: 0, duplicates: 0, voided: 1 });
        expect(await s.traceForward(['M1'])).toEqual(none);
        expect((await s.traceBackward(['S1'])).lots).toEqual([]);
        expect((await s.stats()).events).toBe(15);
        // declaring it again changes nothing
        expect(await s.applyEvents([declared()])).toEqual({ applied: 0, duplicates: 1, voided: 0 });
      });

      it('a declaration that arrives before the event it voids gives the same graph', async () => {
        const first = await backend.open();
        await first.applyEvents([declared()]);
        await first.applyEvents(plantA());
        const later = await backend.open();
        await later.applyEvents(plantA());
        await later.applyEvents([declared()]);
        expect(await allTraces(first, ITEMS_A)).toEqual(await allTraces(later, ITEMS_A));
        expect((await first.stats()).events).toBe(15);
      });

      it('a declared event and its correction in one batch leave only the correction', async () => {
        const s = await backend.open();
        const correction = op('split-fixed', ['M1'], ['S1']);
        await s.applyEvents([...plantA().filter((e) => e.eventId !== 'split'), declared(), correction]);
        expect((await s.traceForward(['M1'])).lots).toEqual(['S1']);
      });
    });

    describe('listings: prefix, filters and keyset pages', () => {
      let s: GraphStore;
      const lot = (id: string, lot: string, material: string, supplier: string, supplierLot?: string) =>
        ev({ kind: 'receive', eventId: id, lot, material, qty: 5, uom: 'kg', supplier, ...(supplierLot ? { supplierLot } : {}) });
      beforeAll(async () => {
        s = await backend.open();
        await s.applyEvents([
          ...plantA(),
          lot('rx1', 'LOT-P-01', 'solder paste SAC305', 'Indium', 'SL-4644841001'),
          lot('rx2', 'LOT-P-02', 'solder paste SAC305', 'Indium', 'SL-4644841002'),
          lot('rx3', 'LOT-P-03', 'Solder Paste SN100C', 'Kester', 'K-77'),
          lot('rx4', 'LOT-C-01', 'capacitor 10uF', 'Murata'),
          op('asm9', ['LOT-C-01'], ['U9'], 'unit', { equipmentId: 'ASM-2', operatorId: 'OP-9' }),
          ship('s3', 'SHP3', ['U9'], 'CUST-A'),
        ]);
        await s.saveRecall({
          name: 'paste',
          criteria: { supplierLots: ['LOT-P-01'] },
          counts: (await s.recallScope({ supplierLots: ['LOT-P-01'] })).counts,
          createdBy: null,
        });
      });
      const ids = (p: { nodes: { id: string }[] }) => p.nodes.map((n) => n.id);

      it('lots by prefix, in id order, a page at a time; units never listed', async () => {
        const all = await s.listLots({ first: 100 });
        expect(ids(all)).toEqual(['G1', 'L1', 'L2', 'L3', 'LOT-C-01', 'LOT-P-01', 'LOT-P-02', 'LOT-P-03', 'M1', 'S1', 'S2']);
        expect(all.hasNextPage).toBe(false);
        const p1 = await s.listLots({ prefix: 'LOT-P', first: 2 });
        expect(ids(p1)).toEqual(['LOT-P-01', 'LOT-P-02']);
        expect(p1.hasNextPage).toBe(true);
        expect(p1.nodes[0]).toEqual({
          id: 'LOT-P-01',
          material: 'solder paste SAC305',
          qty: 5,
          uom: 'kg',
          supplier: 'Indium',
          supplierLot: 'SL-4644841001',
        });
        const p2 = await s.listLots({ prefix: 'LOT-P', first: 2, after: 'LOT-P-02' });
        expect(ids(p2)).toEqual(['LOT-P-03']);
        expect(p2.hasNextPage).toBe(false);
        expect(ids(await s.listLots({ prefix: 'lot-p', first: 10 }))).toEqual([]); // ids are case-sensitive
      });

      it('lots by a part of their material, supplier or supplier lot number, case-insensitive', async () => {
        expect(ids(await s.listLots({ material: 'solder paste', first: 10 }))).toEqual(['LOT-P-01', 'LOT-P-02', 'LOT-P-03']);
        expect(ids(await s.listLots({ material: 'sac305', supplier: 'indium', first: 10 }))).toEqual(['LOT-P-01', 'LOT-P-02']);
        expect(ids(await s.listLots({ supplierLot: '4644841002', first: 10 }))).toEqual(['LOT-P-02']);
        expect(ids(await s.listLots({ supplier: 'Borealis', first: 10 }))).toEqual(['L2']);
        expect(ids(await s.listLots({ material: 'nothing like it', first: 10 }))).toEqual([]);
      });

      it('materials with their lot counts; equipment, operators, customers, shipments, recalls', async () => {
        expect((await s.listMaterials({ first: 10 })).nodes).toEqual([
          { material: 'Solder Paste SN100C', lots: 1 },
          { material: 'capacitor 10uF', lots: 1 },
          { material: 'resin', lots: 3 },
          { material: 'solder paste SAC305', lots: 2 },
        ]);
        const m = await s.listMaterials({ prefix: 's', first: 1 });
        expect(m).toEqual({ nodes: [{ material: 'solder paste SAC305', lots: 2 }], hasNextPage: false });
        expect(ids(await s.listEquipment({ first: 10 }))).toEqual(['ASM-2', 'EQ-1']);
        expect(await s.listEquipment({ first: 1 })).toEqual({ nodes: [{ id: 'ASM-2' }], hasNextPage: true });
        expect(ids(await s.listOperators({ prefix: 'OP-', first: 10, after: 'OP-7' }))).toEqual(['OP-9']);
        expect((await s.listCustomers({ first: 10 })).nodes).toEqual([
          { id: 'CUST-A', shipments: 2 },
          { id: 'CUST-B', shipments: 1 },
        ]);
        const shipments = await s.listShipments({ first: 10 });
        expect(shipments.nodes.map((x) => [x.id, x.customer])).toEqual([
          ['SHP1', 'CUST-A'],
          ['SHP2', 'CUST-B'],
          ['SHP3', 'CUST-A'],
        ]);
        expect(shipments.nodes[0]!.eventTime).toMatch(/^2026-/);
        expect(ids(await s.listShipments({ customer: 'CUST-A', first: 1 }))).toEqual(['SHP1']);
        expect(ids(await s.listShipments({ customer: 'CUST-A', first: 1, after: 'SHP1' }))).toEqual(['SHP3']);
        const recalls = await s.listRecallPage({ first: 10 });
        expect(recalls.nodes).toEqual([
          { id: expect.stringMatching(/^RCL-/), name: 'paste', status: 'draft', createdAt: expect.any(String) },
        ]);
        expect((await s.listRecallPage({ status: 'approved', first: 10 })).nodes).toEqual([]);
        expect((await s.listRecallPage({ prefix: 'RCL-', first: 10 })).nodes).toHaveLength(1);
      });
    });

    it('readings, inspections and maintenance are stored beside the flow', async () => {
      const s = await backend.open();
      await s.applyEvents([
        ev({ kind: 'reading', eventId: 'rd1', equipmentId: 'OVEN-1', parameter: 'zone1', value: 245, uom: 'Cel' }),
        ev({ kind: 'reading', eventId: 'rd2', equipmentId: 'OVEN-1', parameter: 'zone1', value: 245.5, uom: 'Cel' }),
        ev({
          kind: 'inspection',
          eventId: 'in1',
          id: 'U1',
          result: 'fail',
          defects: ['SOLDER-BRIDGE'],
          measurements: [{ name: 'x', value: 1.5 }],
        }),
        ev({ kind: 'maintenance', eventId: 'm1', equipmentId: 'OVEN-1', type: 'calibration', startTime: '2026-03-01T00:00:00Z' }),
        ev({ kind: 'scan', eventId: 'sc1', id: 'U1', station: 'AOI' }),
      ]);
      const st = await s.stats();
      expect(st.nodes.Reading).toBe(2);
      expect(st.nodes.Inspection).toBe(1);
      expect(st.nodes.Maintenance).toBe(1);
      expect(st.nodes.Equipment).toBe(1);
      expect(st.nodes.Item).toBe(1);
    });
  });
}
