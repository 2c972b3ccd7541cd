/**
 * OpenTraceability's EPCIS test data (JSON-LD and 1.2 XML, GDST profile): every document is
 * captured except those the fixtures README names as broken on purpose or not strict JSON, and the
 * few files that are not EPCIS documents at all. One test per file. (Traceback counts are in
 * opentraceability-traceback.test.ts.)
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, isJson, isXml, readFixture, rejection, walk } from './epcis-fixtures.ts';

const ROOT = fixture('opentraceability');
const files = walk(ROOT).filter((f) => isJson(f) || isXml(f));
const rel = (f: string) => path.relative(ROOT, f);

/** Files capture rejects, and why (README "EPCIS conformance: exclusions"). */
const REJECTED: Record<string, RegExp> = {
  // Named by the fixtures README: broken on purpose, or not strict JSON.
  'Tests-Data/EPCISQueryDocument_malformed.jsonld': /invalid JSON at line 2, column 1/,
  'Tests-Data/EPCISQUERYDOCUMENT_advanced_5.jsonld': /invalid JSON at line 1330, column 25: Expected double-quoted property name/,
  'TestServer-Data/beef-leather-example/events.jsonld': /invalid JSON at line 331, column 2/,
  // "must fail schema checks": an EPCIS 1.2 ObjectEvent without the epcList the 1.2 XSD requires.
  'Tests-Data/querydoc_fail_schemacheck.xml': /EventList\[3\] \(ObjectEvent\): <epcList>: missing \(the EPCIS XSD requires it/,
  // Not EPCIS documents: an EPC-parsing table and GS1 Web Vocabulary master data.
  'Tests-Data/epc_tests.json': /\[0\] \(Class\): unknown event type "Class"/,
  'Tests-Data/gs1-vocab-locations01.json': /type: missing; expected EPCISDocument/,
  'Tests-Data/gs1-vocab-products01.json': /type: missing; expected EPCISDocument/,
  'Tests-Data/gs1-vocab-tradingparties01.json': /type: missing; expected EPCISDocument/,
};

describe('OpenTraceability: EPCIS documents are captured', () => {
  it('finds the documents', () => expect(files.length).toBeGreaterThan(60));
  for (const file of files) {
    const name = rel(file);
    const reason = REJECTED[name];
    if (reason !== undefined) {
      it(`${name} is rejected (documented)`, async () => {
        const error = await rejection(file);
        expect(error.code).toBe('BAD_EPCIS');
        expect(error.message).toMatch(reason);
      });
      continue;
    }
    it(`${name} is accepted`, async () => {
      const doc = await readFixture(file);
      // An empty query result (EPCISQUERYDOCUMENT_advanced_16) is a document too.
      expect(['EPCISDocument', 'EPCISQueryDocument']).toContain(doc.documentType);
      expect(doc.epcisEvents.every((e) => typeof e.eventID === 'string')).toBe(true);
    });
  }
});
