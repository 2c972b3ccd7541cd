import { describe, expect, it, afterAll } from 'vitest';
import { Pipeline, FROM_LOG } from '../../ingest/pipeline/pipeline.ts';
import { DeadLetterStore, listDeadLetters } from '../../ingest/pipeline/dead-letters.ts';
import { backends, tempDir } from '../helpers/stores.ts';
import { FlakyStore, PLANT, scan } from './fixtures.ts';
import type { GraphStore } from '../../cypher/port.ts';

const quiet = { warn: () => undefined, batchWindowMs: 20, retryMinMs: 10, retryMaxMs: 50 };

describe('dead letters', () => {
  it('keeps the reason and the raw payload, for every kind of bad input', async () => {
    const dir = tempDir();
    const p = new Pipeline({ dataDir: dir, store: new FlakyStore({} as GraphStore), ...quiet });
    await p.start();
    expect(await p.submit('mqtt:a', '{"kind": "scan", ')).toEqual({ accepted: 0, rejected: 1 });
    expect(await p.submit('mqtt:a', { ...scan(1), kind: 'teleport' })).toEqual({ accepted: 0, rejected: 1 });
    const { station: _s, ...noStation } = scan(2);
    expect(await p.submit('mqtt:b', JSON.stringify(noStation))).toEqual({ accepted: 0, rejected: 1 });
    expect(await p.submit('mqtt:b', [{ ...scan(3), eventTime: 12 }])).toEqual({ accepted: 0, rejected: 1 });
    await p.close();
    const letters = listDeadLetters(dir);
    expect(letters.map((d) => [d.source, d.reason])).toEqual([
      ['mqtt:a', expect.stringMatching(/^not valid JSON: /)],
      ['mqtt:a', expect.stringMatching(/^kind: unknown kind "teleport"/)],
      ['mqtt:b', expect.stringMatching(/^station: /)],
      ['mqtt:b', expect.stringMatching(/^\[0\] eventTime: /)],
    ]);
    expect(letters[0]!.raw).toBe('{"kind": "scan", ');
    expect(JSON.parse(letters[2]!.raw)).toEqual(noStation);
    expect(letters.every((d) => !Number.isNaN(Date.parse(d.at)))).toBe(true);
    expect(p.counters['mqtt:a']).toMatchObject({ accepted: 0, rejected: 2 });
    expect(p.deadLetters).toBe(4);
  });

  it('truncates an oversized payload on a character boundary and says so', async () => {
    const dir = tempDir();
    const d = await DeadLetterStore.open(dir, { maxRawBytes: 10 });
    await d.add('s', 'too big', 'ééééééééé'); // 18 bytes
    expect(await d.list()).toMatchObject([{ raw: 'ééééé', truncated: true }]);
    expect(d.count).toBe(1);
    await d.close();
  });
});

for (const backend of backends()) {
  describe.skipIf(backend.skip)(`pipeline on ${backend.name}`, () => {
    afterAll(() => backend.release());

    it('writes the valid events of a mixed message and dead-letters the rest; a redelivery is applied once', async () => {
      const store = await backend.open();
      const dir = tempDir();
      const p = new Pipeline({ dataDir: dir, store, ...quiet });
      await p.start();
      const message = JSON.stringify([PLANT[0], { kind: 'scan' }, PLANT[1], PLANT[2], PLANT[3]]);
      expect(await p.submit('line-1', message)).toEqual({ accepted: 4, rejected: 1 });
      expect(await p.submit('line-1', message)).toEqual({ accepted: 4, rejected: 1 }); // QoS 1 redelivery
      await p.flush();
      expect(p.counters['line-1']).toEqual({ accepted: 8, rejected: 2, applied: 4, duplicates: 4 });
      expect((await store.stats()).events).toBe(4);
      expect(await store.traceForward(['LOT-A'])).toMatchObject({ containers: ['CASE-1'], customers: ['Contoso'] });
      await p.close();
    });

    it('keeps accepting while the store is down and writes everything when it returns', async () => {
      const store = new FlakyStore(await backend.open());
      const dir = tempDir();
      const p = new Pipeline({ dataDir: dir, store, batchSize: 50, maxQueued: 100, ...quiet });
      await p.start();
      for (let i = 0; i < 100; i += 10)
        expect(
          await p.submit(
            's',
            Array.from({ length: 10 }, (_, k) => scan(i + k)),
          ),
        ).toMatchObject({ accepted: 10 });
      // The queue is full: the next message waits (backpressure) instead of being dropped.
      let late = false;
      const pending = p.submit('s', scan(100)).then(() => (late = true));
      const flushed = p.flush();
      await new Promise((r) => setTimeout(r, 200));
      expect(store.failures).toBeGreaterThan(1);
      expect(late).toBe(false);
      store.failing = false;
      await pending;
      await flushed;
      await p.flush();
      expect((await store.inner.stats()).events).toBe(101);
      expect(p.counters.s).toMatchObject({ accepted: 101, applied: 101, duplicates: 0 });
      await p.close();
    });

    it('re-applies the logged events after the checkpoint on restart: every event exactly once', async () => {
      const store = new FlakyStore(await backend.open());
      const dir = tempDir();
      const first = new Pipeline({ dataDir: dir, store, batchSize: 20, ...quiet });
      await first.start();
      store.failing = false;
      for (let i = 0; i < 40; i++) await first.submit('s', scan(i));
      await first.flush(); // 40 in the store, checkpoint after them
      store.failing = true;
      for (let i = 40; i < 100; i++) await first.submit('s', scan(i));
      await first.close(); // 60 accepted, logged, never written

      store.failing = false;
      const second = new Pipeline({ dataDir: dir, store, batchSize: 20, ...quiet });
      expect(await second.start()).toEqual({ reapplied: 60 });
      expect(second.counters[FROM_LOG]).toMatchObject({ applied: 60, duplicates: 0 });
      await second.submit('s', scan(5)); // old news
      await second.flush();
      expect((await store.inner.stats()).events).toBe(100);
      await second.close();

      // A clean stop leaves nothing to redo.
      const third = new Pipeline({ dataDir: dir, store, ...quiet });
      expect(await third.start()).toEqual({ reapplied: 0 });
      await third.close();
    });
  });
}
