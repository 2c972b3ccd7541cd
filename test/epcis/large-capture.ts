/**
 * Large EPCIS capture documents for the capture tests: `events` distinct events in the 2.0 JSON
 * or XML binding, about 400 bytes each (125,000 make ~50 MB of JSON), written without building
 * the whole text as one object graph.
 */

const CONTEXT = 'https://ref.gs1.org/standards/epcis/epcis-context.jsonld';
const pad = (n: number) => String(n).padStart(9, '0');

function eventTime(i: number): string {
  return new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
}

/** One event: commissioning two serials, or packing them onto a pallet (every fourth). */
function jsonEvent(prefix: string, i: number): string {
  const a = `urn:epc:id:sgtin:4012345.011111.${prefix}${pad(2 * i)}`;
  const b = `urn:epc:id:sgtin:4012345.011111.${prefix}${pad(2 * i + 1)}`;
  const common = `"eventID":"urn:uuid:${prefix}-${pad(i)}","eventTime":"${eventTime(i)}","eventTimeZoneOffset":"+00:00"`;
  if (i % 4 === 3)
    return `{"type":"AggregationEvent",${common},"parentID":"urn:epc:id:sscc:4012345.${pad(i)}","childEPCs":["${a}","${b}"],"action":"ADD","bizStep":"packing","disposition":"in_progress","readPoint":{"id":"urn:epc:id:sgln:4012345.00001.0"},"bizLocation":{"id":"urn:epc:id:sgln:4012345.00001.0"}}`;
  return `{"type":"ObjectEvent",${common},"epcList":["${a}","${b}"],"action":"ADD","bizStep":"commissioning","disposition":"active","readPoint":{"id":"urn:epc:id:sgln:4012345.00001.0"},"bizLocation":{"id":"urn:epc:id:sgln:4012345.00001.0"}}`;
}

/** An EPCISDocument (JSON-LD) of `events` events; `prefix` keeps ids apart between tests. */
export function largeJsonCapture(events: number, prefix = 'L'): Buffer {
  const parts: string[] = [
    `{"@context":["${CONTEXT}"],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-01-01T00:00:00Z","epcisBody":{"eventList":[`,
  ];
  for (let i = 0; i < events; i++) parts.push((i ? ',' : '') + jsonEvent(prefix, i));
  parts.push(']}}');
  return Buffer.from(parts.join(''));
}

function xmlEvent(prefix: string, i: number): string {
  const a = `urn:epc:id:sgtin:4012345.011111.${prefix}${pad(2 * i)}`;
  const b = `urn:epc:id:sgtin:4012345.011111.${prefix}${pad(2 * i + 1)}`;
  const head = `<eventTime>${eventTime(i)}</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset><eventID>urn:uuid:${prefix}-${pad(i)}</eventID>`;
  const where = `<readPoint><id>urn:epc:id:sgln:4012345.00001.0</id></readPoint><bizLocation><id>urn:epc:id:sgln:4012345.00001.0</id></bizLocation>`;
  if (i % 4 === 3)
    return `<AggregationEvent>${head}<parentID>urn:epc:id:sscc:4012345.${pad(i)}</parentID><childEPCs><epc>${a}</epc><epc>${b}</epc></childEPCs><action>ADD</action><bizStep>urn:epcglobal:cbv:bizstep:packing</bizStep><disposition>urn:epcglobal:cbv:disp:in_progress</disposition>${where}</AggregationEvent>\n`;
  return `<ObjectEvent>${head}<epcList><epc>${a}</epc><epc>${b}</epc></epcList><action>ADD</action><bizStep>urn:epcglobal:cbv:bizstep:commissioning</bizStep><disposition>urn:epcglobal:cbv:disp:active</disposition>${where}</ObjectEvent>\n`;
}

/** The same events as an EPCIS 2.0 XML document. */
export function largeXmlCapture(events: number, prefix = 'X'): Buffer {
  const parts: string[] = [
    `<?xml version="1.0" encoding="UTF-8"?>\n<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0" creationDate="2026-01-01T00:00:00Z"><EPCISBody><EventList>\n`,
  ];
  for (let i = 0; i < events; i++) parts.push(xmlEvent(prefix, i));
  parts.push('</EventList></EPCISBody></epcis:EPCISDocument>\n');
  return Buffer.from(parts.join(''));
}
