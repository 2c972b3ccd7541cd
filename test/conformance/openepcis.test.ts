/**
 * OpenEPCIS test resources (EPCIS 1.2 XML, 2.0 XML and JSON): every document outside an `Invalid`
 * folder is captured, every one inside is rejected naming the event and the field, and each XML
 * document builds the same graph as its JSON twin. One test per file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, graphInput, isJson, isXml, readFixture, rejection, walk } from './epcis-fixtures.ts';

const ROOT = fixture('openepcis-test-resources');
const V2 = path.join(ROOT, '2.0/EPCIS');
const rel = (f: string) => path.relative(ROOT, f);
const files = walk(ROOT).filter((f) => isXml(f) || isJson(f));

/**
 * Files outside `Invalid` that capture rejects, on purpose (README "EPCIS conformance: exclusions").
 * - Query/Queries holds query requests (SimpleEventQuery parameters, a Poll): not events to capture.
 * - JumbledFieldsOrder.xml breaks the EPCIS 2.0 XSD's element sequence, exactly as the Invalid case
 *   ObjectEvent_with_wrong_element_order.xml does; XML Schema validity includes element order, so
 *   both are rejected (the JSON twin, where order carries no meaning, is accepted).
 */
const NOT_CAPTURED: Record<string, RegExp> = {
  '2.0/EPCIS/JSON/Query/Queries/SimpleEventQuery.json': /type: missing; expected EPCISDocument, EPCISQueryDocument/,
  '2.0/EPCIS/XML/Query/Queries/SimpleEventQuery.xml': /<Poll>: this document is a query request, not events to capture/,
  '2.0/EPCIS/XML/Capture/Documents/JumbledFieldsOrder.xml':
    /EventList\[0\] \(TransactionEvent\): <eventTimeZoneOffset> \(line 9\): out of order/,
  '2.0/EPCIS/XML/Query/JumbledFieldsOrder.xml':
    /EventList\[0\] \(TransactionEvent\): <eventTimeZoneOffset> \(line 9\): out of order/,
};

/** Every Invalid file and what its rejection must say: the event (index, type) and the field. */
const INVALID: Record<string, RegExp> = {
  'Combination_of_events_with_missing_mandatory_fields.json': /eventList\[0\] \(ObjectEvent\): action: missing/,
  'Combination_of_multiple_invalid_fields.json': /\(ObjectEvent\): .*bizStep: "transforming" is not a CBV bizStep/,
  'Combination_of_non_standard_bizStep_and_disposition.json': /\(ObjectEvent\): bizStep: "transforming" is not a CBV bizStep/,
  'EPCISDocument_without_context.json': /@context: missing/,
  'ObjectEvent_with_ilmd_field_without_namespace.json':
    /eventList\[0\] \(ObjectEvent\): ilmd\.materialType: needs a namespace prefix/,
  'ObjectEvent_with_invalid_action.json': /eventList\[0\] \(ObjectEvent\): action: must be ADD, OBSERVE or DELETE/,
  'ObjectEvent_with_invalid_certificationInfo.json': /\(ObjectEvent\): certificationInfo: must be a URI or a list of URIs/,
  'ObjectEvent_with_invalid_eventTime_format.json': /\(ObjectEvent\): eventTime: must be an ISO 8601 date-time with an offset/,
  'ObjectEvent_with_non_standard_bizStep.json': /\(ObjectEvent\): bizStep: "transforming"/,
  'ObjectEvent_with_non_standard_bizStep_in_second_event.json': /eventList\[1\] \(ObjectEvent\): bizStep: "transforming"/,
  'ObjectEvent_with_non_standard_disposition.json': /\(ObjectEvent\): disposition: "in_transport" is not a CBV disposition/,
  'ObjectEvent_with_quantity_as_text.json': /\(ObjectEvent\): quantityList\[0\]\.quantity: must be a number/,
  'ObjectEvent_with_unknown_field_in_quantityList.json': /\(ObjectEvent\): quantityList\[0\]\.weight: unknown field "weight"/,
  'ObjectEvent_without_action_and_eventTime.json': /\(ObjectEvent\): eventTime: missing; action: missing/,
  'ObjectEvent_without_identifier_list.json': /\(ObjectEvent\): epcList: missing: an ObjectEvent needs epcList, quantityList/,
  'QueryDocument_with_invalid_action.json': /eventList\[0\] \(ObjectEvent\): action: must be ADD, OBSERVE or DELETE/,
  'QueryDocument_with_invalid_eventType.json': /eventList\[0\] \(ObjectEventInvalid\): unknown event type "ObjectEventInvalid"/,
  // Query bodies, not documents: rejected as capture input (their bad parameter is the query endpoint's job).
  'Query_with_invalid_values.json': /type: missing; expected EPCISDocument, EPCISQueryDocument/,
  'Query_with_unknown_parameter.json': /type: missing; expected EPCISDocument, EPCISQueryDocument/,
  'ObjectEvent_bare_event_without_action.xml': /ObjectEvent_bare_event_without_action\.xml:1 \(ObjectEvent\): action: missing/,
  'ObjectEvent_with_invalid_action.xml': /:6 EventList\[0\] \(ObjectEvent\): action: must be ADD, OBSERVE or DELETE/,
  'ObjectEvent_with_invalid_eventTime_format.xml': /EventList\[0\] \(ObjectEvent\): eventTime: must be an ISO 8601 date-time/,
  'ObjectEvent_with_near_miss_action.xml': /EventList\[0\] \(ObjectEvent\): action: must be ADD, OBSERVE or DELETE/,
  'ObjectEvent_with_unknown_element.xml': /EventList\[0\] \(ObjectEvent\): <madeUpField> \(line 13\): unknown element/,
  'ObjectEvent_with_wrong_element_order.xml': /EventList\[0\] \(ObjectEvent\): <eventTime> \(line 8\): out of order/,
  'ObjectEvent_without_eventTime.xml': /EventList\[0\] \(ObjectEvent\): eventTime: missing/,
  'QueryDocument_with_invalid_action.xml': /EventList\[0\] \(ObjectEvent\): action: must be ADD, OBSERVE or DELETE/,
  'QueryDocument_with_invalid_eventType.xml': /EventList\[0\]: <ObjectEventInvalid>: unknown event type/,
  'QueryDocument_with_missing_value.xml': /<Poll>: this document is a query request/,
  'Query_without_queryName.xml': /<Poll>: this document is a query request/,
};

const invalid = files.filter((f) => f.split(path.sep).includes('Invalid'));
const valid = files.filter((f) => !invalid.includes(f));

describe('OpenEPCIS: valid documents are captured', () => {
  for (const file of valid) {
    const name = rel(file);
    const reason = NOT_CAPTURED[name];
    if (reason !== undefined) {
      it(`${name} is not captured (documented exclusion)`, async () => {
        expect((await rejection(file)).message).toMatch(reason);
      });
      continue;
    }
    it(`${name} is accepted`, async () => {
      const doc = await readFixture(file);
      expect(doc.epcisEvents.length).toBeGreaterThan(0);
      for (const e of doc.epcisEvents) expect(e.eventID).toMatch(/^(urn:uuid:|ni:\/\/\/sha-256;|https?:|urn:)/);
    });
  }
});

describe('OpenEPCIS: every Invalid document is rejected, naming the event and the field', () => {
  it('knows every Invalid file', () => {
    expect(invalid.map((f) => path.basename(f)).sort()).toEqual(Object.keys(INVALID).sort());
  });
  for (const file of invalid) {
    it(`${rel(file)} is rejected`, async () => {
      const error = await rejection(file);
      expect(error.code).toBe('BAD_EPCIS');
      expect(error.where).toContain(path.basename(file));
      expect(error.message).toMatch(INVALID[path.basename(file)] ?? /^never$/);
    });
  }
});

/**
 * XML/JSON twins whose fixtures say different things: the comparison leaves those fields out.
 * - declarationTime is written `+01:00` in the XML and `Z` in the JSON (another instant).
 * - the `cbvmda` namespace is declared `urn:epcglobal:cbv:mda` in the XML and `...mda:` in the JSON;
 *   CBV 2.0 hashes extension names with their namespace as written, so the hash ids differ.
 */
const DECLARATION_TIME_DIFFERS = [
  'Capture/Documents/Combination_of_different_event',
  'Capture/Events/TransformationEvent',
  'Query/Combination_of_different_event',
];
const NAMESPACE_DIFFERS = [
  'Capture/Documents/SensorData_with_combined_events',
  'Capture/Documents/TransformationEvent_with_userExtensions',
  'Query/SensorData_with_combined_events',
];

const pairs = walk(path.join(V2, 'XML'))
  .filter((f) => !f.split(path.sep).includes('Invalid') && !f.includes(`${path.sep}Queries${path.sep}`))
  .flatMap((xml) => {
    const name = path.relative(path.join(V2, 'XML'), xml).replace(/\.xml$/, '');
    const json = ['.json', '.jsonld'].map((ext) => path.join(V2, 'JSON', name + ext)).find((f) => fs.existsSync(f));
    return json === undefined ? [] : [{ name, xml, json }];
  });

describe('OpenEPCIS: an XML document and its JSON twin build identical graphs', () => {
  it('finds the pairs', () => expect(pairs.length).toBeGreaterThanOrEqual(40));
  for (const { name, xml, json } of pairs) {
    it(`${name}: XML and JSON build identical graphs`, async () => {
      // The twins are compared for content; XML element order is checked in the tests above.
      const fromXml = await readFixture(xml, { xmlSchema: 'lenient' });
      const fromJson = await readFixture(json);
      const drop = DECLARATION_TIME_DIFFERS.includes(name) ? ['errorDeclaration.declarationTime'] : [];
      expect(graphInput(fromXml, drop)).toEqual(graphInput(fromJson, drop));
      const ids = (d: typeof fromXml) => d.epcisEvents.map((e) => e.eventID);
      if (NAMESPACE_DIFFERS.includes(name)) expect(ids(fromXml)).not.toEqual(ids(fromJson));
      else expect(ids(fromXml)).toEqual(ids(fromJson));
    });
  }
});
