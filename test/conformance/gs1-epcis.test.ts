/**
 * GS1's EPCIS 2.0 JSON-LD examples: every document is captured (one test per file), Digital Link
 * renderings build the same graph as their EPC URN originals, and the GS1 conformance rules for
 * AssociationEvents (TCR-54) hold.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TracegraphError } from '../../core/errors.ts';
import { readEpcisDocument } from '../../ingest/epcis/document.ts';
import { fixture, graphInput, isJson, readFixture, walk } from './epcis-fixtures.ts';

const ROOT = fixture('gs1-epcis');
const files = walk(ROOT).filter(isJson);
const rel = (f: string) => path.relative(ROOT, f);

describe('GS1 EPCIS JSON-LD: every example is captured', () => {
  it('finds the examples', () => expect(files.length).toBeGreaterThan(40));
  for (const file of files) {
    it(`${rel(file)} is accepted`, async () => {
      const doc = await readFixture(file);
      expect(doc.epcisEvents.length).toBeGreaterThan(0);
      expect(doc.epcisEvents.every((e) => typeof e.eventID === 'string')).toBe(true);
      expect(['EPCISDocument', 'EPCISQueryDocument']).toContain(doc.documentType);
    });
  }
});

/**
 * Digital Link renderings of the 9.6.x examples. Only 9.6.4 is a true twin of its EPC URN original:
 * the 9.6.1-9.6.3 renderings name other items (GTIN 0614141.712345 where the original has
 * 0614141.107346; lot 998877 of GTIN 0614141.712345 where the original has 4012345.012345), so
 * their graphs differ by those ids, and are checked to differ only by them.
 */
const DIGITAL_LINK = path.join(ROOT, 'WithDigitalLinkID');
const twins = walk(DIGITAL_LINK).map((dl) => ({ dl, urn: path.join(ROOT, path.basename(dl).replace('WithDigitalLink', '')) }));
const OTHER_ITEMS: Record<string, string> = {
  '0614141.712345': '0614141.107346',
  'lgtin:0614141.712345.998877': 'lgtin:4012345.012345.998877',
  'sgtin:0614141.712345.*': 'sgtin:4012345.012345.*',
};
const toOriginalItems = (events: unknown[]) =>
  JSON.parse(
    Object.entries(OTHER_ITEMS)
      .reverse()
      .reduce((text, [dl, urn]) => text.split(dl).join(urn), JSON.stringify(events)),
  ) as unknown[];

describe('GS1 EPCIS JSON-LD: Digital Link ids build the same graph as EPC URNs', () => {
  for (const { dl, urn } of twins) {
    it(`${rel(dl)} builds the same graph as ${rel(urn)}`, async () => {
      expect(fs.existsSync(urn)).toBe(true);
      const fromDl = graphInput(await readFixture(dl));
      const fromUrn = graphInput(await readFixture(urn));
      if (path.basename(dl).startsWith('Example_9.6.4')) expect(fromDl).toEqual(fromUrn);
      else expect(toOriginalItems(fromDl)).toEqual(fromUrn);
    });
  }
});

const association = (fields: Record<string, unknown>) =>
  JSON.stringify({
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2024-01-01T00:00:00Z',
    epcisBody: {
      eventList: [
        {
          type: 'AssociationEvent',
          eventTime: '2024-01-01T10:00:00Z',
          eventTimeZoneOffset: '+00:00',
          ...fields,
        },
      ],
    },
  });

async function rejected(text: string): Promise<string> {
  try {
    await readEpcisDocument(text, { file: 'capture' });
  } catch (e) {
    if (e instanceof TracegraphError) return e.message;
    throw e;
  }
  throw new Error('accepted, expected a rejection');
}

const PARENT = 'urn:epc:id:grai:4012345.55555.987';
const CHILD = 'urn:epc:id:giai:4000001.12345';

describe('GS1 TCR-54: AssociationEvent rules', () => {
  for (const action of ['ADD', 'DELETE']) {
    it(`an AssociationEvent ${action} without parentID is rejected`, async () => {
      expect(await rejected(association({ action, childEPCs: [CHILD] }))).toMatch(
        new RegExp(`eventList\\[0\\] \\(AssociationEvent\\): parentID: missing: an AssociationEvent ${action} needs a parentID`),
      );
    });
  }
  for (const action of ['ADD', 'OBSERVE']) {
    it(`an AssociationEvent ${action} with neither childEPCs nor childQuantityList is rejected`, async () => {
      expect(await rejected(association({ action, parentID: PARENT }))).toMatch(
        /\(AssociationEvent\): childEPCs: missing: an AssociationEvent .* needs childEPCs or childQuantityList/,
      );
      expect(await rejected(association({ action, parentID: PARENT, childEPCs: [], childQuantityList: [] }))).toMatch(
        /childEPCs: missing/,
      );
    });
  }
  it('an AssociationEvent DELETE with a parent and no children, and an OBSERVE of children alone, are accepted', async () => {
    expect((await readEpcisDocument(association({ action: 'DELETE', parentID: PARENT }))).epcisEvents).toHaveLength(1);
    const quantities = [{ epcClass: 'urn:epc:class:lgtin:4012345.012345.998877', quantity: 2 }];
    expect((await readEpcisDocument(association({ action: 'OBSERVE', childQuantityList: quantities }))).epcisEvents).toHaveLength(
      1,
    );
  });
});
