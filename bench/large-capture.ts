/**
 * Large EPCIS capture documents for the capture tests: `events` distinct events in the 2.0 JSON
 * or XML binding, about 400 bytes each (125,000 make ~50 MB of JSON), written as text without
 * building the document as objects. `payloadBytes` adds a user extension field of that many
 * characters to every event (kept in the EPCIS repository, not in the graph): a document of the
 * same size with fewer events, for tests that must not wait for the graph to take 125,000.
 */

const CONTEXT = 'https://ref.gs1.org/standards/epcis/epcis-context.jsonld';
const pad = (n: number) => String(n).padStart(9, '0');
const EXAMPLE_NS = 'https://ns.example.com/epcis/';
/** Readable filler for the extension field, different per event. */
const payload = (i: number, bytes: number) => (`lot-${i}-` + 'abcdefghij'.repeat(Math.ceil(bytes / 10))).slice(0, bytes);

function eventTime(i: number): string {
  return new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
}

/** One event: commissioning two serials, or packing them onto a pallet (every fourth). */
function jsonEvent(prefix: string, i: number, payloadBytes: number): string {
  const a = `urn:epc:id:sgtin:4012345.011111.${prefix}${pad(2 * i)}`;
  const b = `urn:epc:id:sgtin:4012345.011111.${prefix}${pad(2 * i + 1)}`;
  const extra = payloadBytes ? `,"example:notes":"${payload(i, payloadBytes)}"` : '';
  const common = `"eventID":"urn:uuid:${prefix}-${pad(i)}","eventTime":"${eventTime(i)}","eventTimeZoneOffset":"+00:00"${extra}`;
  if (i % 4 === 3)
    return `{"type":"AggregationEvent",${common},"parentID":"urn:epc:id:sscc:4012345.${pad(i)}","childEPCs":["${a}","${b}"],"action":"ADD","bizStep":"packing","disposition":"in_progress","readPoint":{"id":"urn:epc:id:sgln:4012345.00001.0"},"bizLocation":{"id":"urn:epc:id:sgln:4012345.00001.0"}}`;
  return `{"type":"ObjectEvent",${common},"epcList":["${a}","${b}"],"action":"ADD","bizStep":"commissioning","disposition":"active","readPoint":{"id":"urn:epc:id:sgln:4012345.00001.0"},"bizLocation":{"id":"urn:epc:id:sgln:4012345.00001.0"}}`;
}

/** An EPCISDocument (JSON-LD) of `events` events; `prefix` keeps ids apart between tests. */
export function largeJsonCapture(events: number, prefix = 'L', payloadBytes = 0): Buffer<ArrayBuffer> {
  const parts: string[] = [
    `{"@context":["${CONTEXT}",{"example":"${EXAMPLE_NS}"}],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-01-01T00:00:00Z","epcisBody":{"eventList":[`,
  ];
  for (let i = 0; i < events; i++) parts.push((i ? ',' : '') + jsonEvent(prefix, i, payloadBytes));
  parts.push(']}}');
  return Buffer.from(parts.join(''));
}

function xmlEvent(prefix: string, i: number, payloadBytes: number): string {
  const a = `urn:epc:id:sgtin:4012345.011111.${prefix}${pad(2 * i)}`;
  const b = `urn:epc:id:sgtin:4012345.011111.${prefix}${pad(2 * i + 1)}`;
  const head = `<eventTime>${eventTime(i)}</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset><eventID>urn:uuid:${prefix}-${pad(i)}</eventID>`;
  const extra = payloadBytes ? `<example:notes>${payload(i, payloadBytes)}</example:notes>` : '';
  const where = `<readPoint><id>urn:epc:id:sgln:4012345.00001.0</id></readPoint><bizLocation><id>urn:epc:id:sgln:4012345.00001.0</id></bizLocation>${extra}`;
  if (i % 4 === 3)
    return `<AggregationEvent>${head}<parentID>urn:epc:id:sscc:4012345.${pad(i)}</parentID><childEPCs><epc>${a}</epc><epc>${b}</epc></childEPCs><action>ADD</action><bizStep>urn:epcglobal:cbv:bizstep:packing</bizStep><disposition>urn:epcglobal:cbv:disp:in_progress</disposition>${where}</AggregationEvent>\n`;
  return `<ObjectEvent>${head}<epcList><epc>${a}</epc><epc>${b}</epc></epcList><action>ADD</action><bizStep>urn:epcglobal:cbv:bizstep:commissioning</bizStep><disposition>urn:epcglobal:cbv:disp:active</disposition>${where}</ObjectEvent>\n`;
}

/** The same events as an EPCIS 2.0 XML document. */
export function largeXmlCapture(events: number, prefix = 'X', payloadBytes = 0): Buffer<ArrayBuffer> {
  const parts: string[] = [
    `<?xml version="1.0" encoding="UTF-8"?>\n<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" xmlns:example="${EXAMPLE_NS}" schemaVersion="2.0" creationDate="2026-01-01T00:00:00Z"><EPCISBody><EventList>\n`,
  ];
  for (let i = 0; i < events; i++) parts.push(xmlEvent(prefix, i, payloadBytes));
  parts.push('</EventList></EPCISBody></epcis:EPCISDocument>\n');
  return Buffer.from(parts.join(''));
}
