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
import { applyInBatches, type IngestTotals } from './batches.ts';

export type Progress = (bytesRead: number, totals: IngestTotals) => void;

/** Streams a JSON-lines file of canonical events into the store. */
export async function importEventLines(store: GraphStore, file: string, onProgress?: Progress): Promise<IngestTotals> {
  const stream = createReadStream(file);
  stream.on('error', () => undefined);
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let given = 0;
  async function* events(): AsyncGenerator<CanonicalEvent> {
    let lineNo = 0;
    for await (const line of lines) {
      lineNo++;
      const text = lineNo === 1 ? line.replace(/^\uFEFF/, '') : line;
      if (!text.trim()) continue;
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch (e) {
        throw lineError(file, lineNo, `not valid JSON (${(e as Error).message})`, given);
      }
      // A line may hold one event or an array of them (the MQTT payload form); all or none of it.
      const items = Array.isArray(raw) ? raw : [raw];
      const parsed: CanonicalEvent[] = [];
      for (const [i, item] of items.entries()) {
        const r = parseEvent(item);
        if (!r.ok) throw lineError(file, lineNo, Array.isArray(raw) ? `[${i}] ${r.reason}` : r.reason, given);
        parsed.push(r.event);
      }
      given += parsed.length;
      yield* parsed;
    }
  }
  try {
    return await applyInBatches(store, events(), { onBatch: (t) => onProgress?.(stream.bytesRead, t) });
  } catch (e) {
    if (e instanceof TracegraphError) throw e;
    throw new TracegraphError('BAD_INPUT', `cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
}

function lineError(file: string, line: number, reason: string, before: number): TracegraphError {
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
  const size = Buffer.byteLength(text);
  const totals = await applyInBatches(store, doc.events, { onBatch: (t) => onProgress?.(size, t) });
  return { ...totals, epcisEvents: doc.eventCount };
}
