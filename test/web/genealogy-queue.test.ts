/**
 * The genealogy page's graph on the embedded store does not wait behind writes: it asks the store
 * once per level, and each ask used to take a turn in the connection's queue, behind whatever
 * write batch the ingest had queued (on the live demo 5 to 35 s for a 130-node graph while the
 * plant ran). Once the in-memory caches are read, a genealogy answers while a write holds the
 * queue, and still sees every batch that was acknowledged before it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KuzuStore } from '../../cypher/kuzu/adapter.ts';
import type { KuzuConnection } from '../../cypher/kuzu/connection.ts';
import { buildGenealogy } from '../../domain/analytics/genealogy.ts';
import { at, ev } from '../helpers/events.ts';
import { historyPlant } from '../helpers/history-plant.ts';
import { tempDir } from '../helpers/stores.ts';

describe('genealogy while the store is writing', () => {
  let store: KuzuStore;

  beforeAll(async () => {
    store = await KuzuStore.open({ dataDir: tempDir() });
    await store.applyEvents(historyPlant());
  });
  afterAll(async () => {
    await store?.close();
  });

  /** Holds the connection's queue (as a long write batch does) until the returned function is called. */
  function holdQueue(): { release(): void; held: Promise<void> } {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const db = (store as unknown as { db: KuzuConnection }).db;
    const held = db.exclusive(() => gate);
    return { release, held };
  }

  /** `p`, or 'still waiting' if the held queue would have to be released for it to answer. */
  const unlessItWaits = <T>(p: Promise<T>): Promise<T | 'still waiting'> =>
    Promise.race([p, new Promise<'still waiting'>((r) => setTimeout(() => r('still waiting'), 20_000))]);

  it('answers while a write holds the queue, the same graph as before', async () => {
    // The first genealogy reads the caches in the queue.
    const before = await buildGenealogy(store, 'L1', 'DOWN', 10, 500);
    expect(before.nodes.length).toBeGreaterThan(3);
    const q = holdQueue();
    try {
      // An in-memory walk of a dozen nodes: it answers at once unless it waits for the queue.
      const during = await unlessItWaits(buildGenealogy(store, 'L1', 'DOWN', 10, 500));
      expect(during).toEqual(before);
      const up = await unlessItWaits(buildGenealogy(store, 'U1', 'BOTH', 10, 500));
      expect(up === 'still waiting' ? up : up.nodes.map((n) => n.ref)).toEqual(expect.arrayContaining(['U1', 'L1']));
    } finally {
      q.release();
      await q.held;
    }
  }, 60_000);

  it('sees a batch as soon as its write is acknowledged, and never half of one', async () => {
    const q = holdQueue();
    // Queued behind the held turn: not written yet, so not in the graph.
    const write = store.applyEvents([
      ev({
        kind: 'operation',
        eventId: 'q-test-op',
        eventTime: at(95),
        operationId: 'OP-QUEUE-TEST',
        step: 'burn-in',
        station: 'BI-1',
        inputs: [{ id: 'U1', qty: 1, uom: 'ea' }],
        outputs: [{ id: 'U1-BURNED', type: 'unit', qty: 1 }],
      }),
    ]);
    const refs = async () => (await buildGenealogy(store, 'U1', 'DOWN', 3, 500)).nodes.map((n) => n.ref);
    try {
      const during = await unlessItWaits(refs());
      expect(during).not.toBe('still waiting');
      expect(during).not.toContain('OP-QUEUE-TEST');
    } finally {
      q.release();
    }
    await q.held;
    await write;
    expect(await refs()).toEqual(expect.arrayContaining(['OP-QUEUE-TEST', 'U1-BURNED']));
  }, 60_000);

  it('a store warmed up at start answers its first genealogy while a write holds the queue', async () => {
    const dir = tempDir();
    const seed = await KuzuStore.open({ dataDir: dir });
    await seed.applyEvents(historyPlant());
    await seed.close();
    // Reopened: nothing read into memory yet, as when a server starts.
    const fresh = await KuzuStore.open({ dataDir: dir });
    try {
      await fresh.warmUp();
      const db = (fresh as unknown as { db: KuzuConnection }).db;
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      // The queue is first in, first out: any turn the genealogy took would come after this one.
      const held = db.exclusive(() => gate);
      try {
        const first = await unlessItWaits(buildGenealogy(fresh, 'L1', 'DOWN', 10, 500));
        expect(first === 'still waiting' ? first : first.nodes.length).toBeGreaterThan(3);
      } finally {
        release();
        await held;
      }
    } finally {
      await fresh.close();
    }
  }, 60_000);
});
