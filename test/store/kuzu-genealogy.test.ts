/**
 * The embedded store answers a genealogy's steps and statuses from its in-memory indexes; they
 * must say what the per-item Cypher queries say, on a plant with splits, rework, packing,
 * shipping, a voided event, an inspection with an offset time, and events written after open.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KuzuStore } from '../../cypher/kuzu/adapter.ts';
import type { ItemStatusFacts, NeighbourFacts } from '../../cypher/port.ts';
import { at, ev } from '../helpers/events.ts';
import { historyPlant } from '../helpers/history-plant.ts';
import { tempDir } from '../helpers/stores.ts';
import { recallPlant } from './recall-fixtures.ts';

const sortFacts = (facts: NeighbourFacts[]) =>
  facts.map((f) => ({
    ...f,
    flows: [...f.flows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    packed: [...f.packed].sort(),
    shipments: [...f.shipments].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
  }));
const sortStatus = (s: ItemStatusFacts[]) =>
  s.map((x) => ({ ...x, inspections: [...x.inspections].sort((a, b) => a.eventTime.localeCompare(b.eventTime)) }));

describe('genealogy reads from memory on the embedded store', () => {
  let store: KuzuStore;
  let dir: string;
  let ids: string[];

  beforeAll(async () => {
    dir = tempDir();
    store = await KuzuStore.open({ dataDir: dir });
    await store.applyEvents([...historyPlant(), ...recallPlant().map((e) => ({ ...e, eventId: `r-${e.eventId}` }))]);
    // Reopened: the indexes are read from the graph, then learn what is written after.
    await store.close();
    store = await KuzuStore.open({ dataDir: dir });
    await store.itemStatus(['U1']);
    await store.applyEvents([
      ev({
        kind: 'inspection',
        eventId: 'late-insp',
        eventTime: '2026-03-01T05:00:00+02:00',
        id: 'U1',
        result: 'fail',
        defects: ['X'],
      }),
      ev({
        kind: 'operation',
        eventId: 'late-op',
        eventTime: at(90),
        operationId: 'OP-LATE',
        step: 'rework',
        station: 'RW-1',
        result: 'fail',
        inputs: [{ id: 'U1', qty: 1, uom: 'ea' }],
        outputs: [{ id: 'U1', type: 'unit', qty: 1 }],
      }),
      ev({
        kind: 'operation',
        eventId: 'oven',
        eventTime: at(91),
        operationId: 'OP-OVEN',
        step: 'oven',
        station: 'OV',
        inputs: [{ id: 'U2' }],
        outputs: [],
      }),
    ]);
    // Holds placed after the index was read, one of them released: memory learns both.
    await store.placeHold({ id: 'H-G1', items: ['U1', 'L2'], reason: 'genealogy', by: 'test', at: at(92) });
    await store.placeHold({ id: 'H-G2', items: ['U2'], reason: 'genealogy', by: 'test', at: at(93) });
    await store.releaseHold({ id: 'H-G2', by: 'test', at: at(94), meaning: 'released' });
    const all = await store.traceForward(['L1', 'L2', 'L3', 'M1', 'U1', 'U2', 'PAL1']);
    ids = ['L1', 'L2', 'L3', 'M1', 'U1', 'U2', 'PAL1', 'CASE1', 'NOPE', ...all.lots, ...all.units, ...all.containers];
  });
  afterAll(async () => {
    await store?.close();
  });

  it('neighbours down and up are the rows the Cypher queries give', async () => {
    for (const d of ['down', 'up'] as const)
      expect(sortFacts(await store.neighbours(ids, d))).toEqual(sortFacts(await store.neighboursInCypher(ids, d)));
    const [u1] = await store.neighbours(['U1'], 'down');
    expect(u1!.flows).toContainEqual({
      op: 'OP-LATE',
      step: 'rework',
      result: 'fail',
      item: 'U1',
      qtyIn: 1,
      qtyOut: 1,
      uom: 'ea',
    });
    const [u2] = await store.neighbours(['U2'], 'down');
    expect(u2!.flows).toContainEqual({
      op: 'OP-OVEN',
      step: 'oven',
      result: null,
      item: null,
      qtyIn: null,
      qtyOut: null,
      uom: null,
    });
  });

  it('itemStatus is what the Cypher query gives, with times as stored', async () => {
    const mem = sortStatus(await store.itemStatus(ids));
    expect(mem).toEqual(sortStatus(await store.itemStatusInCypher(ids)));
    expect(mem.filter((s) => s.held).map((s) => s.id)).toEqual(
      ['U1', 'L2'].filter((id) => ids.includes(id)).sort((a, b) => ids.indexOf(a) - ids.indexOf(b)),
    );
    expect(mem.find((s) => s.id === 'U1')!.inspections).toContainEqual({
      result: 'fail',
      eventTime: '2026-03-01T05:00:00+02:00',
    });
  });
});
