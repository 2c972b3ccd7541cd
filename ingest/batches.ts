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
 * is passed on: they were valid, and a rerun skips them by eventId. When the store refuses a batch,
 * its error is passed on at once.
 */
export async function applyInBatches(
  store: GraphStore,
  events: Iterable<CanonicalEvent> | AsyncIterable<CanonicalEvent>,
  opts: { batchSize?: number; onBatch?: (t: IngestTotals) => void } = {},
): Promise<IngestTotals> {
  const size = opts.batchSize ?? DEFAULT_BATCH;
  const totals = emptyTotals();
  let batch: CanonicalEvent[] = [];
  let refused = false;
  const flush = async () => {
    if (!batch.length) return;
    const taken = batch;
    batch = [];
    let r: ApplyResult;
    try {
      r = await store.applyEvents(taken);
    } catch (e) {
      refused = true;
      throw e;
    }
    addTotals(totals, r, taken.length);
    opts.onBatch?.(totals);
  };
  try {
    for await (const e of events) {
      batch.push(e);
      if (batch.length >= size) await flush();
    }
  } catch (e) {
    // A batch the store refused is not offered again: its error is the one to report. (Kuzu can
    // keep a failed commit's keys in its primary-key index; a second try reported a duplicated key.)
    if (!refused) await flush();
    throw e;
  }
  await flush();
  return totals;
}
