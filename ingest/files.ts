/**
 * Reading event files: JSON lines of the wire form, and EPCIS documents. A bad line or document
 * stops the import with `file:line` and the reason; batches before it stay committed, and a rerun
 * after the fix skips them by eventId (nothing lost, nothing doubled).
 */
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseEvent, type CanonicalEvent } from '../core/events.ts';
import { TracegraphError } from '../core/errors.ts';
import type { GraphStore } from '../cypher/port.ts';
import { parseEpcisJson } from './epcis/parse-json.ts';
import { DEFAULT_BATCH, addTotals, emptyTotals, type IngestTotals } from './batches.ts';

export type Progress = (bytesRead: number, totals: IngestTotals) => void;

/** Streams a JSON-lines file of canonical events into the store. */
export async function importEventLines(store: GraphStore, file: string, onProgress?: Progress): Promise<IngestTotals> {
  const totals = emptyTotals();
  const stream = createReadStream(file);
  stream.on('error', () => undefined);
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let batch: CanonicalEvent[] = [];
  let lineNo = 0;
  const flush = async () => {
    if (!batch.length) return;
    addTotals(totals, await store.applyEvents(batch), batch.length);
    batch = [];
    onProgress?.(stream.bytesRead, totals);
  };
  try {
    for await (const line of lines) {
      lineNo++;
      const text = lineNo === 1 ? line.replace(/^\uFEFF/, '') : line;
      if (!text.trim()) continue;
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch (e) {
        throw lineError(file, lineNo, `not valid JSON (${(e as Error).message})`, totals, batch.length);
      }
      // A line may hold one event or an array of them (the MQTT payload form); all or none of it.
      const items = Array.isArray(raw) ? raw : [raw];
      const parsed: CanonicalEvent[] = [];
      for (const [i, item] of items.entries()) {
        const r = parseEvent(item);
        if (!r.ok) throw lineError(file, lineNo, Array.isArray(raw) ? `[${i}] ${r.reason}` : r.reason, totals, batch.length);
        parsed.push(r.event);
      }
      batch.push(...parsed);
      if (batch.length >= DEFAULT_BATCH) await flush();
    }
  } catch (e) {
    if (e instanceof TracegraphError) {
      await flush(); // what came before the bad line is good: keep it
      throw e;
    }
    throw new TracegraphError('BAD_INPUT', `cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
  await flush();
  return totals;
}

function lineError(file: string, line: number, reason: string, totals: IngestTotals, pending: number): TracegraphError {
  const before = totals.seen + pending;
  return new TracegraphError(
    'BAD_EVENT',
    `${reason} (the ${before} event(s) before this line were imported; fix it and run again, they will not be doubled)`,
    { where: `${file}:${line}` },
  );
}

/** Reads and validates a whole EPCIS document, then applies it: a bad document imports nothing. */
export async function importEpcisFile(
  store: GraphStore,
  file: string,
  onProgress?: Progress,
): Promise<IngestTotals & { epcisEvents: number }> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new TracegraphError('BAD_INPUT', `cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
  if (/^\uFEFF?\s*</.test(text))
    throw new TracegraphError('BAD_EPCIS', 'EPCIS XML is not supported yet; send the JSON-LD form of the document', {
      where: file,
    });
  const doc = parseEpcisJson(text, { file });
  const totals = emptyTotals();
  for (let i = 0; i < doc.events.length; i += DEFAULT_BATCH) {
    const batch = doc.events.slice(i, i + DEFAULT_BATCH);
    addTotals(totals, await store.applyEvents(batch), batch.length);
    onProgress?.(Buffer.byteLength(text), totals);
  }
  return { ...totals, epcisEvents: doc.eventCount };
}
