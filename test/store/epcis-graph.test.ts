/** GS1's EPCIS 2.0 examples imported into every backend: the graph they build and trace. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normaliseId } from '../../core/ids.ts';
import type { GraphStore } from '../../cypher/port.ts';
import { importEpcisFile } from '../../ingest/files.ts';
import { backends } from '../helpers/stores.ts';
import { fixture } from '../helpers/fixtures.ts';

const GS1 = fixture('gs1-epcis');
const GS1_XML = fixture('gs1-epcis-xml');

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? jsonFiles(p) : /\.jsonld?$/.test(f) ? [p] : [];
  });
}

for (const backend of backends()) {
  describe.skipIf(backend.skip)(`GS1 EPCIS examples on ${backend.name}`, () => {
    afterAll(() => backend.release());

    describe('the 9.6.4 TransformationEvent', () => {
      let store: GraphStore;
      beforeAll(async () => {
        store = await backend.open();
        await importEpcisFile(store, join(GS1, 'Example_9.6.4-TransformationEvent.jsonld'));
      });

      it('traceBackward from an output serial reaches every input lot and serial', async () => {
        const t = await store.traceBackward(['urn:epc:id:sgtin:4012345.077889.25']);
        expect(t.lots).toEqual(
          expect.arrayContaining(['urn:epc:class:lgtin:4012345.011111.4444', 'urn:epc:class:lgtin:0614141.077777.987']),
        );
        expect(t.units).toEqual(['urn:epc:id:sgtin:4000001.065432.99886655', 'urn:epc:id:sgtin:4012345.011122.25']);
      });

      it('traceForward from an input lot reaches the four output serials', async () => {
        const t = await store.traceForward(['urn:epc:class:lgtin:4012345.011111.4444']);
        expect(t.units).toEqual([25, 26, 27, 28].map((n) => `urn:epc:id:sgtin:4012345.077889.${n}`));
      });

      it('a GS1 Digital Link URI, normalised at the boundary, names the same unit', async () => {
        const t = await store.traceBackward([normaliseId('https://id.gs1.org/01/04012345778893/21/25')]);
        expect(t.lots).toContain('urn:epc:class:lgtin:4012345.011111.4444');
      });
    });

    it('the Digital Link twin of 9.6.4 builds the same graph as its EPC URN original', async () => {
      const urn = await backend.open();
      await importEpcisFile(urn, join(GS1, 'Example_9.6.4-TransformationEvent.jsonld'));
      const dl = await backend.open();
      await importEpcisFile(dl, join(GS1, 'WithDigitalLinkID/Example_9.6.4-TransformationEventWithDigitalLink.jsonld'));
      const from = ['urn:epc:id:sgtin:4012345.077889.25'];
      expect(await dl.traceBackward(from)).toEqual(await urn.traceBackward(from));
    });

    it('the declared-in-error transformation stops counting; its corrective event counts', async () => {
      const s = await backend.open();
      const r = await importEpcisFile(s, join(GS1, 'WithErrorDeclaration/ErrorDeclarationAndCorrectiveEvent.jsonld'));
      expect(r.voided).toBe(1);
      const t = await s.traceForward(['urn:epc:class:lgtin:4012345.022222.87545GHGH']);
      expect(t.units).toEqual(['urn:epc:id:sgtin:4012345.033333.AGHFG']);
      expect((await s.stats()).events).toBe(2);
    });

    it('the GS1 XML correction: quantities come from the corrective event (500 KGM, not 452); the erroneous event stays in the record', async () => {
      const s = await backend.open();
      const r = await importEpcisFile(s, join(GS1_XML, 'WithErrorDeclaration/ErrorDeclarationAndCorrectiveEvent.xml'));
      expect(r.voided).toBe(1);
      const q = await s.traceQuantities(['urn:epc:class:lgtin:4012345.022222.87545GHGH'], 'forward');
      const toClass = q.flows.filter((f) => f.to.includes('4012345.044444'));
      expect(toClass.map((f) => [f.outQty, f.outUom])).toEqual([[500, 'KGM']]);
      const events = await s.traceEvents(['urn:epc:class:lgtin:4012345.022222.87545GHGH'], 'forward');
      expect(events).toContain('urn:uuid:404d95fc-9457-4a51-bd6a-0bba133845a8');
      expect(events).not.toContain('urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8');
      expect((await s.stats()).events).toBe(2);
    });

    it('every GS1 JSON-LD example imports, and importing it again adds nothing', async () => {
      const s = await backend.open();
      const files = jsonFiles(GS1);
      expect(files.length).toBeGreaterThan(30);
      for (const f of files) await importEpcisFile(s, f);
      const before = await s.stats();
      for (const f of files) expect((await importEpcisFile(s, f)).applied, f).toBe(0);
      expect(await s.stats()).toEqual(before);
    });

    it('an aggregation packs its children into the parent, traced backward from the parent', async () => {
      const s = await backend.open();
      await importEpcisFile(s, join(GS1, 'Example_9.6.3-AggregationEvent.jsonld'));
      const t = await s.traceBackward(['urn:epc:id:sscc:0614141.1234567890']);
      expect([...t.units, ...t.containers, ...t.lots].length).toBeGreaterThan(0);
    });
  });
}
