/**
 * The one way to read an EPCIS document, whatever its binding: EPCIS 2.0 JSON / JSON-LD, EPCIS 2.0
 * XML or EPCIS 1.x XML (a document, a query document, a master-data document, a bare event or a
 * bare array of events). Every event comes out in the EPCIS 2.0 JSON-LD shape with `eventID` set,
 * validated (schema.ts), and mapped to canonical events (map.ts); XML is converted to the JSON
 * shape first (xml/), so both bindings share validation, mapping and the event hash.
 *
 * `@context` is never fetched: the EPCIS 2.0 JSON binding fixes the term names, so the JSON can be
 * read as plain JSON.
 */
import type { CanonicalEvent } from '../../core/events.ts';
import { TracegraphError } from '../../core/errors.ts';
import { eventHashId, hashContextOf, type EventHashContext } from './event-hash.ts';
import { checkJsonDepth } from './limits.ts';
import { mapEpcisEventWithId } from './map.ts';
import { readXmlDocument } from './xml/read-xml.ts';

export interface EpcisVocabularyElement {
  id: string;
  attributes: Record<string, string>;
  children: string[];
}
export interface EpcisVocabulary {
  type: string;
  elements: EpcisVocabularyElement[];
}

export type EpcisDocumentType = 'EPCISDocument' | 'EPCISQueryDocument' | 'EPCISMasterDataDocument' | 'events';

export interface EpcisDocumentRead {
  documentType: EpcisDocumentType;
  /** Every event in EPCIS 2.0 JSON-LD shape (XML converted to it), in document order, with `eventID` always set. */
  epcisEvents: Record<string, unknown>[];
  /** The same events mapped to canonical events (what the graph takes). */
  events: CanonicalEvent[];
  /** Master data from the EPCIS header (2.0) or an EPCIS 1.x EPCISMasterDataDocument. */
  masterData: EpcisVocabulary[];
  /** Namespace prefix -> URI as declared by the document (for extension-field names in queries). */
  namespaces: Record<string, string>;
}

export type EpcisInput = string | Buffer | NodeJS.ReadableStream;
export interface ReadOptions {
  /** Names the document in errors (a file name, an MQTT topic, "capture request"). */
  file?: string;
  format?: 'json' | 'xml';
  /**
   * XML only: `strict` (default) holds XML to the EPCIS XSD's structure (element order in 2.0,
   * required elements), as XML Schema validation does; `lenient` reads any order and leaves
   * required elements to the JSON rules (as the GS1 event-hash reference reads XML).
   */
  xmlSchema?: 'strict' | 'lenient';
}

/** One event as read: its JSON-LD shape (eventID set) and the canonical events it maps to. */
export interface EpcisEventRead {
  index: number;
  epcisEvent: Record<string, unknown>;
  /** The event's CBV 2.0 hash id (computed for every event, whether or not it has an eventID). */
  hashId: string;
  events: CanonicalEvent[];
}

/** What a document says besides its events; complete once its events have been read. */
export interface EpcisDocumentInfo {
  documentType: EpcisDocumentType;
  masterData: EpcisVocabulary[];
  namespaces: Record<string, string>;
  eventCount: number;
}

/**
 * Reads a document event by event (XML is parsed as it streams in, so a large document never sits
 * in memory as a whole). `info` is filled in while reading. Throws TracegraphError('BAD_EPCIS')
 * naming the event (index and type) and the field.
 */
export function streamEpcisDocument(
  input: EpcisInput,
  opts: ReadOptions = {},
): { info: EpcisDocumentInfo; events: AsyncGenerator<EpcisEventRead> } {
  const info: EpcisDocumentInfo = { documentType: 'events', masterData: [], namespaces: {}, eventCount: 0 };
  const file = opts.file ?? 'EPCIS document';
  async function* events(): AsyncGenerator<EpcisEventRead> {
    const chunks = textChunks(input);
    // The first character that is not white space tells XML ('<') from JSON.
    const head: string[] = [];
    for (let r = await chunks.next(); !r.done; r = await chunks.next()) {
      head.push(r.value);
      if (/\S/.test(r.value)) break;
    }
    const format = opts.format ?? (/^\s*</.test(head.join('')) ? 'xml' : 'json');
    const rest = prepend(head, chunks);
    if (format === 'xml') {
      yield* readXmlDocument(rest, file, info, { schema: opts.xmlSchema });
      return;
    }
    let text = '';
    for await (const chunk of rest) text += chunk;
    yield* readJsonDocument(text, file, info);
  }
  return { info, events: events() };
}

/** Reads a whole document (see streamEpcisDocument). */
export async function readEpcisDocument(input: EpcisInput, opts: ReadOptions = {}): Promise<EpcisDocumentRead> {
  const { info, events } = streamEpcisDocument(input, opts);
  const epcisEvents: Record<string, unknown>[] = [];
  const canonical: CanonicalEvent[] = [];
  for await (const e of events) {
    epcisEvents.push(e.epcisEvent);
    canonical.push(...e.events);
  }
  return {
    documentType: info.documentType,
    epcisEvents,
    events: canonical,
    masterData: info.masterData,
    namespaces: info.namespaces,
  };
}

/** Synchronous read of a JSON / JSON-LD document (for callers that hold the text already). */
export function readEpcisJson(text: string, opts: { file?: string } = {}): EpcisDocumentRead {
  const info: EpcisDocumentInfo = { documentType: 'events', masterData: [], namespaces: {}, eventCount: 0 };
  const epcisEvents: Record<string, unknown>[] = [];
  const events: CanonicalEvent[] = [];
  for (const e of readJsonDocument(text, opts.file ?? 'EPCIS JSON', info)) {
    epcisEvents.push(e.epcisEvent);
    events.push(...e.events);
  }
  return { documentType: info.documentType, epcisEvents, events, masterData: info.masterData, namespaces: info.namespaces };
}

/**
 * Validates one event in the JSON shape, maps it, and sets its eventID (the CBV 2.0 hash id when
 * it has none). `where` names the event in errors, e.g. `file eventList[3]`.
 */
export function readEpcisEvent(
  raw: Record<string, unknown>,
  index: number,
  where: string,
  hashContext?: EventHashContext,
): EpcisEventRead {
  raw = withLocalTimeOffset(raw);
  const { eventID, events } = mapEpcisEventWithId(raw, where, hashContext);
  const hashId = raw.eventID === undefined ? eventID : eventHashId(raw, hashContext);
  return { index, epcisEvent: { ...raw, eventID }, hashId, events };
}

const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const OFFSET = /^[+-]\d{2}:\d{2}$/;

/**
 * An eventTime written without an offset (OpenTraceability's serializer does this) is local time
 * at the event's own eventTimeZoneOffset, when it has one; otherwise it stays invalid.
 */
function withLocalTimeOffset(raw: Record<string, unknown>): Record<string, unknown> {
  const { eventTime, eventTimeZoneOffset: offset } = raw;
  if (typeof eventTime !== 'string' || typeof offset !== 'string' || !LOCAL_TIME.test(eventTime) || !OFFSET.test(offset)) {
    return raw;
  }
  return { ...raw, eventTime: eventTime + offset };
}

// JSON / JSON-LD

function* readJsonDocument(text: string, file: string, info: EpcisDocumentInfo): Generator<EpcisEventRead> {
  const json = parseJson(text.replace(/^\uFEFF/, ''), file);
  // Before anything walks it recursively (validation, mapping, the event hash).
  checkJsonDepth(json, file);
  const { documentType, list, listName } = locateEvents(json, file);
  info.documentType = documentType;
  const hashContext = documentType === 'events' ? undefined : hashContextOf(json);
  info.namespaces = { ...(hashContext?.namespaces ?? {}) };
  info.masterData = isObject(json) ? jsonMasterData(json) : [];
  // A bare event is named by the file alone; listed events by their index, as in a JSON path.
  const where = (i: number) => (listName === undefined ? file : `${file} ${listName}[${i}]`);
  for (const [i, raw] of list.entries()) {
    if (!isObject(raw)) fail('an EPCIS event must be a JSON object', where(i));
    info.eventCount++;
    yield readEpcisEvent(raw, i, where(i), hashContext);
  }
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

const DOCUMENT_TYPES = new Set(['EPCISDocument', 'EPCISQueryDocument', 'EPCISMasterDataDocument']);

function locateEvents(json: unknown, file: string): Located {
  if (Array.isArray(json)) return { documentType: 'events', list: json, listName: '' };
  if (!isObject(json)) fail('expected an EPCIS document, an EPCIS event or an array of events', file);
  const type = json.type;
  if (type === undefined) {
    fail('type: missing; expected EPCISDocument, EPCISQueryDocument or an EPCIS event type', file);
  }
  if (typeof type !== 'string' || !DOCUMENT_TYPES.has(type)) {
    return { documentType: 'events', list: [json], listName: undefined };
  }
  // JSON-LD without @context is plain JSON with no defined meaning; EPCIS 2.0 requires it.
  if (json['@context'] === undefined) fail(`@context: missing; an ${type} must declare its JSON-LD context`, file);
  const body = json.epcisBody;
  if (!isObject(body)) fail('epcisBody: missing', file);
  if (type === 'EPCISMasterDataDocument') return { documentType: type, list: [], listName: 'eventList' };
  if (type === 'EPCISDocument') {
    return { documentType: type, list: eventList(body.eventList, 'epcisBody.eventList', file), listName: 'eventList' };
  }
  const results = body.queryResults;
  if (!isObject(results)) fail('epcisBody.queryResults: missing', file);
  const resultsBody = results.resultsBody;
  if (!isObject(resultsBody)) fail('epcisBody.queryResults.resultsBody: missing', file);
  const path = 'epcisBody.queryResults.resultsBody.eventList';
  return { documentType: 'EPCISQueryDocument', list: eventList(resultsBody.eventList, path, file), listName: 'eventList' };
}

function eventList(value: unknown, path: string, file: string): unknown[] {
  if (value === undefined) fail(`${path}: missing`, file);
  if (!Array.isArray(value)) fail(`${path}: must be an array of events`, file);
  return value;
}

/** `epcisHeader.epcisMasterData.vocabularyList` (or a master-data document's body) as vocabularies. */
function jsonMasterData(json: Record<string, unknown>): EpcisVocabulary[] {
  const header = isObject(json.epcisHeader) ? json.epcisHeader : undefined;
  const fromHeader = header && isObject(header.epcisMasterData) ? header.epcisMasterData.vocabularyList : undefined;
  const body = isObject(json.epcisBody) ? json.epcisBody : undefined;
  const list = fromHeader ?? body?.vocabularyList;
  if (!Array.isArray(list)) return [];
  return list.filter(isObject).map((v) => ({
    type: typeof v.type === 'string' ? v.type : '',
    elements: (Array.isArray(v.vocabularyElementList) ? v.vocabularyElementList : []).filter(isObject).map((el) => ({
      id: typeof el.id === 'string' ? el.id : '',
      attributes: Object.fromEntries(
        (Array.isArray(el.attributes) ? el.attributes : [])
          .filter(isObject)
          .map((a) => [String(a.id), typeof a.attribute === 'string' ? a.attribute : JSON.stringify(a.attribute)]),
      ),
      children: (Array.isArray(el.children) ? el.children : []).filter((c): c is string => typeof c === 'string'),
    })),
  }));
}

// Input: text chunks from a string, a Buffer or a byte stream (UTF-8; a BOM is dropped)

const CHUNK = 1 << 16;

async function* textChunks(input: EpcisInput): AsyncGenerator<string> {
  if (typeof input === 'string') {
    const text = input.replace(/^\uFEFF/, '');
    for (let i = 0; i < text.length; i += CHUNK) yield text.slice(i, i + CHUNK);
    return;
  }
  const decoder = new TextDecoder('utf-8'); // drops a leading BOM
  if (Buffer.isBuffer(input)) {
    for (let i = 0; i < input.length; i += CHUNK) {
      const text = decoder.decode(input.subarray(i, i + CHUNK), { stream: true });
      if (text) yield text;
    }
  } else {
    for await (const chunk of input as AsyncIterable<Buffer | string>) {
      const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
      if (text) yield text;
    }
  }
  const tail = decoder.decode();
  if (tail) yield tail;
}

async function* prepend(head: string[], rest: AsyncIterator<string>): AsyncGenerator<string> {
  yield* head;
  for (let r = await rest.next(); !r.done; r = await rest.next()) yield r.value;
}
