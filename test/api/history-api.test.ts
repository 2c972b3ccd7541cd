/** Serial history over real HTTP on every backend: unitHistory, unitHistoryByBarcode, parseBarcode, unit, lot, and bad input. */
import { printSchema } from 'graphql/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchema } from '../../api/schema/index.ts';
import { at, ev } from '../helpers/events.ts';
import { gql } from './client.ts';
import { historyPlant } from '../helpers/history-plant.ts';
import { startApiServer, type TestApi } from '../helpers/api-server.ts';
import { backends } from '../helpers/stores.ts';

const SGTIN = 'urn:epc:id:sgtin:9506000.013435.123';

/** The history plant, plus a unit named by an SGTIN (for barcodes and Digital Links). */
const plant = () => [
  ...historyPlant(),
  ev({
    kind: 'operation',
    eventId: 'asm-gs1',
    eventTime: at(40),
    operationId: 'OP-GS1',
    step: 'assembly',
    station: 'ASM-2',
    inputs: [{ id: 'M1', qty: 1, uom: 'kg' }],
    outputs: [{ id: SGTIN, type: 'unit', qty: 1, uom: 'ea' }],
  }),
];

const OPERATION = `{ id role step station startTime endTime result equipment operator recipe workOrder
  inputs { id kind qty uom } outputs { id kind qty uom } parameters { parameter uom count min max mean spec { version } inSpec } }`;
const INSPECTION = '{ id result defects measurements { name value uom } station inspectorId eventTime }';
const SHIPMENT = '{ id item customer eventTime }';
const HISTORY = `{ id kind status scanned { id gtin serial lot expiry sscc }
  timeline { time type ref summary } operations ${OPERATION} materials subAssemblies inspections ${INSPECTION}
  holds { id reason placedAt releasedAt } packing { child container eventTime } shipments ${SHIPMENT} }`;

interface History {
  id: string;
  kind: string;
  status: string[];
  scanned: Record<string, string | null> | null;
  timeline: { time: string; type: string; ref: string; summary: string }[];
  operations: Record<string, unknown>[];
  materials: string[];
  subAssemblies: string[];
  inspections: Record<string, unknown>[];
  holds: unknown[];
  packing: { child: string; container: string; eventTime: string }[];
  shipments: Record<string, unknown>[];
}

for (const backend of backends()) {
  describe.skipIf(backend.skip)(`serial history API on ${backend.name}`, () => {
    let server: TestApi;
    beforeAll(async () => {
      server = await startApiServer(backend, { events: plant() });
    });
    afterAll(() => server?.close());

    it('unitHistory of a shipped unit: timeline, operation with context, materials, sub-assemblies, inspection, packing, shipment', async () => {
      const r = await gql<{ unitHistory: History }>(server.url, `query($id: ID!) { unitHistory(id: $id) ${HISTORY} }`, {
        id: 'U1',
      });
      expect(r.errors).toBeUndefined();
      const h = r.data!.unitHistory;
      expect(h).toMatchObject({ id: 'U1', kind: 'unit', status: ['SHIPPED'], scanned: null, holds: [] });
      expect(h.timeline.map((e) => [e.type, e.ref])).toEqual([
        ['OPERATION', 'OP-ASM'],
        ['INSPECTION', 'i1'],
        ['PACKED', 'CASE1'],
        ['PACKED', 'PAL1'],
        ['SHIPPED', 'SHP1'],
      ]);
      expect(h.timeline[0]?.summary).toBe('produced by assembly at ASM-1 on ASM-1 (pass)');
      expect(h.timeline.at(-1)).toMatchObject({ time: at(30), summary: 'shipped in SHP1 (in PAL1) to CUST-A' });
      expect(h.operations).toEqual([
        {
          id: 'OP-ASM',
          role: 'produced',
          step: 'assembly',
          station: 'ASM-1',
          startTime: null,
          endTime: at(20),
          result: 'pass',
          equipment: 'ASM-1',
          operator: 'OPR-2',
          recipe: 'RCP-ASM-2',
          workOrder: null,
          inputs: expect.arrayContaining([
            { id: 'M1', kind: 'lot', qty: 2, uom: 'kg' },
            { id: 'SA1', kind: 'unit', qty: 1, uom: 'ea' },
          ]),
          outputs: expect.arrayContaining([
            { id: 'U1', kind: 'unit', qty: 1, uom: 'ea' },
            { id: 'U2', kind: 'unit', qty: 1, uom: 'ea' },
          ]),
          // ASM-1 has no readings
          parameters: [],
        },
      ]);
      expect(h.materials.sort()).toEqual(['L1', 'L2', 'M1']);
      expect(h.subAssemblies).toEqual(['SA1']);
      expect(h.inspections).toEqual([
        {
          id: 'i1',
          result: 'pass',
          defects: [],
          measurements: [{ name: 'leak_rate', value: 0.4, uom: 'Pa.m3/s' }],
          station: 'EOL-1',
          inspectorId: 'QA-1',
          eventTime: at(21),
        },
      ]);
      expect(h.packing).toEqual([
        { child: 'U1', container: 'CASE1', eventTime: at(25) },
        { child: 'CASE1', container: 'PAL1', eventTime: at(26) },
      ]);
      expect(h.shipments).toEqual([{ id: 'SHP1', item: 'PAL1', customer: 'CUST-A', eventTime: at(30) }]);
    });

    it('the parameter summary of an operation covers the readings on its equipment while it ran; spec is null without specs', async () => {
      const r = await gql<{ unitHistory: History }>(server.url, `{ unitHistory(id: "L1") ${HISTORY} }`);
      expect(r.errors).toBeUndefined();
      const [mix] = r.data!.unitHistory.operations;
      expect(mix).toMatchObject({ id: 'OP-MIX', role: 'consumed', equipment: 'MIXER-1', startTime: at(10), workOrder: 'WO-1' });
      // 60 and 64 were read during the mix (10..15); 99 at minute 30 was not
      expect(mix?.parameters).toEqual([
        { parameter: 'temperature', uom: 'Cel', count: 2, min: 60, max: 64, mean: 62, spec: null, inSpec: null },
      ]);
      expect(r.data!.unitHistory).toMatchObject({ kind: 'lot', status: [], materials: [], subAssemblies: [] });
    });

    it('a failed unit is FAILED, with its defects in the timeline', async () => {
      const r = await gql<{ unitHistory: History }>(server.url, `{ unitHistory(id: "U2") { status timeline { type summary } } }`);
      expect(r.data!.unitHistory.status).toEqual(['FAILED']);
      expect(r.data!.unitHistory.timeline[1]).toEqual({ type: 'INSPECTION', summary: 'inspection fail at EOL-1: D-SEAL' });
    });

    it('unitHistory accepts a GS1 Digital Link; unitHistoryByBarcode reads bracketed and raw GS1 element strings', async () => {
      const dl = await gql<{ unitHistory: History }>(
        server.url,
        `{ unitHistory(id: "https://id.gs1.org/01/09506000134352/21/123") { id } }`,
      );
      expect(dl.data?.unitHistory.id).toBe(SGTIN);
      for (const barcode of ['(01)09506000134352(17)201225(10)ABC(21)123', ']d2010950600013435217201225' + '10ABC\u001d21123']) {
        const r = await gql<{ unitHistoryByBarcode: History }>(
          server.url,
          `query($b: String!) { unitHistoryByBarcode(barcode: $b) ${HISTORY} }`,
          { b: barcode },
        );
        expect(r.errors).toBeUndefined();
        expect(r.data!.unitHistoryByBarcode).toMatchObject({
          id: SGTIN,
          scanned: { id: SGTIN, gtin: '09506000134352', serial: '123', lot: 'ABC', expiry: '2020-12-25', sscc: null },
          operations: [{ id: 'OP-GS1', role: 'produced' }],
          materials: ['L1', 'L2', 'M1'],
        });
      }
    });

    it('parseBarcode shows what a scan reads as', async () => {
      const r = await gql(server.url, `{ parseBarcode(barcode: "]C100106141411234567897") { id gtin serial lot expiry sscc } }`);
      expect(r.data).toEqual({
        parseBarcode: {
          id: 'urn:epc:id:sscc:0614141.1123456789',
          gtin: null,
          serial: null,
          lot: null,
          expiry: null,
          sscc: '106141411234567897',
        },
      });
    });

    it('unit(id) and lot(id): every field; null for an unknown id', async () => {
      const u = await gql(
        server.url,
        `{ unit(id: "U1") { id container status producedBy { id step } inspections { id } containers shipments { id customer } history { id } }
           case: unit(id: "CASE1") { id container status containers }
           nothing: unit(id: "NO-SUCH") { id } }`,
      );
      expect(u.errors).toBeUndefined();
      expect(u.data).toEqual({
        unit: {
          id: 'U1',
          container: false,
          status: ['SHIPPED'],
          producedBy: { id: 'OP-ASM', step: 'assembly' },
          inspections: [{ id: 'i1' }],
          containers: ['CASE1', 'PAL1'],
          shipments: [{ id: 'SHP1', customer: 'CUST-A' }],
          history: { id: 'U1' },
        },
        case: { id: 'CASE1', container: true, status: ['SHIPPED'], containers: ['PAL1'] },
        nothing: null,
      });
      const l = await gql(
        server.url,
        `{ lot(id: "L2") { id material qty uom supplier supplierLot status producedBy { id } usedIn { id role } inspections { id } history { id } }
           mix: lot(id: "M1") { producedBy { id } usedIn { id } }
           nothing: lot(id: "NO-SUCH") { id } }`,
      );
      expect(l.errors).toBeUndefined();
      expect(l.data).toEqual({
        lot: {
          id: 'L2',
          material: 'resin',
          qty: 100,
          uom: 'kg',
          supplier: 'Borealis',
          supplierLot: null,
          status: [],
          producedBy: null,
          usedIn: [
            { id: 'OP-MIX', role: 'consumed' },
            { id: 'OP-SA', role: 'consumed' },
          ],
          inspections: [],
          history: { id: 'L2' },
        },
        mix: { producedBy: { id: 'OP-MIX' }, usedIn: [{ id: 'OP-ASM' }, { id: 'OP-GS1' }] },
        nothing: null,
      });
    });

    it('answers bad input with BAD_INPUT or NOT_FOUND and a message that says what to change', async () => {
      const cases: [string, Record<string, unknown>, string, RegExp][] = [
        ['query($id: ID!) { unitHistory(id: $id) { id } }', { id: ' ' }, 'BAD_INPUT', /is empty/],
        ['query($id: ID!) { unitHistory(id: $id) { id } }', { id: 'x'.repeat(513) }, 'BAD_INPUT', /at most 512/],
        [
          'query($id: ID!) { unitHistory(id: $id) { id } }',
          { id: 'urn:epc:id:sgtin:' },
          'BAD_INPUT',
          /not a well-formed EPC URN/,
        ],
        [
          'query($id: ID!) { unitHistory(id: $id) { id } }',
          { id: 'https://example.com/page' },
          'BAD_INPUT',
          /not a GS1 Digital Link/,
        ],
        ['query($id: ID!) { unitHistory(id: $id) { id } }', { id: 'U1\u001d21' }, 'BAD_INPUT', /unitHistoryByBarcode/],
        ['query($id: ID!) { unitHistory(id: $id) { id } }', { id: 'NO-SUCH' }, 'NOT_FOUND', /no lot or unit "NO-SUCH"/],
        ['query($id: ID!) { unitHistory(id: $id) { id } }', { id: { serial: 'U1' } }, 'BAD_INPUT', /\$id/],
        [
          'query($b: String!) { unitHistoryByBarcode(barcode: $b) { id } }',
          { b: '(01)09506000134353(21)1' },
          'BAD_INPUT',
          /check digit/,
        ],
        [
          'query($b: String!) { unitHistoryByBarcode(barcode: $b) { id } }',
          { b: '(17)201225' },
          'BAD_INPUT',
          /names no unit or lot/,
        ],
        [
          'query($b: String!) { unitHistoryByBarcode(barcode: $b) { id } }',
          { b: '(01)09506000134352(21)999' },
          'NOT_FOUND',
          /no lot or unit/,
        ],
        ['query($b: String!) { parseBarcode(barcode: $b) { id } }', { b: 'x'.repeat(1025) }, 'BAD_INPUT', /longer than 1024/],
        ['query($b: String!) { parseBarcode(barcode: $b) { id } }', { b: 42 }, 'BAD_INPUT', /\$b/],
        ['{ unit(id: "L1") { id } }', {}, 'BAD_INPUT', /is a lot, not a unit: ask lot\(id:\)/],
        ['{ lot(id: "U1") { id } }', {}, 'BAD_INPUT', /is a unit, not a lot: ask unit\(id:\)/],
      ];
      for (const [query, variables, code, message] of cases) {
        const r = await gql(server.url, query, variables);
        expect(r.errors?.[0], JSON.stringify(variables)).toMatchObject({
          message: expect.stringMatching(message),
          extensions: { code },
        });
      }
      const inline = await gql(server.url, '{ unitHistory(id: ["U1"]) { id } }');
      expect(inline.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    });

    it('shows a hold placed on the unit, and HELD while it is active', async () => {
      const placed = await gql<{ placeHold: { id: string } }>(
        server.url,
        'mutation { placeHold(items: ["U1"], reason: "suspect solder paste") { id } }',
      );
      expect(placed.errors).toBeUndefined();
      const r = await gql<{ unitHistory: History }>(server.url, `{ unitHistory(id: "U1") ${HISTORY} }`);
      expect(r.data!.unitHistory.status).toEqual(['HELD', 'SHIPPED']);
      expect(r.data!.unitHistory.holds).toEqual([
        { id: placed.data!.placeHold.id, reason: 'suspect solder paste', placedAt: expect.any(String), releasedAt: null },
      ]);
    });
  });
}

describe('history, genealogy and analytics schema', () => {
  it('declares unit, lot, unitHistory, genealogy and equipmentCorrelation with the names clients use', () => {
    const sdl = printSchema(buildSchema()).replace(/"""[\s\S]*?"""\s*/g, '');
    expect(sdl).toMatch(/\bunit\(\s*id: ID!\s*\): Unit\n/);
    expect(sdl).toMatch(/\blot\(\s*id: ID!\s*\): Lot\n/);
    expect(sdl).toMatch(/\bunitHistory\(\s*id: ID!\s*\): UnitHistory!/);
    expect(sdl).toMatch(/\bunitHistoryByBarcode\(\s*barcode: String!\s*\): UnitHistory!/);
    expect(sdl).toMatch(
      /\bgenealogy\(\s*id: ID!\s*direction: GenealogyDirection = BOTH\s*depth: Int = 3\s*maxNodes: Int = 500\s*\): Genealogy!/,
    );
    expect(sdl).toMatch(
      /\bequipmentCorrelation\(\s*equipmentId: ID\s*from: String\s*to: String\s*windowHours: Float = 168\s*bucketHours: \[Float!\]\s*\): \[EquipmentCorrelation!\]!/,
    );
    expect(sdl).toMatch(/\bqualityStats\(\s*groupBy: QualityGroupBy!/);
    expect(sdl).toContain('enum GenealogyDirection {\n  UP\n  DOWN\n  BOTH\n}');
  });
});
