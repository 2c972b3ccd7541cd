/** Equipment analytics and quality statistics count a unit where it was worked on in place, not only where it was made. */
import { describe, expect, it } from 'vitest';
import { equipmentCorrelation, processedItems, qualityStats } from '../../domain/analytics/quality.ts';
import type { FlowFacts, OperationFacts, QualityFacts } from '../../cypher/port.ts';
import { at } from '../helpers/events.ts';

const op = (id: string, equipment: string, start: number, end: number): OperationFacts => ({
  id,
  step: id.replace(/\d+$/, ''),
  station: `ST-${equipment}`,
  startTime: at(start),
  endTime: at(end),
  result: null,
  equipment,
  operator: null,
  recipe: null,
  workOrder: null,
});
const flow = (o: string, item: string, direction: 'in' | 'out', kind: 'lot' | 'unit' = 'unit'): FlowFacts => ({
  op: o,
  item,
  direction,
  qty: null,
  uom: null,
  kind,
  container: false,
});

// Two boards printed, both reflowed in place (no output); B2 fails inspection after the oven.
const facts: QualityFacts = {
  operations: [
    op('print1', 'PRINTER', 1, 2),
    op('print2', 'PRINTER', 2, 3),
    op('reflow1', 'OVEN', 3, 4),
    op('reflow2', 'OVEN', 4, 5),
  ],
  flows: [
    flow('print1', 'LOT', 'in', 'lot'),
    flow('print1', 'B1', 'out'),
    flow('print2', 'LOT', 'in', 'lot'),
    flow('print2', 'B2', 'out'),
    flow('reflow1', 'B1', 'in'),
    flow('reflow2', 'B2', 'in'),
  ],
  inspections: [
    {
      id: 'aoi',
      item: 'B2',
      result: 'fail',
      defects: ['COLD'],
      measurements: [],
      station: null,
      inspectorId: null,
      eventTime: at(6),
    },
  ],
  maintenance: [{ id: 'cal', equipment: 'OVEN', type: 'calibration', startTime: at(0), endTime: at(1), result: null }],
};

describe('work on a unit in place in the analytics', () => {
  it('an operation without outputs processes its inputs in place; one with outputs processes its outputs', () => {
    const rows = processedItems(facts, {}).map((r) => [r.op.id, r.item, r.inPlace, r.defective]);
    expect(rows).toEqual([
      ['print1', 'B1', false, false],
      ['print2', 'B2', false, true],
      ['reflow1', 'B1', true, false],
      ['reflow2', 'B2', true, true],
    ]);
  });

  it('equipmentCorrelation charges the oven with what it reflowed, dated from its calibration', () => {
    const oven = equipmentCorrelation(facts, { equipment: 'OVEN' })[0]!;
    expect(oven).toMatchObject({ equipment: 'OVEN', processed: 2, defective: 1 });
    expect(oven.sinceCalibration.map((b) => [b.label, b.processed])).toEqual([
      ['0-8h', 2],
      ['8-24h', 0],
      ['24-72h', 0],
      ['72-168h', 0],
      ['168h+', 0],
    ]);
  });

  it('qualityStats counts each unit once where it was made, and by equipment also where it was worked on', () => {
    const byEquipment = qualityStats(facts, { groupBy: 'EQUIPMENT', bucket: 'DAY' });
    expect(byEquipment).toMatchObject({ units: 2, defective: 1, defectPareto: [{ code: 'COLD', count: 1 }] });
    expect(byEquipment.groups.map((g) => [g.group, g.units, g.defective])).toEqual([
      ['OVEN', 2, 1],
      ['PRINTER', 2, 1],
    ]);
    const byShift = qualityStats(facts, { groupBy: 'SHIFT', bucket: 'DAY' });
    expect(byShift.groups.map((g) => [g.group, g.units])).toEqual([['night', 2]]);
    const reflow = qualityStats(facts, { groupBy: 'EQUIPMENT', bucket: 'DAY', step: 'reflow' });
    expect(reflow).toMatchObject({ units: 2, defective: 1, groups: [{ group: 'OVEN', units: 2 }] });
  });
});
