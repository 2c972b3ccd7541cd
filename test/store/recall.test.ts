/**
 * Recall scope, trace quantities, mass balance, traceback events and saved recalls: the same
 * answers on every backend.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphStore, RecallCriteria } from '../../cypher/port.ts';
import { freezeScope } from '../../cypher/recall.ts';
import { backends } from '../helpers/stores.ts';
import { at, ev } from '../helpers/events.ts';
import { recallPlant } from './recall-fixtures.ts';

for (const backend of backends()) {
  describe.skipIf(backend.skip)(`recall scope and quantities on ${backend.name}`, () => {
    let store: GraphStore;
    beforeAll(async () => {
      store = await backend.open();
      await store.applyEvents(recallPlant());
    });
    afterAll(() => backend.release());

    const units = async (c: RecallCriteria) => (await store.recallScope(c)).units;

    it('recallScope from a supplier lot counts units, lots, shipments, customers, stock, and the naive scope it spares', async () => {
      const s = await store.recallScope({ supplierLots: ['L1'] });
      expect(s.units).toEqual(['U1', 'U2', 'U5']);
      expect(s.lots).toEqual(['L1', 'M1', 'M3']);
      expect(s.containers).toEqual(['CASE1']);
      expect(s.shipments).toEqual([
        { shipment: 'SHP1', customer: 'CUST-A', units: 1 },
        { shipment: 'SHP2', customer: 'CUST-B', units: 1 },
      ]);
      expect(s.customers).toEqual(['CUST-A', 'CUST-B']);
      expect(s.shippedUnits).toEqual(['U1', 'U5']);
      expect(s.counts).toEqual({
        units: 3,
        finishedUnits: 3,
        subAssemblies: 0,
        lots: 3,
        shipments: 2,
        customers: 2,
        inStock: 1,
        shipped: 2,
      });
      expect(s.unmatched).toEqual([]);
      // Without genealogy: every RCP-A unit made at ASM-1 from minute 30 to 50 (U1..U5).
      expect(s.naive.units).toBe(5);
      expect(s.naive.description).toContain('ASM-1');
      expect(s.precision).toBeCloseTo(0.6);
      expect(s.spared).toBe(2);
    });

    it('recallScope by material, equipment window, out-of-spec parameter, operator and defect code', async () => {
      expect(await units({ material: 'hardener' })).toEqual(['U1', 'U2', 'U3', 'U4', 'U5']);
      expect(await units({ equipment: { id: 'MIXER-1', from: at(18), to: at(30) } })).toEqual(['U3', 'U4']);
      expect(await units({ parameter: { equipmentId: 'MIXER-1', name: 'temperature', min: 55, max: 70 } })).toEqual(['U3', 'U4']);
      expect(await units({ parameter: { name: 'temperature', max: 90 } })).toEqual([]);
      expect(await units({ operator: 'OPR-2' })).toEqual(['U1', 'U2', 'U5']);
      expect(await units({ defectCode: 'D-SEAL' })).toEqual(['U3']);
    });

    it('recallScope combines criteria with AND and narrows by production date', async () => {
      expect(await units({ supplierLots: ['L3'], operator: 'OPR-3' })).toEqual(['U3', 'U4']);
      expect(await units({ supplierLots: ['L3'], from: at(35) })).toEqual(['U3', 'U4', 'U5']);
      expect(await units({ supplierLots: ['L3'], from: at(35), to: at(45) })).toEqual(['U3', 'U4']);
    });

    it('recallScope refuses criteria without a suspect and dates that are not dates', async () => {
      await expect(store.recallScope({ from: at(0) })).rejects.toMatchObject({ code: 'BAD_INPUT' });
      await expect(store.recallScope({ supplierLots: ['L1'], from: 'yesterday' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    });

    it('traceQuantities says how much of each lot went into each output and how many units each shipment carried', async () => {
      const t = await store.traceQuantities(['L1'], 'forward');
      expect(t.flows).toEqual([
        { from: 'L1', operation: 'OP-mix1', to: 'M1', qty: 60, uom: 'kg', outQty: 70, outUom: 'kg' },
        { from: 'L1', operation: 'OP-mix3', to: 'M3', qty: 5, uom: 'lb', outQty: 2, outUom: 'kg' },
        { from: 'M1', operation: 'OP-asm1', to: 'U1', qty: 10, uom: 'kg', outQty: 1, outUom: 'ea' },
        { from: 'M1', operation: 'OP-asm1', to: 'U2', qty: 10, uom: 'kg', outQty: 1, outUom: 'ea' },
        { from: 'M1', operation: 'OP-asm3', to: 'U5', qty: 5, uom: 'kg', outQty: 1, outUom: 'ea' },
      ]);
      expect(t.shipments).toEqual([
        { shipment: 'SHP1', customer: 'CUST-A', units: 1 },
        { shipment: 'SHP2', customer: 'CUST-B', units: 1 },
      ]);
      const back = await store.traceQuantities(['U3'], 'backward');
      expect(back.flows.map((f) => `${f.from}>${f.to}:${f.qty}`)).toEqual(['L2>M2:80', 'L3>M2:45', 'M2>U3:10']);
      expect(back.shipments).toEqual([]);
    });

    it('massBalance flags a lot that consumed more than it received and a consumption in another unit', async () => {
      const [l1, l2, l3, m1, none] = await store.massBalance(['L1', 'L2', 'L3', 'M1', 'NOPE']);
      expect(none).toBeUndefined();
      expect(l2).toEqual({
        lot: 'L2',
        received: 100,
        source: 'received',
        uom: 'kg',
        consumed: 80,
        remaining: 20,
        unquantified: 0,
        discrepancy: false,
        reasons: [],
      });
      expect(l1).toMatchObject({ received: 100, consumed: 60, remaining: 40, discrepancy: true });
      expect(l1!.reasons[0]).toMatch(/5 lb .*kg/);
      expect(l3).toMatchObject({ received: 50, consumed: 55, remaining: -5, discrepancy: true });
      expect(l3!.reasons[0]).toMatch(/consumed 55 kg but only 50 kg received/);
      expect(m1).toMatchObject({ received: 70, source: 'produced', consumed: 15, remaining: 55, discrepancy: false });
    });

    it('traceEvents lists the live events of a trace, with the containers a backward trace was packed in', async () => {
      expect(await store.traceEvents(['U3'], 'backward')).toEqual(['asm2', 'i3', 'mix1', 'mix2', 'p1', 'r2', 'r3', 's1']);
      expect(await store.traceEvents(['M3'], 'forward')).toEqual(['mix3']);
      expect(await store.traceEvents(['NOPE'], 'backward')).toEqual([]);
    });

    it('saveRecall keeps a draft with its criteria, counts and frozen scope; listRecalls returns it; its status moves on', async () => {
      const criteria: RecallCriteria = { supplierLots: ['L1'] };
      const scope = await store.recallScope(criteria);
      const saved = await store.saveRecall({
        name: 'L1 resin',
        criteria,
        counts: scope.counts,
        scope: freezeScope(scope),
        createdBy: 'qe@plant',
      });
      expect(saved.id).toMatch(/^RCL-/);
      expect(saved.status).toBe('draft');
      expect(saved.scope).toEqual({
        units: ['U1', 'U2', 'U5'],
        lots: ['L1', 'M1', 'M3'],
        containers: ['CASE1'],
        shipments: [
          { shipment: 'SHP1', customer: 'CUST-A', units: 1 },
          { shipment: 'SHP2', customer: 'CUST-B', units: 1 },
        ],
        customers: [
          { customer: 'CUST-A', units: 1 },
          { customer: 'CUST-B', units: 1 },
        ],
      });
      expect(await store.listRecalls()).toEqual([saved]);
      expect(await store.setRecallStatus(saved.id, 'approved')).toEqual({ ...saved, status: 'approved' });
      expect(await store.listRecalls()).toEqual([{ ...saved, status: 'approved' }]);
      await expect(store.setRecallStatus('RCL-nope', 'closed')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });
  });

  describe.skipIf(backend.skip)(`recall scope after new events on ${backend.name}`, () => {
    let store: GraphStore;
    beforeAll(async () => {
      store = await backend.open();
      await store.applyEvents(recallPlant());
    });
    afterAll(() => backend.release());

    const asm4 = {
      kind: 'operation' as const,
      eventId: 'asm4',
      eventTime: at(55),
      operationId: 'OP-asm4',
      step: 'assembly',
      station: 'ASM-1',
      recipeId: 'RCP-A',
      inputs: [{ id: 'M1', qty: 1, uom: 'kg' }],
      outputs: [{ id: 'U6', type: 'unit' as const, qty: 1, uom: 'ea' }],
    };

    it('recallScope asked again with the same criteria sees units made, shipped and declared in error since', async () => {
      const criteria: RecallCriteria = { supplierLots: ['L1'] };
      const [a, b] = await Promise.all([store.recallScope(criteria), store.recallScope({ supplierLots: ['L1'] })]);
      expect(a).toEqual(b);
      expect(a.units).toEqual(['U1', 'U2', 'U5']);
      expect(a.shippedUnits).toEqual(['U1', 'U5']);

      await store.applyEvents([
        ev(asm4),
        ev({ kind: 'ship', eventId: 's3', eventTime: at(80), shipmentId: 'SHP3', items: ['U2'], customer: 'CUST-C' }),
      ]);
      const after = await store.recallScope(criteria);
      expect(after.units).toEqual(['U1', 'U2', 'U5', 'U6']);
      expect(after.shippedUnits).toEqual(['U1', 'U2', 'U5']);
      expect(after.customers).toEqual(['CUST-A', 'CUST-B', 'CUST-C']);

      await store.applyEvents([ev({ ...asm4, errorDeclaration: { declarationTime: at(90), reason: 'incorrect_data' } })]);
      expect((await store.recallScope(criteria)).units).toEqual(['U1', 'U2', 'U5']);
    });
  });

  describe.skipIf(backend.skip)(`trace quantities and events after a correction on ${backend.name}`, () => {
    afterAll(() => backend.release());

    it('an operation declared in error after it was stored leaves traceQuantities and traceEvents; its correction and a top-up count', async () => {
      const s = await backend.open();
      const plant = recallPlant();
      await s.applyEvents(plant);
      const mix1 = plant.find((e) => e.eventId === 'mix1')!;
      const mix = (eventId: string, inputs: { id: string; qty: number; uom: string }[], qty: number) =>
        ev({
          kind: 'operation',
          eventId,
          eventTime: at(81),
          operationId: 'OP-mix1b',
          step: 'mix',
          station: 'MIX-1',
          inputs,
          outputs: [{ id: 'M1', type: 'lot', qty, uom: 'kg' }],
        });
      const r = await s.applyEvents([
        { ...mix1, errorDeclaration: { declarationTime: at(80), reason: 'incorrect_data' } },
        mix('mix1b', [{ id: 'L1', qty: 61, uom: 'kg' }], 70),
      ]);
      expect(r).toMatchObject({ applied: 1, voided: 1 });
      // A second event on the same operation: two edges L1 -> OP-mix1b and two OP-mix1b -> M1.
      await s.applyEvents([mix('mix1b-topup', [{ id: 'L1', qty: 2, uom: 'kg' }], 2)]);

      const t = await s.traceQuantities(['L1'], 'forward');
      expect(t.flows.filter((f) => f.to === 'M1').map((f) => [f.operation, f.qty, f.outQty])).toEqual([
        ['OP-mix1b', 2, 2],
        ['OP-mix1b', 2, 70],
        ['OP-mix1b', 61, 2],
        ['OP-mix1b', 61, 70],
      ]);
      expect(t.flows.map((f) => `${f.from}>${f.operation}>${f.to}`)).not.toContain('L1>OP-mix1>M1');
      expect(await s.traceEvents(['L1'], 'forward')).toEqual([
        'asm1',
        'asm3',
        'mix1b',
        'mix1b-topup',
        'mix3',
        'p1',
        'r1',
        's1',
        's2',
      ]);
      expect(await s.traceEvents(['L3'], 'forward')).not.toContain('mix1');
      expect((await s.traceQuantities(['M1'], 'backward')).flows.map((f) => f.from)).toEqual(['L1', 'L1', 'L1', 'L1']);

      // Voiding the first of the two events leaves the top-up's quantities on the operation.
      const declared = { declarationTime: at(82), reason: 'incorrect_data' };
      const again = mix('mix1b', [{ id: 'L1', qty: 61, uom: 'kg' }], 70);
      expect(await s.applyEvents([{ ...again, errorDeclaration: declared }])).toMatchObject({ voided: 1 });
      expect((await s.traceQuantities(['M1'], 'backward')).flows).toEqual([
        { from: 'L1', operation: 'OP-mix1b', to: 'M1', qty: 2, uom: 'kg', outQty: 2, outUom: 'kg' },
      ]);
    });
  });
}

/**
 * A board made at a printer, then worked on in place by an oven (the board goes in, nothing new
 * comes out), then assembled: the oven's window, parameter and operator find the board and what was
 * made from it; the traces stay as they were (no unit made from itself).
 */
function inPlacePlant() {
  const operation = (id: string, minutes: [number, number], inputs: string[], outputs: string[], extra: object) =>
    ev({
      kind: 'operation',
      eventId: id,
      eventTime: at(minutes[1]),
      startTime: at(minutes[0]),
      operationId: `OP-${id}`,
      step: id,
      station: `ST-${id}`,
      inputs: inputs.map((i) => ({ id: i })),
      outputs: outputs.map((o) => ({ id: o, type: 'unit' as const })),
      ...extra,
    });
  const reading = (id: string, minute: number, value: number) =>
    ev({ kind: 'reading', eventId: id, eventTime: at(minute), equipmentId: 'OVEN-1', parameter: 'zone3', value, uom: 'Cel' });
  return [
    ev({
      kind: 'receive',
      eventId: 'r-pcb',
      eventTime: at(0),
      lot: 'PCB-LOT',
      material: 'bare PCB rev C',
      qty: 10,
      uom: 'ea',
      supplier: 'S',
      supplierLot: 'SL-PCB-7',
    }),
    operation('print1', [1, 2], ['PCB-LOT'], ['B1'], { equipmentId: 'PRINTER-1' }),
    operation('print2', [2, 3], ['PCB-LOT'], ['B2'], { equipmentId: 'PRINTER-1' }),
    operation('reflow1', [3, 5], ['B1'], [], { equipmentId: 'OVEN-1', operatorId: 'OPR-OVEN' }),
    operation('reflow2', [8, 10], ['B2'], [], { equipmentId: 'OVEN-1' }),
    reading('t1', 4, 220),
    reading('t2', 7, 240),
    reading('t3', 11, 221),
    operation('assy1', [12, 13], ['B1'], ['P1'], { equipmentId: 'ASSY-1' }),
    operation('assy2', [13, 14], ['B2'], ['P2'], { equipmentId: 'ASSY-1' }),
    ev({ kind: 'inspection', eventId: 'aoi2', eventTime: at(11), id: 'B2', result: 'fail', defects: ['COLD'] }),
  ];
}

for (const backend of backends()) {
  describe.skipIf(backend.skip)(`operations that work on a unit in place on ${backend.name}`, () => {
    let store: GraphStore;
    beforeAll(async () => {
      store = await backend.open();
      await store.applyEvents(inPlacePlant());
    });
    afterAll(() => backend.release());
    const units = async (c: RecallCriteria) => (await store.recallScope(c)).units;

    it('recallScope by the equipment window, the out-of-spec parameter and the operator finds the unit worked on in place and what was made from it', async () => {
      expect(await units({ equipment: { id: 'OVEN-1', from: at(6), to: at(9) } })).toEqual(['B2', 'P2']);
      expect(await units({ equipment: { id: 'OVEN-1' } })).toEqual(['B1', 'B2', 'P1', 'P2']);
      expect(await units({ parameter: { equipmentId: 'OVEN-1', name: 'zone3', min: 215, max: 225 } })).toEqual(['B2', 'P2']);
      expect(await units({ operator: 'OPR-OVEN' })).toEqual(['B1', 'P1']);
    });

    it('traces do not change: a unit worked on in place is not made from itself', async () => {
      expect((await store.traceForward(['B1'])).units).toEqual(['P1']);
      expect(await store.traceBackward(['P1'])).toMatchObject({ units: ['B1'], lots: ['PCB-LOT'] });
      expect((await store.traceForward(['PCB-LOT'])).units).toEqual(['B1', 'B2', 'P1', 'P2']);
    });

    it("recallScope resolves the supplier's own lot number to its lot, and counts finished units and sub-assemblies apart", async () => {
      const s = await store.recallScope({ supplierLots: ['SL-PCB-7'] });
      expect(s.units).toEqual(['B1', 'B2', 'P1', 'P2']);
      expect(s.supplierLotNumbers).toEqual([{ supplierLot: 'SL-PCB-7', lots: ['PCB-LOT'] }]);
      expect(s.unmatched).toEqual([]);
      expect(s.counts).toMatchObject({ units: 4, finishedUnits: 2, subAssemblies: 2 });
    });

    it('recallScope says which criterion matched nothing and offers the close matches the graph holds', async () => {
      const miss = async (c: RecallCriteria) => {
        const s = await store.recallScope(c);
        expect(s.units).toEqual([]);
        return s.unmatched;
      };
      expect(await miss({ supplierLots: ['SL-PCB-8'] })).toEqual([
        { criterion: 'supplierLots', value: 'SL-PCB-8', suggestions: ['SL-PCB-7'] },
      ]);
      expect(await miss({ supplierLots: ['PCB-LO'] })).toEqual([
        { criterion: 'supplierLots', value: 'PCB-LO', suggestions: ['PCB-LOT'] },
      ]);
      expect(await miss({ material: 'bare PCB' })).toEqual([
        { criterion: 'material', value: 'bare PCB', suggestions: ['bare PCB rev C'] },
      ]);
      expect(await miss({ equipment: { id: 'OVEN-2' } })).toEqual([
        { criterion: 'equipment', value: 'OVEN-2', suggestions: ['OVEN-1'] },
      ]);
      expect(await miss({ operator: 'OPR-OVN' })).toEqual([
        { criterion: 'operator', value: 'OPR-OVN', suggestions: ['OPR-OVEN'] },
      ]);
      expect(await miss({ defectCode: 'cold' })).toEqual([{ criterion: 'defectCode', value: 'cold', suggestions: ['COLD'] }]);
      expect(await miss({ parameter: { equipmentId: 'OVEN-1', name: 'zone 3', max: 225 } })).toEqual([
        { criterion: 'parameter.name', value: 'zone 3', suggestions: ['zone3'] },
      ]);
      // Found, but nothing in the window: not unmatched.
      expect((await store.recallScope({ equipment: { id: 'OVEN-1', from: at(100) } })).unmatched).toEqual([]);
    });

    it('the quality facts carry the in-place operation and the inspection of the unit it worked on', async () => {
      const facts = await store.qualityFacts('', '\uffff');
      expect(facts.operations.map((o) => o.id)).toContain('OP-reflow2');
      expect(facts.inspections.map((i) => i.id)).toEqual(['aoi2']);
    });
  });
}
