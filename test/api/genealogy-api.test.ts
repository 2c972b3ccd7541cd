/** genealogy(id, direction, depth) over real HTTP on every backend: nodes and edges for Cytoscape, bounds, bad input. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql } from './client.ts';
import { historyPlant } from '../helpers/history-plant.ts';
import { startApiServer, type TestApi } from '../helpers/api-server.ts';
import { backends } from '../helpers/stores.ts';

interface Graph {
  root: string;
  nodes: { id: string; ref: string; label: string; kind: string; status: string[]; level: number }[];
  edges: { id: string; source: string; target: string; kind: string; qty: number | null; uom: string | null }[];
  truncated: boolean;
  message: string | null;
}

const GRAPH = '{ root nodes { id ref label kind status level } edges { id source target kind qty uom } truncated message }';
const query = `query($id: ID!, $direction: GenealogyDirection, $depth: Int, $maxNodes: Int) {
  genealogy(id: $id, direction: $direction, depth: $depth, maxNodes: $maxNodes) ${GRAPH} }`;

const nodeIds = (g: Graph) => g.nodes.map((n) => n.id).sort();
const edgeKeys = (g: Graph) => g.edges.map((e) => `${e.source} -${e.kind}-> ${e.target}`).sort();

for (const backend of backends()) {
  describe.skipIf(backend.skip)(`genealogy API on ${backend.name}`, () => {
    let server: TestApi;
    const genealogy = async (variables: Record<string, unknown>) => {
      const r = await gql<{ genealogy: Graph }>(server.url, query, variables);
      expect(r.errors).toBeUndefined();
      return r.data!.genealogy;
    };
    beforeAll(async () => {
      server = await startApiServer(backend, { events: historyPlant() });
    });
    afterAll(() => server?.close());

    it('DOWN from a supplier lot: operations, lots, units, containers, shipment and customer, with kinds, statuses and quantities', async () => {
      const g = await genealogy({ id: 'L1', direction: 'DOWN', depth: 5 });
      expect(g.truncated).toBe(false);
      expect(g.message).toBeNull();
      expect(g.root).toBe('item:L1');
      expect(nodeIds(g)).toEqual(
        [
          'item:L1',
          'op:OP-MIX',
          'item:M1',
          'op:OP-ASM',
          'item:U1',
          'item:U2',
          'item:CASE1',
          'item:PAL1',
          'shipment:SHP1',
          'party:CUST-A',
        ].sort(),
      );
      const by = Object.fromEntries(g.nodes.map((n) => [n.id, n]));
      expect(by['item:L1']).toEqual({ id: 'item:L1', ref: 'L1', label: 'L1', kind: 'lot', status: [], level: 0 });
      expect(by['op:OP-MIX']).toMatchObject({ ref: 'OP-MIX', label: 'mix OP-MIX', kind: 'operation', level: 1 });
      expect(by['item:U1']).toMatchObject({ kind: 'unit', status: ['SHIPPED'], level: 2 });
      expect(by['item:U2']).toMatchObject({ kind: 'unit', status: ['FAILED'] });
      expect(by['item:CASE1']).toMatchObject({ kind: 'container', status: ['SHIPPED'], level: 3 });
      expect(by['item:PAL1']).toMatchObject({ kind: 'container', status: ['SHIPPED'], level: 4 });
      expect(by['shipment:SHP1']).toMatchObject({ kind: 'shipment', status: ['SHIPPED'], level: 5 });
      expect(by['party:CUST-A']).toMatchObject({ kind: 'customer', status: [], label: 'CUST-A' });
      expect(edgeKeys(g)).toEqual(
        [
          'item:L1 -INPUT_TO-> op:OP-MIX',
          'op:OP-MIX -OUTPUT-> item:M1',
          'item:M1 -INPUT_TO-> op:OP-ASM',
          'op:OP-ASM -OUTPUT-> item:U1',
          'op:OP-ASM -OUTPUT-> item:U2',
          'item:U1 -PACKED_IN-> item:CASE1',
          'item:CASE1 -PACKED_IN-> item:PAL1',
          'item:PAL1 -SHIPPED_IN-> shipment:SHP1',
          'shipment:SHP1 -TO-> party:CUST-A',
        ].sort(),
      );
      const input = g.edges.find((e) => e.source === 'item:L1')!;
      expect(input).toEqual({
        id: 'INPUT_TO:item:L1->op:OP-MIX',
        source: 'item:L1',
        target: 'op:OP-MIX',
        kind: 'INPUT_TO',
        qty: 10,
        uom: 'kg',
      });
      expect(g.edges.find((e) => e.target === 'item:M1')?.qty).toBe(15);
      // every edge joins two nodes of the graph, and ids are unique
      const ids = new Set(g.nodes.map((n) => n.id));
      expect(g.edges.every((e) => ids.has(e.source) && ids.has(e.target))).toBe(true);
      expect(new Set(g.edges.map((e) => e.id)).size).toBe(g.edges.length);
    });

    it('UP from a unit: what it was made from, through the sub-assembly; a pallet UP lists its contents', async () => {
      const g = await genealogy({ id: 'U1', direction: 'UP', depth: 3 });
      expect(nodeIds(g)).toEqual(
        ['item:U1', 'op:OP-ASM', 'item:M1', 'item:SA1', 'op:OP-MIX', 'op:OP-SA', 'item:L1', 'item:L2'].sort(),
      );
      expect(edgeKeys(g)).toContain('item:SA1 -INPUT_TO-> op:OP-ASM');
      expect(edgeKeys(g)).toContain('item:L2 -INPUT_TO-> op:OP-SA');
      expect(g.truncated).toBe(false);
      const pal = await genealogy({ id: 'PAL1', direction: 'UP', depth: 2 });
      expect(edgeKeys(pal)).toEqual(['item:CASE1 -PACKED_IN-> item:PAL1', 'item:U1 -PACKED_IN-> item:CASE1']);
    });

    it('BOTH (the default) joins the two directions; depth defaults to 3', async () => {
      const g = await genealogy({ id: 'M1' });
      expect(nodeIds(g)).toEqual(
        expect.arrayContaining(['item:L1', 'item:L2', 'op:OP-MIX', 'item:M1', 'op:OP-ASM', 'item:U1', 'item:U2', 'item:CASE1']),
      );
      // M1 -> U1 -> CASE1 -> PAL1 is three steps; the shipment is the fourth
      expect(nodeIds(g)).toContain('item:PAL1');
      expect(nodeIds(g)).not.toContain('shipment:SHP1');
      expect(g.truncated).toBe(true);
    });

    it('says which bound cut the graph and how to widen it', async () => {
      const deep = await genealogy({ id: 'L1', direction: 'DOWN', depth: 2 });
      expect(deep.truncated).toBe(true);
      expect(deep.message).toMatch(/goes on past depth 2: ask for a larger depth \(up to 20\)/);
      expect(nodeIds(deep)).not.toContain('item:CASE1');
      const wide = await genealogy({ id: 'L1', direction: 'DOWN', depth: 5, maxNodes: 4 });
      expect(wide.truncated).toBe(true);
      expect(wide.nodes).toHaveLength(4);
      expect(wide.message).toMatch(/cut at 4 nodes: .*maxNodes, up to 5000/);
    });

    it('answers bad input with BAD_INPUT or NOT_FOUND', async () => {
      const cases: [Record<string, unknown>, string, RegExp][] = [
        [{ id: 'L1', depth: 0 }, 'BAD_INPUT', /depth must be a whole number from 1 to 20, got 0/],
        [{ id: 'L1', depth: 21 }, 'BAD_INPUT', /from 1 to 20, got 21/],
        [{ id: 'L1', maxNodes: 0 }, 'BAD_INPUT', /maxNodes must be/],
        [{ id: 'L1', direction: 'SIDEWAYS' }, 'BAD_INPUT', /\$direction/],
        [{ id: 'L1', depth: 'deep' }, 'BAD_INPUT', /\$depth/],
        [{ id: '' }, 'BAD_INPUT', /is empty/],
        [{ id: 'NO-SUCH' }, 'NOT_FOUND', /no lot or unit "NO-SUCH"/],
      ];
      for (const [variables, code, message] of cases) {
        const r = await gql(server.url, query, variables);
        expect(r.errors?.[0], JSON.stringify(variables)).toMatchObject({
          message: expect.stringMatching(message),
          extensions: { code },
        });
      }
    });

    // Last: the hold stays on U1 for the rest of the file.
    it('marks an item an active hold lists HELD, before its other statuses', async () => {
      const placed = await gql<{ placeHold: { id: string } }>(
        server.url,
        'mutation { placeHold(items: ["U1"], reason: "suspect solder paste") { id } }',
      );
      expect(placed.errors).toBeUndefined();
      const g = await genealogy({ id: 'L1', direction: 'DOWN', depth: 5 });
      const by = Object.fromEntries(g.nodes.map((n) => [n.id, n]));
      expect(by['item:U1']!.status).toEqual(['HELD', 'SHIPPED']);
      expect(by['item:U2']!.status).toEqual(['FAILED']);
      expect(by['item:M1']!.status).toEqual([]);
    });
  });
}
