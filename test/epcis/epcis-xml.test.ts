/** EPCIS XML capture: 2.0 and 1.x read into the JSON shape, streamed, with errors a person can act on. */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { TracegraphError } from '../../core/errors.ts';
import { readEpcisDocument, type EpcisDocumentRead } from '../../ingest/epcis/document.ts';
import { fixture } from '../helpers/fixtures.ts';
import { tempDir } from '../helpers/stores.ts';

const FOSSTRAK = fixture('fosstrak-epcis-interop-test');

async function rejection(input: string): Promise<TracegraphError> {
  try {
    await readEpcisDocument(input, { file: 'doc.xml' });
  } catch (e) {
    if (e instanceof TracegraphError) return e;
    throw e;
  }
  throw new Error('accepted, expected a rejection');
}

const doc = (events: string, attrs = '') =>
  `<?xml version="1.0" encoding="UTF-8"?>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0" creationDate="2026-01-01T00:00:00Z" ${attrs}>
  <EPCISBody>
    <EventList>
${events}
    </EventList>
  </EPCISBody>
</epcis:EPCISDocument>`;

const OBJECT = `<ObjectEvent>
  <eventTime>2026-03-01T08:00:00.000+01:00</eventTime>
  <eventTimeZoneOffset>+01:00</eventTimeZoneOffset>
  <epcList><epc>urn:epc:id:sgtin:4012345.011111.1</epc></epcList>
  <action>OBSERVE</action>
  <bizStep>inspecting</bizStep>
  <readPoint><id>urn:epc:id:sgln:4012345.00001.0</id></readPoint>
</ObjectEvent>`;

describe('EPCIS XML: reading', () => {
  it('reads a string, a Buffer with a BOM and a byte stream alike', async () => {
    const text = doc(OBJECT);
    const fromString = await readEpcisDocument(text);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    const fromBuffer = await readEpcisDocument(bom);
    // One byte at a time: multi-byte characters and tags split across chunks.
    const fromStream = await readEpcisDocument(Readable.from([...bom].map((b) => Buffer.from([b]))));
    expect(fromString.documentType).toBe('EPCISDocument');
    expect(fromBuffer).toEqual(fromString);
    expect(fromStream).toEqual(fromString);
    expect(fromString.epcisEvents).toEqual([
      {
        type: 'ObjectEvent',
        eventTime: '2026-03-01T08:00:00.000+01:00',
        eventTimeZoneOffset: '+01:00',
        epcList: ['urn:epc:id:sgtin:4012345.011111.1'],
        action: 'OBSERVE',
        bizStep: 'inspecting',
        readPoint: { id: 'urn:epc:id:sgln:4012345.00001.0' },
        eventID: expect.stringMatching(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/),
      },
    ]);
    expect(fromString.events).toMatchObject([{ kind: 'scan', id: 'urn:epc:id:sgtin:4012345.011111.1', step: 'inspecting' }]);
  });

  it('names extension fields with the document prefixes, wherever the namespace is declared', async () => {
    const event = OBJECT.replace(
      '</ObjectEvent>',
      `<ex:batch xmlns:ex="https://ns.example.com/a/">B1</ex:batch>
       <ex:nested xmlns:ex="https://ns.example.com/b/"><ex:n xsi:type="xsd:integer">7</ex:n><ex:n>8</ex:n></ex:nested>
       <plain xmlns="https://ns.example.com/c/">p</plain>
     </ObjectEvent>`,
    );
    const read = await readEpcisDocument(
      doc(event, 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"'),
    );
    const e = read.epcisEvents[0]!;
    expect(e['ex:batch']).toBe('B1');
    // `ex` is taken by the first namespace; the second gets a prefix of its own, so does a default namespace.
    const nested = Object.entries(read.namespaces).find(([, uri]) => uri === 'https://ns.example.com/b/')![0];
    const plain = Object.entries(read.namespaces).find(([, uri]) => uri === 'https://ns.example.com/c/')![0];
    expect(nested).not.toBe('ex');
    expect(e[`${nested}:nested`]).toEqual({ [`${nested}:n`]: [7, '8'] });
    expect(e[`${plain}:plain`]).toBe('p');
    expect(read.namespaces.ex).toBe('https://ns.example.com/a/');
  });

  it('reads EPCIS 1.x wrappers and a 1.0 QuantityEvent as an ObjectEvent with a quantity', async () => {
    const v1 = `<?xml version="1.0"?>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:1" schemaVersion="1.2" creationDate="2026-01-01T00:00:00Z">
  <EPCISBody><EventList>
    <QuantityEvent>
      <eventTime>2006-06-25T09:26:00Z</eventTime><eventTimeZoneOffset>-06:00</eventTimeZoneOffset>
      <epcClass>urn:epc:idpat:sgtin:0614141.107340.*</epcClass><quantity>3</quantity>
      <bizStep>urn:epcglobal:cbv:bizstep:receiving</bizStep>
    </QuantityEvent>
    <ObjectEvent>
      <eventTime>2006-06-25T09:27:00Z</eventTime><eventTimeZoneOffset>-06:00</eventTimeZoneOffset>
      <baseExtension><eventID>urn:uuid:1</eventID></baseExtension>
      <epcList/><action>ADD</action>
      <extension><quantityList><quantityElement>
        <epcClass>urn:epc:class:lgtin:4012345.012345.998877</epcClass><quantity>200.5</quantity><uom>KGM</uom>
      </quantityElement></quantityList></extension>
    </ObjectEvent>
    <extension><TransformationEvent>
      <eventTime>2006-06-25T09:28:00Z</eventTime><eventTimeZoneOffset>-06:00</eventTimeZoneOffset>
      <inputEPCList><epc>urn:epc:id:sgtin:4012345.011111.1</epc></inputEPCList>
      <outputEPCList><epc>urn:epc:id:sgtin:4012345.022222.1</epc></outputEPCList>
    </TransformationEvent></extension>
  </EventList></EPCISBody>
</epcis:EPCISDocument>`;
    const read = await readEpcisDocument(v1);
    expect(read.epcisEvents.map((e) => e.type)).toEqual(['ObjectEvent', 'ObjectEvent', 'TransformationEvent']);
    expect(read.epcisEvents[0]).toMatchObject({
      action: 'OBSERVE',
      quantityList: [{ epcClass: 'urn:epc:idpat:sgtin:0614141.107340.*', quantity: 3 }],
    });
    expect(read.epcisEvents[1]).toMatchObject({
      eventID: 'urn:uuid:1',
      epcList: [],
      quantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.012345.998877', quantity: 200.5, uom: 'KGM' }],
    });
    expect(read.events.find((e) => e.kind === 'operation')).toMatchObject({
      inputs: [{ id: 'urn:epc:id:sgtin:4012345.011111.1' }],
      outputs: [{ id: 'urn:epc:id:sgtin:4012345.022222.1', type: 'unit' }],
    });
  });

  it('reads the Fosstrak EPCIS 1.0 scenario: 155 events, QuantityEvents included, and its master data', async () => {
    const reads: EpcisDocumentRead[] = [];
    for (const f of fs.readdirSync(path.join(FOSSTRAK, 'events')).sort()) {
      reads.push(await readEpcisDocument(fs.createReadStream(path.join(FOSSTRAK, 'events', f)), { file: f }));
    }
    expect(reads.reduce((n, r) => n + r.epcisEvents.length, 0)).toBe(155);
    const quantities = reads.flatMap((r) => r.epcisEvents).filter((e) => Array.isArray(e.quantityList) && !('epcList' in e));
    expect(quantities).toHaveLength(10);
    const md = await readEpcisDocument(fs.createReadStream(path.join(FOSSTRAK, 'masterdata/EPCIS10-MD-Capture.xml')));
    expect(md.documentType).toBe('EPCISMasterDataDocument');
    const locations = md.masterData
      .filter((v) => v.type === 'urn:epcglobal:epcis:vtype:BusinessLocation')
      .flatMap((v) => v.elements);
    expect(locations.length).toBeGreaterThan(0);
    expect(locations.some((l) => l.children.length > 0 || Object.keys(l.attributes).length > 0)).toBe(true);
  });
});

describe('EPCIS XML: errors name the event and the field', () => {
  it('not well-formed XML: the line and column', async () => {
    const error = await rejection(doc(OBJECT.replace('</action>', '</actio>')));
    expect(error.code).toBe('BAD_EPCIS');
    expect(error.message).toMatch(/^doc\.xml: not well-formed XML: line 9, column \d+: /);
  });

  it('an unknown element, an element out of order, a missing field', async () => {
    expect((await rejection(doc(OBJECT.replace('<action>', '<colour>red</colour><action>')))).message).toBe(
      'doc.xml:5 EventList[0] (ObjectEvent): <colour> (line 9): unknown element in a ObjectEvent',
    );
    const swapped = OBJECT.replace('<action>OBSERVE</action>', '').replace('<eventTime>', '<action>OBSERVE</action><eventTime>');
    expect((await rejection(doc(swapped))).message).toMatch(
      /^doc\.xml:5 EventList\[0\] \(ObjectEvent\): <eventTime> \(line 6\): out of order/,
    );
    expect((await rejection(doc(`${OBJECT}\n${OBJECT.replace(/<action>.*<\/action>/, '')}`))).message).toBe(
      'doc.xml:13 EventList[1] (ObjectEvent): action: missing',
    );
  });

  it('a query request is not a capture document', async () => {
    const poll = `<epcisq:EPCISQueryDocument xmlns:epcisq="urn:epcglobal:epcis-query:xsd:2" schemaVersion="2.0" creationDate="2026-01-01T00:00:00Z">
  <EPCISBody><epcisq:Poll><queryName>SimpleEventQuery</queryName></epcisq:Poll></EPCISBody></epcisq:EPCISQueryDocument>`;
    expect((await rejection(poll)).message).toMatch(/<Poll>: this document is a query request/);
  });
});

describe('EPCIS XML: large documents', () => {
  it('tracegraph import epcis streams a generated 50,000-event XML document within a 256 MB heap', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'large.xml');
    const n = 50_000;
    const out = fs.openSync(file, 'w');
    fs.writeSync(out, doc('', 'xmlns:ex="https://ns.example.com/x/"').split('\n    </EventList>')[0]!);
    for (let i = 0; i < n; i++) {
      const time = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
      fs.writeSync(
        out,
        `<ObjectEvent><eventTime>${time}</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset>` +
          `<epcList><epc>urn:epc:id:sgtin:4012345.011111.${i}</epc></epcList><action>OBSERVE</action>` +
          `<bizStep>urn:epcglobal:cbv:bizstep:inspecting</bizStep><readPoint><id>urn:epc:id:sgln:4012345.00001.0</id></readPoint>` +
          `<ex:line>L${i % 7}</ex:line></ObjectEvent>\n`,
      );
    }
    fs.writeSync(out, '</EventList></EPCISBody></epcis:EPCISDocument>\n');
    fs.closeSync(out);
    const r = await runCli(['import', 'epcis', '--json', file], {
      nodeArgs: ['--max-old-space-size=256'],
      env: { ...process.env, TRACEGRAPH_DATA: path.join(dir, 'data'), TRACEGRAPH_NEO4J_URI: '' },
      timeout: 600_000,
    });
    expect(r.stderr).not.toMatch(/heap out of memory/);
    expect(r.code).toBe(0);
    const [result] = JSON.parse(r.stdout) as { epcisEvents: number; seen: number; applied: number }[];
    expect(result).toMatchObject({ epcisEvents: n, seen: n, applied: n });
  }, 660_000);
});
