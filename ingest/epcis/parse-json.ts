/**
 * EPCIS 2.0 JSON / JSON-LD import: a document (capture or query result), a bare event or a bare
 * array of events -> canonical events. A thin synchronous view of document.ts, for callers that
 * hold the text already (MQTT payloads).
 */
import type { CanonicalEvent } from '../../core/events.ts';
import { readEpcisJson, type EpcisDocumentType } from './document.ts';

export { mapEpcisEvent } from './map.ts';
export { shortCbv } from './cbv.ts';
export type { EpcisDocumentType } from './document.ts';

export interface EpcisParseResult {
  events: CanonicalEvent[];
  documentType: EpcisDocumentType;
  /** EPCIS events in the input, including those that map to no canonical event. */
  eventCount: number;
}

export function parseEpcisJson(text: string, opts: { file?: string } = {}): EpcisParseResult {
  const doc = readEpcisJson(text, opts);
  return { events: doc.events, documentType: doc.documentType, eventCount: doc.epcisEvents.length };
}
