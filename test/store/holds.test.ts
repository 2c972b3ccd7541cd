/** Holds in the graph: the same behaviour on the embedded store and on Neo4j. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphStore } from '../../cypher/port.ts';
import { backends } from '../helpers/stores.ts';
import { op, pack, receive } from '../helpers/events.ts';

for (const backend of backends()) {
  describe.skipIf(backend.skip)(`holds on ${backend.name}`, () => {
    let store: GraphStore;
    beforeAll(async () => {
      store = await backend.open();
      await store.applyEvents([
        receive('r1', 'L1'),
        receive('r2', 'L2'),
        op('mix', ['L1'], ['M1']),
        op('asm', ['M1'], ['U1', 'U2'], 'unit'),
        op('asm2', ['L2'], ['U9'], 'unit'),
        pack('p1', 'CASE1', ['U1']),
      ]);
    });
    afterAll(() => backend.release());

    it('places an active hold on the given items and lists it', async () => {
      const h = await store.placeHold({
        id: 'H-1',
        items: ['L2'],
        reason: 'supplier notice',
        by: 'qe',
        at: '2026-03-01T08:00:00.000Z',
      });
      expect(h).toEqual({
        id: 'H-1',
        reason: 'supplier notice',
        status: 'active',
        placedBy: 'qe',
        placedAt: '2026-03-01T08:00:00.000Z',
        releasedBy: null,
        releasedAt: null,
        releaseMeaning: null,
        items: ['L2'],
      });
      expect(await store.holds({ item: 'L2' })).toEqual([h]);
      expect(await store.holds({ item: 'U9' })).toEqual([]);
    });

    it('holds everything downstream when asked', async () => {
      const h = await store.placeHold({
        id: 'H-2',
        items: ['L1'],
        reason: 'contamination',
        by: 'qe',
        at: '2026-03-01T09:00:00.000Z',
        includeDownstream: true,
      });
      expect(h.items).toEqual(['CASE1', 'L1', 'M1', 'U1', 'U2']);
      expect((await store.holds({ item: 'U1' })).map((x) => x.id)).toEqual(['H-2']);
      // newest first
      expect((await store.holds()).map((x) => x.id)).toEqual(['H-2', 'H-1']);
    });

    it('refuses unknown items and writes nothing', async () => {
      await expect(
        store.placeHold({ id: 'H-X', items: ['L1', 'NOPE'], reason: 'r', by: 'qe', at: '2026-03-01T10:00:00.000Z' }),
      ).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('NOPE') });
      expect(await store.holds({ id: 'H-X' })).toEqual([]);
    });

    it('releases an active hold once, recording who, when and the meaning', async () => {
      const r = await store.releaseHold({ id: 'H-1', by: 'qm', at: '2026-03-02T08:00:00.000Z', meaning: 'lot retested OK' });
      expect(r).toMatchObject({
        status: 'released',
        releasedBy: 'qm',
        releasedAt: '2026-03-02T08:00:00.000Z',
        releaseMeaning: 'lot retested OK',
        items: ['L2'],
      });
      expect((await store.holds({ status: 'active' })).map((x) => x.id)).toEqual(['H-2']);
      expect((await store.holds({ status: 'released' })).map((x) => x.id)).toEqual(['H-1']);
      await expect(
        store.releaseHold({ id: 'H-1', by: 'qm', at: '2026-03-02T09:00:00.000Z', meaning: 'again' }),
      ).rejects.toMatchObject({
        code: 'BAD_INPUT',
      });
      expect((await store.holds({ id: 'H-1' }))[0]!.releasedAt).toBe('2026-03-02T08:00:00.000Z');
      await expect(
        store.releaseHold({ id: 'H-404', by: 'qm', at: '2026-03-02T09:00:00.000Z', meaning: 'm' }),
      ).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    });

    it('leaves traces untouched: a hold is not a flow edge', async () => {
      expect((await store.traceForward(['L1'])).units).toEqual(['U1', 'U2']);
    });
    it('adds only new, known items to an active hold and refuses a released one', async () => {
      await store.placeHold({ id: 'H-ADD', items: ['L2'], reason: 'excursion', by: 'system', at: '2026-03-01T09:30:00.000Z' });
      // U9 is new to the hold, L2 is already in it, NOPE is not in the graph.
      expect(await store.addToHold('H-ADD', ['U9', 'L2', 'NOPE'])).toEqual(['U9']);
      expect((await store.holds({ id: 'H-ADD' }))[0]!.items).toEqual(['L2', 'U9']);
      await expect(store.addToHold('H-MISSING', ['U9'])).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await store.releaseHold({ id: 'H-ADD', by: 'qe', at: '2026-03-01T09:40:00.000Z', meaning: 'ok' });
      await expect(store.addToHold('H-ADD', ['U1'])).rejects.toMatchObject({ code: 'BAD_INPUT' });
    });
  });
}
