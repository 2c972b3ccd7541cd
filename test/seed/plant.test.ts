import { describe, expect, it } from 'vitest';
import { CanonicalEvent, describeZodError, type CanonicalEventInput } from '../../core/events.ts';
import { generatePlant, plantShape, typicalSupplierLots, typicalUnits } from '../../ingest/seed/plant.ts';
import { buildFlowIndex, traceRef } from './reference.ts';

type Operation = Extract<CanonicalEventInput, { kind: 'operation' }>;
const plant = [...generatePlant({ units: 1000 })];
const operations = plant.filter((e): e is Operation => e.kind === 'operation');

describe('synthetic plant', () => {
  it('generates the same events for the same units and seed, and different ones for another seed', () => {
    const a = JSON.stringify([...generatePlant({ units: 300, seed: 7 })]);
    expect(JSON.stringify([...generatePlant({ units: 300, seed: 7 })])).toBe(a);
    expect(JSON.stringify([...generatePlant({ units: 300, seed: 8 })])).not.toBe(a);
  });

  it('yields only events that pass CanonicalEvent.parse', () => {
    const bad = plant.flatMap((e) => {
      const r = CanonicalEvent.safeParse(e);
      return r.success ? [] : [`${e.eventId}: ${describeZodError(r.error)}`];
    });
    expect(bad).toEqual([]);
  });

  it('numbers events seed-1, seed-2, ... with eventTime strictly increasing from 2026-01-01', () => {
    expect(plant[0]?.eventTime).toBe('2026-01-01T00:00:00Z');
    plant.forEach((e, i) => expect(e.eventId).toBe(`seed-${i + 1}`));
    const times = plant.map((e) => Date.parse(e.eventTime));
    expect(times.every((t, i) => i === 0 || t > times[i - 1]!)).toBe(true);
  });

  it('has the counts plantShape promises, and the reference plant shape at 1,000,000 units', () => {
    const shape = plantShape(1000);
    const count = (f: (e: CanonicalEventInput) => boolean) => plant.filter(f).length;
    expect(count((e) => e.kind === 'receive')).toBe(shape.supplierLots);
    expect(operations.filter((o) => o.step === 'mix')).toHaveLength(shape.mixes);
    expect(operations.filter((o) => o.step === 'assembly')).toHaveLength(shape.assemblyOps);
    const finished = new Set(operations.filter((o) => o.step === 'assembly').flatMap((o) => o.outputs.map((x) => x.id)));
    expect(finished.size).toBe(1000);
    expect(plantShape(1_000_000)).toMatchObject({ mixes: 20_000, assemblyOps: 200_000 });
    expect(plantShape(1_000_000).supplierLots).toBeGreaterThan(1900);
  });

  it('keeps a few of everything in a tiny plant', () => {
    const tiny = [...generatePlant({ units: 20 })];
    const steps = new Set(tiny.flatMap((e) => (e.kind === 'operation' ? [e.step] : [])));
    expect([...steps].sort()).toEqual(['assembly', 'merge', 'mix', 'split', 'subassembly']);
    expect(tiny.some((e) => e.kind === 'ship')).toBe(true);
  });

  it('reworks a few units: an operation with the same unit as input and output, after a failed inspection', () => {
    const rework = operations.filter(
      (o) => o.inputs.length === 1 && o.outputs.length === 1 && o.inputs[0]!.id === o.outputs[0]!.id,
    );
    expect(rework.length).toBeGreaterThan(5);
    expect(rework.length).toBeLessThan(100);
    const failed = new Set(plant.flatMap((e) => (e.kind === 'inspection' && e.result === 'fail' ? [e.id] : [])));
    expect(rework.every((o) => failed.has(o.inputs[0]!.id))).toBe(true);
  });

  it('splits mix lots into several sub-lots and merges sub-lots of different mixes', () => {
    const splitFrom = new Map<string, string>();
    for (const o of operations.filter((o) => o.step === 'split')) {
      expect(o.inputs).toHaveLength(1);
      expect(o.outputs.length).toBeGreaterThanOrEqual(2);
      for (const out of o.outputs) splitFrom.set(out.id, o.inputs[0]!.id);
    }
    const merges = operations.filter((o) => o.step === 'merge');
    expect(merges.length).toBeGreaterThan(0);
    for (const m of merges) {
      expect(m.outputs).toHaveLength(1);
      expect(new Set(m.inputs.map((i) => splitFrom.get(i.id))).size).toBe(m.inputs.length);
    }
  });

  it('puts operators, equipment and work orders on operations, and ships pallets and loose cases', () => {
    expect(operations.filter((o) => o.operatorId && o.equipmentId).length).toBeGreaterThan(operations.length / 2);
    expect(operations.some((o) => o.workOrder)).toBe(true);
    const shipped = plant.flatMap((e) => (e.kind === 'ship' ? e.items : []));
    expect(shipped.some((id) => id.startsWith('PAL-'))).toBe(true);
    expect(shipped.some((id) => id.startsWith('CASE-'))).toBe(true);
  });

  it('a typical supplier lot reaches finished units, and a typical shipped unit traces back to supplier lots', () => {
    const ix = buildFlowIndex(plant);
    const lots = typicalSupplierLots({ units: 1000 }, 4);
    expect(lots).toHaveLength(4);
    for (const lot of lots) {
      const fwd = traceRef(ix, [lot], 'forward');
      expect(fwd.units.filter((u) => u.startsWith('SN-')).length).toBeGreaterThan(50);
      expect(fwd.containers.length).toBeGreaterThan(0);
      expect(fwd.shipments.length).toBeGreaterThan(0);
      expect(fwd.customers.length).toBeGreaterThan(0);
    }
    const units = typicalUnits({ units: 1000 }, 4);
    expect(units).toHaveLength(4);
    for (const unit of units) {
      const back = traceRef(ix, [unit], 'backward');
      expect(back.lots.filter((l) => l.startsWith('LOT-R-')).length).toBeGreaterThanOrEqual(6);
      expect(back.units.some((u) => u.startsWith('SA-'))).toBe(true);
      // ... and forward it ends up in a case on a shipment to a customer.
      const fwd = traceRef(ix, [unit], 'forward');
      expect(fwd.containers.some((c) => c.startsWith('CASE-'))).toBe(true);
      expect(fwd.customers).toHaveLength(1);
    }
  });
});
