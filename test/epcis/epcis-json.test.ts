import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CanonicalEvent, type EventOf } from '../../core/events.ts';
import { TracegraphError } from '../../core/errors.ts';
import { FIXTURES, fixture } from '../helpers/fixtures.ts';
import { mapEpcisEvent, parseEpcisJson, shortCbv, type EpcisParseResult } from '../../ingest/epcis/parse-json.ts';

const GS1 = fixture('gs1-epcis');
const OPENEPCIS = fixture('openepcis-test-resources/2.0/EPCIS/JSON');

function walk(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .sort();
}

const isJson = (f: string) => /\.json(ld)?$/.test(f);

function parseFile(file: string): EpcisParseResult {
  return parseEpcisJson(fs.readFileSync(file, 'utf8'), { file: path.relative(FIXTURES, file) });
}

function gs1(name: string): EpcisParseResult {
  return parseFile(path.join(GS1, name));
}

function only<K extends CanonicalEvent['kind']>(events: CanonicalEvent[], kind: K): EventOf<K>[] {
  return events.filter((e): e is EventOf<K> => e.kind === kind);
}

/** The error a call throws, so tests can look at code, where and message separately. */
function errorOf(fn: () => unknown): TracegraphError {
  try {
    fn();
  } catch (e) {
    if (e instanceof TracegraphError) return e;
    throw e;
  }
  throw new Error('expected a TracegraphError, but nothing was thrown');
}

/** Every identifier an event names: items, places, parties, transactions. */
function mentionedIds(events: CanonicalEvent[]): Set<string> {
  const ids: string[] = [];
  for (const e of events) {
    const c = e.context;
    ids.push(...[c?.readPoint, c?.bizLocation].filter((x): x is string => x !== undefined));
    for (const ref of [...(c?.sources ?? []), ...(c?.destinations ?? []), ...(c?.bizTransactions ?? [])]) ids.push(ref.id);
    switch (e.kind) {
      case 'operation':
        ids.push(e.station, ...e.inputs.map((i) => i.id), ...e.outputs.map((o) => o.id));
        break;
      case 'pack':
        ids.push(e.parent, ...e.children);
        break;
      case 'ship':
        ids.push(...e.items, e.customer);
        break;
      case 'receive':
        ids.push(e.lot, e.material, e.supplier);
        break;
      case 'scan':
        ids.push(e.id, e.station);
        break;
      case 'reading':
        ids.push(e.equipmentId);
        break;
      default:
        break;
    }
  }
  return new Set(ids);
}

const doc = (eventList: unknown[]) =>
  JSON.stringify({
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-03-01T08:00:00Z',
    epcisBody: { eventList },
  });

describe('EPCIS 2.0 JSON import: GS1 examples', () => {
  it('parses every GS1 EPCIS 2.0 JSON-LD example into valid canonical events', () => {
    const files = walk(GS1).filter(isJson);
    expect(files.length).toBeGreaterThan(40);
    for (const file of files) {
      const result = parseFile(file);
      const json = JSON.parse(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
      const listed = json.epcisBody.eventList ?? json.epcisBody.queryResults.resultsBody.eventList;
      expect(result.eventCount, file).toBe(listed.length);
      expect(result.events.length, file).toBeGreaterThan(0);
      for (const event of result.events) expect(CanonicalEvent.safeParse(event).success, file).toBe(true);
    }
  });

  it('links every input of the 9.6.4 TransformationEvent to all four output serials', () => {
    const [op, ...rest] = gs1('Example_9.6.4-TransformationEvent.jsonld').events;
    expect(rest).toEqual([]);
    if (op?.kind !== 'operation') throw new Error(`expected an operation, got ${op?.kind}`);
    expect(op.inputs).toEqual([
      { id: 'urn:epc:id:sgtin:4012345.011122.25' },
      { id: 'urn:epc:id:sgtin:4000001.065432.99886655' },
      { id: 'urn:epc:class:lgtin:4012345.011111.4444', qty: 10, uom: 'KGM' },
      { id: 'urn:epc:class:lgtin:0614141.077777.987', qty: 30 },
      { id: 'urn:epc:idpat:sgtin:4012345.066666.*', qty: 220 },
    ]);
    expect(op.outputs).toEqual(
      ['25', '26', '27', '28'].map((s) => ({ id: `urn:epc:id:sgtin:4012345.077889.${s}`, type: 'unit' })),
    );
    // No transformationID, no bizLocation: the event id and the readPoint stand in.
    expect(op.operationId).toBe(op.eventId);
    expect(op.step).toBe('commissioning');
    expect(op.station).toBe('urn:epc:id:sgln:4012345.00001.0');
    expect(op.context).toMatchObject({ epcisType: 'TransformationEvent', disposition: 'in_progress' });
  });

  it('maps the 9.6.1 shipping ObjectEvent to a ship and the receiving OBSERVE to a scan', () => {
    const { events } = gs1('Example_9.6.1-ObjectEvent.jsonld');
    expect(events.map((e) => e.kind)).toEqual(['ship', 'scan']);
    const [ship, scan] = events as [EventOf<'ship'>, EventOf<'scan'>];
    expect(ship).toMatchObject({
      eventId: 'ni:///sha-256;df7bb3c352fef055578554f09f5e2aa41782150ced7bd0b8af24dd3ccb30ba69?ver=CBV2.0',
      eventTime: '2005-04-03T20:33:31.116000-06:00',
      shipmentId: 'ni:///sha-256;df7bb3c352fef055578554f09f5e2aa41782150ced7bd0b8af24dd3ccb30ba69?ver=CBV2.0',
      items: ['urn:epc:id:sgtin:0614141.107346.2017', 'urn:epc:id:sgtin:0614141.107346.2018'],
      customer: 'unknown',
      context: {
        action: 'OBSERVE',
        bizStep: 'shipping',
        disposition: 'in_transit',
        readPoint: 'urn:epc:id:sgln:0614141.07346.1234',
      },
    });
    expect(ship.context?.bizTransactions).toEqual([{ type: 'po', id: 'http://transaction.acme.com/po/12345678' }]);
    expect(scan).toMatchObject({
      id: 'urn:epc:id:sgtin:0614141.107346.2018',
      station: 'urn:epc:id:sgln:0012345.11111.400',
      step: 'receiving',
      context: { bizLocation: 'urn:epc:id:sgln:0012345.11111.0' },
    });
    expect(scan.context?.bizTransactions).toContainEqual({
      type: 'desadv',
      id: 'urn:epcglobal:cbv:bt:0614141073467:1152',
    });
  });

  it('maps the 9.6.2 receiving ObjectEvent with a supplier source to a receive of the lot', () => {
    const { events } = gs1('Example_9.6.2-ObjectEvent.jsonld');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: 'receive',
      lot: 'urn:epc:class:lgtin:4012345.012345.998877',
      material: 'urn:epc:idpat:sgtin:4012345.012345.*',
      qty: 200,
      uom: 'KGM',
      supplier: 'urn:epc:id:sgln:4012345.00001.0',
      supplierLot: '998877',
      context: {
        sources: [
          { type: 'possessing_party', id: 'urn:epc:id:sgln:4012345.00001.0' },
          { type: 'location', id: 'urn:epc:id:sgln:4012345.00225.0' },
        ],
        destinations: [
          { type: 'owning_party', id: 'urn:epc:id:sgln:0614141.00001.0' },
          { type: 'location', id: 'urn:epc:id:sgln:0614141.00777.0' },
        ],
      },
    });
  });

  it('maps the 9.6.3 AggregationEvent to a pack of serials and quantity classes into the pallet', () => {
    const { events } = gs1('Example_9.6.3-AggregationEvent.jsonld');
    expect(events).toEqual([
      expect.objectContaining({
        kind: 'pack',
        parent: 'urn:epc:id:sscc:0614141.1234567890',
        children: [
          'urn:epc:id:sgtin:0614141.107346.2017',
          'urn:epc:id:sgtin:0614141.107346.2018',
          'urn:epc:idpat:sgtin:4012345.098765.*',
          'urn:epc:class:lgtin:4012345.012345.998877',
        ],
        action: 'add',
      }),
    ]);
  });

  it('maps AssociationEvents a..h to packs that add or remove children, DELETE without children removing all', () => {
    const expected: Record<string, { parent: string; children: string[]; action: 'add' | 'remove' }> = {
      a: { parent: 'urn:epc:id:grai:4012345.55555.987', children: ['urn:epc:id:giai:4000001.12345'], action: 'add' },
      b: { parent: 'urn:epc:id:sgln:4012345.00002.12', children: ['urn:epc:id:giai:4000001.12346'], action: 'add' },
      c: { parent: 'urn:epc:id:grai:4012345.55555.987', children: ['urn:epc:id:giai:4000001.12345'], action: 'remove' },
      d: { parent: 'urn:epc:id:grai:4012345.55555.987', children: [], action: 'remove' },
      e: {
        parent: 'urn:epc:id:grai:4012345.55555.987',
        children: ['urn:epc:class:lgtin:4023333.002000.123', 'urn:epc:class:lgtin:4012345.005555.456'],
        action: 'add',
      },
      f: {
        parent: 'urn:epc:id:grai:4012345.55555.98765',
        children: ['urn:epc:id:giai:4000001.12345', 'urn:epc:id:giai:4000001.12346', 'urn:epc:class:lgtin:4023333.002000.998877'],
        action: 'add',
      },
      g: { parent: 'urn:epc:id:grai:4012345.55555.987', children: [], action: 'remove' },
      h: {
        parent: 'urn:epc:id:grai:4012345.55555.987',
        children: ['urn:epc:id:giai:4000001.12345', 'urn:epc:id:giai:4000001.12346'],
        action: 'remove',
      },
    };
    for (const [letter, pack] of Object.entries(expected)) {
      const { events } = gs1(`AssociationEvent/AssociationEvent-${letter}.jsonld`);
      const packs = only(events, 'pack');
      expect(packs, letter).toHaveLength(1);
      expect(packs[0], letter).toMatchObject({ ...pack, context: { epcisType: 'AssociationEvent' } });
    }
    // f also carries sensor data; g is declared erroneous.
    expect(only(gs1('AssociationEvent/AssociationEvent-f.jsonld').events, 'reading').length).toBeGreaterThan(0);
    expect(gs1('AssociationEvent/AssociationEvent-g.jsonld').events[0]?.errorDeclaration).toMatchObject({
      reason: 'incorrect_data',
    });
  });

  it('maps TransactionEvents that are not shipping to scans with a deterministic id when eventID is absent', () => {
    const first = gs1('Example-TransactionEvents-2020_07_03y.jsonld');
    const again = gs1('Example-TransactionEvents-2020_07_03y.jsonld');
    expect(first.events.map((e) => e.kind)).toEqual(['scan', 'scan']);
    expect(first.events.map((e) => e.eventId)).toEqual(again.events.map((e) => e.eventId));
    for (const e of first.events) {
      expect(e.eventId).toMatch(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
      expect(e.context?.epcisEventId).toBe(e.eventId);
    }
    expect(first.events[1]).toMatchObject({
      id: 'urn:epc:id:giai:952005385.w2',
      step: 'transporting',
      station: 'urn:epc:id:sgln:952005385.011.ts4711',
      context: {
        bizTransactions: [
          { type: 'urn:gs1:epcisapp:rail:btt:passage', id: 'http://transaction.examplerail.com/passage/xyz12345' },
        ],
      },
    });
  });

  it('maps a shipping TransactionEvent to a ship of its EPCs, classes and parent, to the owning party', () => {
    const [ship] = only(gs1('WithFullCombinationOfFields/transaction_event_all_possible_fields.jsonld').events, 'ship');
    expect(ship).toMatchObject({
      items: [
        'urn:epc:id:sgtin:0614141.107346.2017',
        'urn:epc:id:sgtin:0614141.107346.2018',
        'urn:epc:class:lgtin:4012345.011111.4444',
        'urn:epc:id:sscc:0614141.1234567890',
      ],
      customer: 'urn:epc:id:pgln:0614141.00777',
      qty: 10,
    });
    // No desadv among its bizTransactions (po, pedigree): the shipment is named by the event.
    expect(ship?.shipmentId).toBe(ship?.eventId);
  });

  it('gives Digital Link examples the same identifiers as their EPC URN twins', () => {
    // GS1's Digital Link twins of 9.6.1-9.6.3 use GTIN 70614141123451 (-> 0614141.712345) where
    // the URN files use 0614141.107346 or, in 9.6.2, 4012345.012345: genuinely different items,
    // not a normalisation gap. Those are mapped explicitly; everything else must match as is.
    // 9.6.4 differs only in spelling, so it must match exactly.
    const differsInContent: Record<string, Array<[string, string]>> = {
      '9.6.1-ObjectEvent': [['sgtin:0614141.107346.', 'sgtin:0614141.712345.']],
      '9.6.2-ObjectEvent': [
        ['lgtin:4012345.012345.998877', 'lgtin:0614141.712345.998877'],
        ['idpat:sgtin:4012345.012345.*', 'idpat:sgtin:0614141.712345.*'],
      ],
      '9.6.3-AggregationEvent': [['sgtin:0614141.107346.', 'sgtin:0614141.712345.']],
      '9.6.4-TransformationEvent': [],
    };
    for (const [name, substitutions] of Object.entries(differsInContent)) {
      const urn = gs1(`Example_${name}.jsonld`).events;
      const dl = gs1(`WithDigitalLinkID/Example_${name}WithDigitalLink.jsonld`).events;
      expect(
        dl.map((e) => e.kind),
        name,
      ).toEqual(urn.map((e) => e.kind));
      const expected = [...mentionedIds(urn)].map((id) => substitutions.reduce((s, [from, to]) => s.replace(from, to), id));
      expect([...mentionedIds(dl)].sort(), name).toEqual(expected.sort());
      expect(
        [...mentionedIds(dl)].filter((id) => id.startsWith('https://id.gs1.org/')),
        name,
      ).toEqual([]);
    }
  });

  it('turns sensor reports into readings with device, short type, unit and the report time', () => {
    const one = only(gs1('WithSensorData/SensorDataExample1.jsonld').events, 'reading');
    expect(one).toHaveLength(12);
    expect(one[0]).toMatchObject({
      equipmentId: 'urn:epc:id:giai:4000001.111',
      parameter: 'Temperature',
      value: 26,
      uom: 'CEL',
      eventTime: '2019-04-02T14:05:00.000+01:00',
    });
    // Per-report time wins over the metadata time and the event time.
    const five = only(gs1('WithSensorData/SensorDataExample5.jsonld').events, 'reading');
    expect(five.map((r) => r.eventTime)).toEqual(
      ['05', '15', '25', '35', '45', '55'].map((m) => `2019-04-02T14:${m}:00.000+01:00`),
    );
    // Aggregated reports: mean when given, else max.
    const two = only(gs1('WithSensorData/SensorDataExample2.jsonld').events, 'reading');
    expect(two.map((r) => [r.parameter, r.value])).toEqual([
      ['Temperature', 26.1],
      ['AbsoluteHumidity', 12.2],
      ['Speed', 162],
      ['Illuminance', 802],
    ]);
    // A sensor-only ObjectEvent names no object: it yields readings only, but is still counted.
    const sensorOnly = gs1('WithSensorData/SensorDataExample1b.jsonld');
    expect(sensorOnly.eventCount).toBe(1);
    expect(new Set(sensorOnly.events.map((e) => e.kind))).toEqual(new Set(['reading']));
  });

  it('produces readings for every sensor example that reports a numeric value', () => {
    for (const file of walk(path.join(GS1, 'WithSensorData')).filter(isJson)) {
      const json = fs.readFileSync(file, 'utf8');
      const numeric = /"(value|minValue|maxValue|meanValue)"\s*:\s*-?\d/.test(json);
      const readings = only(parseFile(file).events, 'reading');
      expect(readings.length > 0, file).toBe(numeric);
      for (const r of readings) expect(r.parameter, file).not.toMatch(/^(gs1:|https?:)/);
    }
  });

  it('keeps the error declaration on every canonical event made from a declared-erroneous EPCIS event', () => {
    const { events } = gs1('WithErrorDeclaration/ErrorDeclarationAndCorrectiveEvent.jsonld');
    expect(events.map((e) => e.kind)).toEqual(['operation', 'operation']);
    expect(events[0]?.errorDeclaration).toEqual({
      declarationTime: '2020-01-15T00:00:00+01:00',
      reason: 'incorrect_data',
      correctiveEventIds: ['urn:uuid:404d95fc-9457-4a51-bd6a-0bba133845a8'],
    });
    expect(events[1]?.errorDeclaration).toBeUndefined();
    expect(events[1]?.eventId).toBe('urn:uuid:404d95fc-9457-4a51-bd6a-0bba133845a8');

    const objectEvent = gs1('WithErrorDeclaration/Example_9.6.1-ObjectEvent-with-error-declaration.jsonld').events;
    expect(objectEvent[0]?.errorDeclaration?.correctiveEventIds).toHaveLength(2);

    // One EPCIS event -> receive + scan + reading: all carry the declaration and the EPCIS id.
    const all = gs1('WithFullCombinationOfFields/object_event_all_possible_fields.jsonld').events;
    expect(all.length).toBeGreaterThan(1);
    const epcisId = all[0]?.eventId;
    expect(all.map((e) => e.eventId)).toEqual(all.map((_, i) => (i === 0 ? epcisId : `${epcisId}#${i + 1}`)));
    for (const e of all) {
      expect(e.context?.epcisEventId).toBe(epcisId);
      expect(e.errorDeclaration?.reason).toBe('incorrect_data');
    }
  });

  it('reads an EPCISQueryDocument from queryResults.resultsBody.eventList', () => {
    const result = gs1('EPCISQueryDocument.jsonld');
    expect(result.documentType).toBe('EPCISQueryDocument');
    expect(result.eventCount).toBe(2);
    expect(result.events.map((e) => e.kind)).toEqual(['ship', 'scan']);
  });
});

describe('EPCIS 2.0 JSON import: openepcis-test-resources', () => {
  it('accepts every EPCIS 2.0 JSON capture document', () => {
    const dir = path.join(OPENEPCIS, 'Capture/Documents');
    const files = walk(dir).filter(isJson);
    expect(files.length).toBeGreaterThan(30);
    for (const file of files) {
      const result = parseFile(file);
      expect(result.documentType, file).toBe('EPCISDocument');
      expect(result.eventCount, file).toBeGreaterThan(0);
      for (const event of result.events) expect(CanonicalEvent.safeParse(event).success, file).toBe(true);
    }
  });

  it('accepts bare capture events and EPCIS query documents', () => {
    for (const file of walk(path.join(OPENEPCIS, 'Capture/Events')).filter(isJson)) {
      const result = parseFile(file);
      expect(result.documentType, file).toBe('events');
      expect(result.eventCount, file).toBe(1);
    }
    // Query/Queries holds query parameter bodies, not documents; Invalid holds negative cases.
    const queryDocs = walk(path.join(OPENEPCIS, 'Query')).filter((f) => isJson(f) && !/[/\\](Queries|Invalid)[/\\]/.test(f));
    expect(queryDocs.length).toBeGreaterThan(5);
    for (const file of queryDocs) expect(parseFile(file).documentType, file).toBe('EPCISQueryDocument');
  });

  it('rejects every JSON file in an Invalid folder with BAD_EPCIS naming the offending field', () => {
    const expectedMessage: Record<string, RegExp> = {
      'Combination_of_events_with_missing_mandatory_fields.json': /eventList\[0\] \(ObjectEvent\): action: missing/,
      'Combination_of_multiple_invalid_fields.json': /bizStep: "transforming" is not a CBV bizStep/,
      'Combination_of_non_standard_bizStep_and_disposition.json': /bizStep: "transforming" is not a CBV bizStep/,
      'EPCISDocument_without_context.json': /@context: missing/,
      'ObjectEvent_with_ilmd_field_without_namespace.json': /ilmd\.materialType: needs a namespace prefix/,
      'ObjectEvent_with_invalid_action.json': /action: must be ADD, OBSERVE or DELETE/,
      'ObjectEvent_with_invalid_certificationInfo.json': /certificationInfo: must be a URI or a list of URIs/,
      'ObjectEvent_with_invalid_eventTime_format.json': /eventTime: must be an ISO 8601 date-time with an offset/,
      'ObjectEvent_with_non_standard_bizStep.json': /bizStep: "transforming"/,
      'ObjectEvent_with_non_standard_bizStep_in_second_event.json': /eventList\[1\] \(ObjectEvent\): bizStep: "transforming"/,
      'ObjectEvent_with_non_standard_disposition.json': /disposition: "in_transport" is not a CBV disposition/,
      'ObjectEvent_with_quantity_as_text.json': /quantityList\[0\]\.quantity: must be a number/,
      'ObjectEvent_with_unknown_field_in_quantityList.json': /quantityList\[0\]\.weight: unknown field "weight"/,
      'ObjectEvent_without_action_and_eventTime.json': /eventTime: missing; action: missing/,
      'ObjectEvent_without_identifier_list.json': /epcList: missing: an ObjectEvent needs epcList, quantityList/,
      'QueryDocument_with_invalid_action.json': /action: must be ADD, OBSERVE or DELETE/,
      'QueryDocument_with_invalid_eventType.json': /unknown event type "ObjectEventInvalid"/,
      // Query/Queries/Invalid holds SimpleEventQuery parameter bodies, not EPCIS documents or
      // events: they are rejected because they are not capture input at all, not for the bad
      // query parameter each one is about (that is the query endpoint's job).
      'Query_with_invalid_values.json': /type: missing; expected EPCISDocument, EPCISQueryDocument/,
      'Query_with_unknown_parameter.json': /type: missing; expected EPCISDocument, EPCISQueryDocument/,
    };
    const invalid = walk(OPENEPCIS).filter((f) => isJson(f) && f.split(path.sep).includes('Invalid'));
    expect(invalid).toHaveLength(Object.keys(expectedMessage).length);
    for (const file of invalid) {
      const error = errorOf(() => parseFile(file));
      expect(error.code, file).toBe('BAD_EPCIS');
      expect(error.where, file).toContain(path.basename(file));
      expect(error.message, file).toMatch(expectedMessage[path.basename(file)] ?? /^$/);
    }
  });
});

describe('EPCIS 2.0 JSON import: input handling', () => {
  const transformation = {
    type: 'TransformationEvent',
    eventTime: '2026-03-01T08:00:00+01:00',
    inputEPCList: ['urn:epc:id:sgtin:4012345.011122.25'],
    outputEPCList: ['urn:epc:id:sgtin:4012345.077889.25'],
  };

  it('names the file, the event index and its type, and the field in every error', () => {
    const { eventTime: _, ...noTime } = transformation;
    const error = errorOf(() => parseEpcisJson(doc([transformation, noTime]), { file: 'doc.jsonld' }));
    expect(error.code).toBe('BAD_EPCIS');
    expect(error.where).toBe('doc.jsonld eventList[1] (TransformationEvent)');
    expect(error.message).toBe('doc.jsonld eventList[1] (TransformationEvent): eventTime: missing');
  });

  it('rejects an unknown event type, a local eventTime and a text quantity', () => {
    const unknown = errorOf(() => parseEpcisJson(doc([{ ...transformation, type: 'FooEvent' }])));
    expect(unknown.message).toMatch(/unknown event type "FooEvent"/);
    const local = errorOf(() => parseEpcisJson(doc([{ ...transformation, eventTime: '2026-03-01T08:00:00' }])));
    expect(local.message).toMatch(/eventTime: must be an ISO 8601 date-time with an offset/);
    const text = errorOf(() =>
      mapEpcisEvent(
        { ...transformation, inputQuantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.011111.1', quantity: '5' }] },
        'mqtt',
      ),
    );
    expect(text.where).toBe('mqtt (TransformationEvent)');
    expect(text.message).toMatch(/inputQuantityList\[0\]\.quantity: must be a number/);
  });

  it('reports malformed JSON with line and column', () => {
    const broken = '{\n  "type": "EPCISDocument",\n  "epcisBody": {\n    "eventList": [1 2]\n  }\n}';
    const error = errorOf(() => parseEpcisJson(broken, { file: 'broken.json' }));
    expect(error.code).toBe('BAD_EPCIS');
    expect(error.where).toBe('broken.json');
    expect(error.message).toMatch(/invalid JSON at line 4, column 21: /);
    const truncated = errorOf(() => parseEpcisJson('{\n  "type": ', { file: 't.json' }));
    expect(truncated.message).toMatch(/invalid JSON at line 2, column 11: Unexpected end of JSON input/);
  });

  it('ignores a UTF-8 byte order mark', () => {
    const text = doc([transformation]);
    expect(parseEpcisJson('\uFEFF' + text)).toEqual(parseEpcisJson(text));
  });

  it('accepts a bare event and a bare array of events', () => {
    const single = parseEpcisJson(JSON.stringify(transformation));
    expect(single).toMatchObject({ documentType: 'events', eventCount: 1 });
    const list = parseEpcisJson(JSON.stringify([transformation, transformation]));
    expect(list).toMatchObject({ documentType: 'events', eventCount: 2 });
    const error = errorOf(() => parseEpcisJson(JSON.stringify([transformation, { type: 'ObjectEvent' }]), { file: 'a.json' }));
    expect(error.where).toBe('a.json [1] (ObjectEvent)');
  });

  it('gives an event without eventID the same id whatever its key order, and numbers its extra canonical events', () => {
    const event = {
      type: 'ObjectEvent',
      action: 'OBSERVE',
      eventTime: '2026-03-01T08:00:00Z',
      epcList: ['urn:epc:id:sgtin:4012345.011111.1', 'urn:epc:id:sgtin:4012345.011111.2'],
      readPoint: { id: 'urn:epc:id:sgln:4012345.00001.0' },
    };
    const reordered = Object.fromEntries(Object.entries(event).reverse());
    const a = mapEpcisEvent(event, 'a');
    const b = mapEpcisEvent(reordered, 'b');
    expect(a.map((e) => e.eventId)).toEqual(b.map((e) => e.eventId));
    const id = a[0]?.eventId;
    expect(a.map((e) => e.eventId)).toEqual([id, `${id}#2`]);
    expect(a.map((e) => e.context?.epcisEventId)).toEqual([id, id]);
  });

  it('receives each lot of an ADD receiving ObjectEvent and scans its serials', () => {
    const events = mapEpcisEvent(
      {
        type: 'ObjectEvent',
        action: 'ADD',
        bizStep: 'urn:epcglobal:cbv:bizstep:receiving',
        eventTime: '2026-03-01T08:00:00Z',
        epcList: ['https://id.gs1.org/01/04012345111118/21/7'],
        quantityList: [
          { epcClass: 'https://id.gs1.org/01/04012345111118/10/L1' },
          { epcClass: 'plant-lot-9', quantity: 3, uom: 'KGM' },
        ],
        bizLocation: { id: 'urn:epc:id:sgln:4012345.00001.0' },
      },
      'x',
    );
    expect(events).toMatchObject([
      {
        kind: 'receive',
        lot: 'urn:epc:class:lgtin:4012345.011111.L1',
        material: 'urn:epc:idpat:sgtin:4012345.011111.*',
        qty: 1,
        uom: 'EA',
        supplier: 'unknown',
        supplierLot: 'L1',
      },
      { kind: 'receive', lot: 'plant-lot-9', material: 'plant-lot-9', qty: 3, uom: 'KGM' },
      {
        kind: 'scan',
        id: 'urn:epc:id:sgtin:4012345.011111.7',
        station: 'urn:epc:id:sgln:4012345.00001.0',
        step: 'receiving',
      },
    ]);
  });

  it('ships to the owning party under the desadv number and sums the quantities', () => {
    const [ship, ...rest] = mapEpcisEvent(
      {
        type: 'ObjectEvent',
        action: 'OBSERVE',
        bizStep: 'https://ref.gs1.org/cbv/BizStep-departing',
        eventTime: '2026-03-01T08:00:00Z',
        quantityList: [
          { epcClass: 'urn:epc:class:lgtin:4012345.011111.A', quantity: 2 },
          { epcClass: 'urn:epc:class:lgtin:4012345.011111.B', quantity: 3.5 },
        ],
        bizTransactionList: [
          { type: 'urn:epcglobal:cbv:btt:desadv', bizTransaction: 'urn:epcglobal:cbv:bt:4012345000009:ASN-1' },
        ],
        destinationList: [
          { type: 'location', destination: 'urn:epc:id:sgln:0614141.00777.0' },
          { type: 'cbv:SDT-possessing_party', destination: 'urn:epc:id:pgln:0614141.00777' },
        ],
      },
      'x',
    );
    expect(rest).toEqual([]);
    expect(ship).toMatchObject({
      kind: 'ship',
      shipmentId: 'urn:epcglobal:cbv:bt:4012345000009:ASN-1',
      customer: 'urn:epc:id:pgln:0614141.00777',
      qty: 5.5,
      context: {
        bizStep: 'departing',
        bizTransactions: [{ type: 'desadv' }],
        destinations: [{ type: 'location' }, { type: 'possessing_party' }],
      },
    });
  });

  it('scans the children of an aggregation without a parent instead of packing them', () => {
    const events = mapEpcisEvent(
      {
        type: 'AggregationEvent',
        action: 'DELETE',
        eventTime: '2026-03-01T08:00:00Z',
        childEPCs: ['urn:epc:id:sgtin:4012345.011111.1'],
        readPoint: { id: 'urn:epc:id:sgln:4012345.00001.0' },
      },
      'x',
    );
    expect(events).toMatchObject([
      { kind: 'scan', id: 'urn:epc:id:sgtin:4012345.011111.1', station: 'urn:epc:id:sgln:4012345.00001.0' },
    ]);
  });

  it('shortens every spelling of a CBV value and keeps other values verbatim', () => {
    for (const spelling of [
      'receiving',
      'cbv:BizStep-receiving',
      'https://ref.gs1.org/cbv/BizStep-receiving',
      'urn:epcglobal:cbv:bizstep:receiving',
      'urn:epcglobal:cbv:bizStep:receiving',
    ]) {
      expect(shortCbv(spelling), spelling).toBe('receiving');
    }
    expect(shortCbv('urn:epcglobal:cbv:disp:in_transit')).toBe('in_transit');
    expect(shortCbv('https://ref.gs1.org/cbv/BTT-desadv')).toBe('desadv');
    expect(shortCbv('urn:epcglobal:cbv:sdt:owning_party')).toBe('owning_party');
    expect(shortCbv('urn:epcglobal:cbv:er:incorrect_data')).toBe('incorrect_data');
    expect(shortCbv('gs1:MT-Temperature')).toBe('Temperature');
    expect(shortCbv('Temperature')).toBe('Temperature');
    expect(shortCbv('https://example.com/bizStep/inspecting')).toBe('https://example.com/bizStep/inspecting');
    expect(shortCbv('urn:gdst:bizStep:landing')).toBe('urn:gdst:bizStep:landing');
  });

  it('accepts private bizStep URIs but rejects unknown words in the CBV namespace', () => {
    const event = { type: 'ObjectEvent', action: 'OBSERVE', eventTime: '2026-03-01T08:00:00Z', epcList: ['x-1'] };
    expect(mapEpcisEvent({ ...event, bizStep: 'https://example.com/steps/curing' }, 'x')[0]).toMatchObject({
      step: 'https://example.com/steps/curing',
    });
    expect(errorOf(() => mapEpcisEvent({ ...event, bizStep: 'cbv:BizStep-curing' }, 'x')).message).toMatch(
      /bizStep: "cbv:BizStep-curing" is not a CBV bizStep/,
    );
  });
});
