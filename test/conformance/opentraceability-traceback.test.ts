/**
 * OpenTraceability's stated traceback counts (CSharp/OpenTraceability.Tests/Queries/QueryTests.cs),
 * reproduced by `traceEvents(..., 'backward')` on its own files, on every backend.
 * Origin and licence of the files: test/fixtures/opentraceability/SOURCE.md.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphStore } from '../../cypher/port.ts';
import { importEpcisFile } from '../../ingest/files.ts';
import { fixture } from '../helpers/fixtures.ts';
import { backends } from '../helpers/stores.ts';

const DATA = fixture('opentraceability/Tests-Data');

const CASES: { file: string; from: string; events: number }[] = [
  { file: 'traceback_tests.jsonld', from: 'urn:gdst:example.org:product:lot:class:processor.2u.v1-0122-2022', events: 16 },
  { file: 'epcisquerydoc-example01.jsonld', from: 'urn:epc:id:sscc:08600031303.0003', events: 18 },
  { file: 'epcisquerydoc-example01.jsonld', from: 'urn:epc:id:sscc:0614141.1234567890', events: 13 },
];

// One `it` per stated case (the conformance report counts them); each checks every available backend.
describe('OpenTraceability traceback counts', () => {
  const available = backends().filter((b) => !b.skip);
  const stores: { backend: string; byFile: Map<string, GraphStore> }[] = [];
  beforeAll(async () => {
    for (const backend of available) {
      const byFile = new Map<string, GraphStore>();
      // Neo4j has one database per server: both files go into one graph (their ids do not overlap).
      for (const file of new Set(CASES.map((c) => c.file))) {
        const store = backend.name === 'neo4j' && byFile.size ? [...byFile.values()][0]! : await backend.open();
        await importEpcisFile(store, resolve(DATA, file));
        byFile.set(file, store);
      }
      stores.push({ backend: backend.name, byFile });
    }
  });
  afterAll(async () => {
    for (const b of available) await b.release();
  });

  for (const c of CASES)
    it(`traceback from ${c.from} in ${c.file} lists ${c.events} distinct events`, async () => {
      expect(stores.length).toBeGreaterThan(0);
      for (const { backend, byFile } of stores) {
        const events = await byFile.get(c.file)!.traceEvents([c.from], 'backward');
        expect({ backend, events: events.length }).toEqual({ backend, events: c.events });
        expect(new Set(events).size).toBe(events.length);
      }
    });
});
