/**
 * Rebuilding the embedded graph (what ingest and replay do when it reports damage after a crash):
 * the new database holds everything the old one had committed, the graph's own records included,
 * keeps taking writes, and the damaged files stay beside it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CanonicalEvent } from '../../core/events.ts';
import { KuzuStore } from '../../cypher/kuzu/adapter.ts';
import { PLANT, scan } from '../pipeline/fixtures.ts';
import { tempDir } from '../helpers/stores.ts';

const events = (xs: readonly unknown[]) => xs.map((e) => CanonicalEvent.parse(e));

describe('rebuilding the embedded graph', () => {
  it('carries over every committed event, trace, hold and spec, and keeps the damaged files', async () => {
    const dataDir = tempDir();
    const store = await KuzuStore.open({ dataDir, bufferMb: 64 });
    try {
      await store.applyEvents(events([...PLANT, ...Array.from({ length: 50 }, (_, i) => scan(i))]));
      const hold = await store.placeHold({
        id: 'H-1',
        items: ['LOT-A'],
        reason: 'suspect paste',
        by: 'qe',
        at: '2026-03-01T09:00:00.000Z',
      });
      const spec = await store.saveSpec({
        parameter: 'zone1_temp',
        equipmentId: 'OVEN-1',
        recipeId: null,
        lsl: 140,
        usl: 160,
        target: 150,
        uom: 'Cel',
        changedBy: 'eng',
        changedAt: '2026-03-01T08:00:00.000Z',
        reason: 'initial',
      });
      const before = await store.stats();
      const forward = await store.traceForward(['LOT-A']);

      const r = await store.rebuild();

      expect(r.carried).toBe(true);
      expect(existsSync(r.kept)).toBe(true);
      expect(r.kept).toBe(join(dataDir, 'graph.kuzu.damaged'));
      expect(await store.stats()).toEqual(before);
      expect(await store.traceForward(['LOT-A'])).toEqual(forward);
      expect(await store.holds()).toEqual([hold]);
      expect(await store.specs()).toEqual([spec]);
      // Known events stay known (applied once), new ones go in.
      expect(await store.applyEvents(events([scan(0), scan(50)]))).toMatchObject({ applied: 1, duplicates: 1 });
      expect((await store.stats()).events).toBe(before.events + 1);
    } finally {
      await store.close();
    }
    // And the rebuilt database is the one a later process opens.
    const again = await KuzuStore.open({ dataDir, bufferMb: 64 });
    try {
      expect((await again.holds()).map((h) => h.id)).toEqual(['H-1']);
      expect((await again.stats()).events).toBe(PLANT.length + 51);
    } finally {
      await again.close();
    }
  }, 120_000);
});
