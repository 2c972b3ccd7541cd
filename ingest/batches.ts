/**
 * The one write path for every source (files, the seed, later MQTT and OPC UA): validated
 * canonical events, applied to the GraphStore in batches. A batch is committed or not at all,
 * so an interrupted import can simply be run again: committed events are skipped by eventId.
 */
import type { CanonicalEvent } from '../core/events.ts';
import type { ApplyResult, GraphStore } from '../cypher/port.ts';

/** Kuzu pays ~1 s per commit at a million units, whatever the batch holds: fewer, larger batches. */
export const DEFAULT_BATCH = 20_000;

export interface IngestTotals extends ApplyResult {
  seen: number;
}

function emptyTotals(): IngestTotals {
  return { seen: 0, applied: 0, duplicates: 0, voided: 0 };
}

function addTotals(t: IngestTotals, r: ApplyResult, seen: number): void {
  t.seen += seen;
  t.applied += r.applied;
  t.duplicates += r.duplicates;
  t.voided += r.voided;
}

/**
 * Applies events in batches; `onBatch` sees the running totals after each commit. When the source
 * throws (a bad line, a read error), the events it gave before are committed first, then the error
 * is passed on: they were valid, and a rerun skips them by eventId.
 */
export async function applyInBatches(
  store: GraphStore,
  events: Iterable<CanonicalEvent> | AsyncIterable<CanonicalEvent>,
  opts: { batchSize?: number; onBatch?: (t: IngestTotals) => void } = {},
): Promise<IngestTotals> {
  const size = opts.batchSize ?? DEFAULT_BATCH;
  const totals = emptyTotals();
  let batch: CanonicalEvent[] = [];
  const flush = async () => {
    if (!batch.length) return;
    addTotals(totals, await store.applyEvents(batch), batch.length);
    batch = [];
    opts.onBatch?.(totals);
  };
  try {
    for await (const e of events) {
      batch.push(e);
      if (batch.length >= size) await flush();
    }
  } catch (e) {
    await flush();
    throw e;
  }
  await flush();
  return totals;
}
