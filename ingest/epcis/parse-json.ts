/**
 * EPCIS 2.0 JSON / JSON-LD import: a document (capture or query result), a bare event or a bare
 * array of events -> canonical events. `@context` is never fetched: the EPCIS 2.0 JSON binding
 * fixes the term names, so the JSON can be read as plain JSON.
 */
import type { CanonicalEvent } from '../../core/events.ts';
import { TracegraphError } from '../../core/errors.ts';
import { hashContextOf } from './event-hash.ts';
import { mapEpcisEvent } from './map.ts';

export { mapEpcisEvent } from './map.ts';
export { shortCbv } from './cbv.ts';

export type EpcisDocumentType = 'EPCISDocument' | 'EPCISQueryDocument' | 'events';

export interface EpcisParseResult {
  events: CanonicalEvent[];
  documentType: EpcisDocumentType;
  /** EPCIS events in the input, including those that map to no canonical event. */
  eventCount: number;
}

export function parseEpcisJson(text: string, opts: { file?: string } = {}): EpcisParseResult {
  const file = opts.file ?? 'EPCIS JSON';
  const json = parseJson(text.replace(/^\uFEFF/, ''), file);
  const { documentType, list, listName } = locateEvents(json, file);
  // A bare event is named by the file alone; listed events by their index, as in a JSON path.
  const where = (i: number) => (listName === undefined ? file : `${file} ${listName}[${i}]`);
  // Event hash ids need the document's namespace prefixes and ignoreFields (event-hash.ts).
  const hashContext = documentType === 'events' ? undefined : hashContextOf(json);
  const events = list.flatMap((raw, i) => mapEpcisEvent(raw, where(i), hashContext));
  return { events, documentType, eventCount: list.length };
}

function fail(message: string, where: string): never {
  throw new TracegraphError('BAD_EPCIS', message, { where });
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    // V8 reports a character offset ("at position 285"); people and editors want line:column.
    const position = /at position (\d+)/.exec(message)?.[1];
    const offset = position === undefined ? text.length : Number(position);
    const before = text.slice(0, offset).split('\n');
    const line = before.length;
    const column = (before.at(-1)?.length ?? 0) + 1;
    const reason = message.replace(/\s*(?:in JSON )?at position \d+.*$/, '').replace(/\s*\(line \d+ column \d+\)$/, '');
    fail(`invalid JSON at line ${line}, column ${column}: ${reason}`, file);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

interface Located {
  documentType: EpcisDocumentType;
  list: unknown[];
  /** How to name an entry of `list` in an error; undefined for a single bare event. */
  listName: string | undefined;
}

function locateEvents(json: unknown, file: string): Located {
  if (Array.isArray(json)) return { documentType: 'events', list: json, listName: '' };
  if (!isObject(json)) fail('expected an EPCIS document, an EPCIS event or an array of events', file);
  const type = json.type;
  if (type === undefined) {
    fail('type: missing; expected EPCISDocument, EPCISQueryDocument or an EPCIS event type', file);
  }
  if (type !== 'EPCISDocument' && type !== 'EPCISQueryDocument') {
    return { documentType: 'events', list: [json], listName: undefined };
  }
  // JSON-LD without @context is plain JSON with no defined meaning; EPCIS 2.0 requires it.
  if (json['@context'] === undefined) fail(`@context: missing; an ${type} must declare its JSON-LD context`, file);
  const body = json.epcisBody;
  if (!isObject(body)) fail('epcisBody: missing', file);
  if (type === 'EPCISDocument') {
    return { documentType: type, list: eventList(body.eventList, 'epcisBody.eventList', file), listName: 'eventList' };
  }
  const results = body.queryResults;
  if (!isObject(results)) fail('epcisBody.queryResults: missing', file);
  const resultsBody = results.resultsBody;
  if (!isObject(resultsBody)) fail('epcisBody.queryResults.resultsBody: missing', file);
  const path = 'epcisBody.queryResults.resultsBody.eventList';
  return { documentType: type, list: eventList(resultsBody.eventList, path, file), listName: 'eventList' };
}

function eventList(value: unknown, path: string, file: string): unknown[] {
  if (value === undefined) fail(`${path}: missing`, file);
  if (!Array.isArray(value)) fail(`${path}: must be an array of events`, file);
  return value;
}
