/**
 * Throughput paths of the pipeline: concurrent appends share one write and fsync (group commit)
 * yet keep their order, and one batch from many topics of a source family is one store transaction.
 */
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../../core/events.ts';
import type { ApplyResult, EventWriter, GraphStore } from '../../cypher/port.ts';
import { EventLog, readLog } from '../../ingest/pipeline/event-log.ts';
import { Pipeline, sourceFamily } from '../../ingest/pipeline/pipeline.ts';
import { backends, tempDir } from '../helpers/stores.ts';
import { scan } from './fixtures.ts';

const kuzu = backends().find((b) => b.name === 'kuzu')!;

/** The real store, counting its write transactions. */
class CountingStore implements EventWriter {
  calls: number[] = [];
  constructor(readonly inner: GraphStore) {}
  get backend() {
    return this.inner.backend;
  }
  applyEvents(events: readonly CanonicalEvent[]): Promise<ApplyResult> {
    this.calls.push(events.length);
    return this.inner.applyEvents(events);
  }
}

describe('event log group commit', () => {
  it('writes concurrent appends in call order with the right end positions', async () => {
    const dir = tempDir();
    const log = await EventLog.open(dir);
    const appends = Array.from({ length: 60 }, (_, i) => Array.from({ length: 1 + (i % 3) }, (_, k) => scan(i * 10 + k)));
    const ends = await Promise.all(appends.map((events) => log.append(events as unknown as CanonicalEvent[])));
    await log.close();
    const read = [];
    for await (const entry of readLog(dir)) read.push(entry);
    expect(read.map((r) => r.event.eventId)).toEqual(appends.flat().map((e) => e.eventId));
    expect(ends.flat()).toEqual(read.map((r) => r.end));
  });
});

describe('pipeline batches', () => {
  it('names the source family: the part before the colon', () => {
    expect(sourceFamily('mqtt:tracegraph/v1/a/b/c/scan')).toBe('mqtt');
    expect(sourceFamily('opcua')).toBe('opcua');
  });

  it('writes one batch from many topics of one source family in one store transaction', async () => {
    const store = new CountingStore(await kuzu.open());
    const p = new Pipeline({ dataDir: tempDir(), store, warn: () => undefined, batchWindowMs: 500 });
    await p.start();
    // Submitted concurrently, as several MQTT connections do.
    await Promise.all(Array.from({ length: 40 }, (_, i) => p.submit(`mqtt:tracegraph/v1/s/l/st${i % 10}/scan`, [scan(i)])));
    await p.flush();
    expect(store.calls).toEqual([40]);
    for (let t = 0; t < 10; t++)
      expect(p.counters[`mqtt:tracegraph/v1/s/l/st${t}/scan`]).toMatchObject({ accepted: 4, applied: 4 });
    expect((await store.inner.stats()).events).toBe(40);
    await p.close();
    await kuzu.release();
  });
});
