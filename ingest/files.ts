/**
 * Reading event files: JSON lines of the wire form, and EPCIS documents. A bad line or document
 * stops the import with `file:line` and the reason; batches before it stay committed, and a rerun
 * after the fix skips them by eventId (nothing lost, nothing doubled).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseEvent, recordedAt, type CanonicalEvent } from '../core/events.ts';
import { TracegraphError } from '../core/errors.ts';
import type { GraphStore } from '../cypher/port.ts';
import { streamEpcisDocument, type EpcisVocabulary } from './epcis/document.ts';
import { applyInBatches, type IngestTotals } from './batches.ts';

export type Progress = (bytesRead: number, totals: IngestTotals) => void;

/** Streams a JSON-lines file of canonical events into the store. */
export async function importEventLines(
  store: GraphStore,
  file: string,
  onProgress?: Progress,
  opts: { register?: (events: CanonicalEvent[]) => Promise<void> } = {},
): Promise<IngestTotals> {
  const stream = createReadStream(file);
  stream.on('error', () => undefined);
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let given = 0;
  const recorded = new Date().toISOString();
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
        parsed.push(recordedAt(r.event, recorded));
      }
      given += parsed.length;
      held.push(...parsed);
      if (opts.register && held.length >= REGISTER_BATCH) await opts.register(held.splice(0));
      yield* parsed;
    }
    if (opts.register && held.length) await opts.register(held.splice(0));
  }
  const held: CanonicalEvent[] = [];
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

/** Keeps the EPCIS originals of an import (the repository the EPCIS query reads). */
export type EpcisRegister = (
  events: Record<string, unknown>[],
  masterData: EpcisVocabulary[],
  namespaces: Record<string, string>,
) => Promise<void>;
const REGISTER_BATCH = 1000;

/**
 * Imports an EPCIS document (JSON / JSON-LD, or XML 2.0 / 1.x) streamed from disk in two passes:
 * the first validates every event and keeps nothing, the second applies them in batches. So a bad
 * document imports nothing, and a large one never sits in memory as a whole.
 */
export async function importEpcisFile(
  store: GraphStore,
  file: string,
  onProgress?: Progress,
  opts: { register?: EpcisRegister } = {},
): Promise<IngestTotals & { epcisEvents: number }> {
  const open = () => {
    const stream = createReadStream(file);
    return { stream, read: streamEpcisDocument(stream, { file }) };
  };
  try {
    const check = open();
    for await (const e of check.read.events) void e;
    const apply = open();
    const held: Record<string, unknown>[] = [];
    const register = async (final: boolean) => {
      if (!opts.register || (!final && held.length < REGISTER_BATCH)) return;
      const info = apply.read.info;
      await opts.register(held.splice(0), final ? info.masterData : [], info.namespaces);
    };
    async function* canonical(): AsyncGenerator<CanonicalEvent> {
      for await (const e of apply.read.events) {
        // The originals are registered before their canonical events reach the graph.
        held.push(e.epcisEvent);
        await register(false);
        yield* e.events;
      }
      await register(true);
    }
    const totals = await applyInBatches(store, canonical(), { onBatch: (t) => onProgress?.(apply.stream.bytesRead, t) });
    return { ...totals, epcisEvents: apply.read.info.eventCount };
  } catch (e) {
    if (e instanceof TracegraphError) throw e;
    throw new TracegraphError('BAD_INPUT', `cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
}
