/**
 * The interlock's item view on the embedded store comes from its in-memory indexes (no query queued
 * behind the write batch). It must say what the graph says: checked here against the same view as
 * Cypher queries after each kind of change (operations in and out, inspections with defects, holds
 * placed, extended and released, writes after the first question, a store reopened).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { KuzuStore } from '../../cypher/kuzu/adapter.ts';
import type { ItemProgress } from '../../cypher/port.ts';
import { ev } from '../helpers/events.ts';
import { tempDir } from '../helpers/stores.ts';

const stores: KuzuStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

async function open(dir = tempDir()) {
  const store = await KuzuStore.open({ dataDir: dir, bufferMb: 64 });
  stores.push(store);
  return { store, dir };
}

/** Order-free form: the two views may list rows in another order. */
function canonical(p: ItemProgress) {
  return {
    operations: p.operations.map((o) => ({ ...o, endTime: Date.parse(o.endTime) })).sort((a, b) => a.id.localeCompare(b.id)),
    inspections: p.inspections
      .map((i) => ({ ...i, eventTime: Date.parse(i.eventTime) }))
      .sort((a, b) => a.eventTime - b.eventTime || a.result.localeCompare(b.result)),
    holds: [...p.holds].sort((a, b) => a.id.localeCompare(b.id)),
  };
}

async function same(store: KuzuStore, ids: string[]) {
  for (const id of ids)
    expect(canonical(await store.itemProgress(id)), id).toEqual(canonical(await store.itemProgressInCypher(id)));
}

const ITEMS = ['PCB-LOT', 'BRD-1', 'BRD-2', 'UNIT-1', 'NOBODY'];

describe('interlock item view from memory (embedded store)', () => {
  it('matches the Cypher view after operations, inspections and hold changes, before and after the first question', async () => {
    const { store, dir } = await open();
    await store.applyEvents([
      ev({
        kind: 'operation',
        eventId: 'm-1',
        operationId: 'OP-M-1',
        step: 'print',
        station: 'S',
        inputs: [{ id: 'PCB-LOT' }],
        outputs: [
          { id: 'BRD-1', type: 'unit' },
          { id: 'BRD-2', type: 'unit' },
        ],
      }),
      ev({ kind: 'inspection', eventId: 'm-2', id: 'BRD-1', result: 'fail', defects: ['TOMBSTONE', 'BRIDGE, 2 pins'] }),
    ]);
    await store.placeHold({ id: 'H-M-1', items: ['BRD-1'], reason: 'first', by: 'qe', at: '2026-03-05T08:00:00.000Z' });
    await same(store, ITEMS); // loads the indexes

    // Everything after the first question reaches the in-memory view too.
    await store.applyEvents([
      ev({
        kind: 'operation',
        eventId: 'm-3',
        operationId: 'OP-M-3',
        step: 'reflow',
        station: 'S',
        inputs: [{ id: 'BRD-1' }],
        outputs: [],
        result: 'fail',
      }),
      ev({ kind: 'inspection', eventId: 'm-4', id: 'BRD-1', result: 'pass' }),
      ev({ kind: 'inspection', eventId: 'm-5', id: 'BRD-2', result: 'fail', defects: ['VOID'] }),
      ev({
        kind: 'operation',
        eventId: 'm-6',
        operationId: 'OP-M-6',
        step: 'final-assembly',
        station: 'S',
        inputs: [{ id: 'BRD-2' }],
        outputs: [{ id: 'UNIT-1', type: 'unit' }],
      }),
    ]);
    await store.placeHold({ id: 'H-M-2', items: ['BRD-2'], reason: 'second', by: 'qe', at: '2026-03-05T09:00:00.000Z' });
    expect(await store.addToHold('H-M-1', ['BRD-2', 'UNIT-1'])).toEqual(['BRD-2', 'UNIT-1']);
    await same(store, ITEMS);
    const brd2 = await store.itemProgress('BRD-2');
    expect(brd2.holds.map((h) => h.id).sort()).toEqual(['H-M-1', 'H-M-2']);
    expect(brd2.inspections).toEqual([expect.objectContaining({ result: 'fail', defects: ['VOID'] })]);
    expect((await store.itemProgress('BRD-1')).inspections.map((i) => i.defects)).toEqual(
      expect.arrayContaining([['TOMBSTONE', 'BRIDGE, 2 pins'], []]),
    );

    // Releasing one hold leaves the other on the same item.
    await store.releaseHold({ id: 'H-M-1', by: 'qe', at: '2026-03-05T10:00:00.000Z', meaning: 'ok' });
    await same(store, ITEMS);
    expect((await store.itemProgress('BRD-2')).holds).toEqual([{ id: 'H-M-2', reason: 'second' }]);
    expect((await store.itemProgress('BRD-1')).holds).toEqual([]);

    // Reopened: read afresh from the graph.
    await store.close();
    stores.splice(stores.indexOf(store), 1);
    const again = (await open(dir)).store;
    await same(again, ITEMS);
    expect((await again.itemProgress('BRD-2')).holds).toEqual([{ id: 'H-M-2', reason: 'second' }]);
  });
});
