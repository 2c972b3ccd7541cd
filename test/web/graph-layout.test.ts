/**
 * The genealogy layout the page runs in a Web Worker: headless Cytoscape with the page's style and
 * dagre, left to right. Every drawn node gets a place, material flows left to right, and nodes at
 * one level do not sit on top of each other.
 */
import { describe, expect, it } from 'vitest';
import type { ElementDefinition } from 'cytoscape';
import { draw, groupGraph, type GEdge, type GNode } from '../../web/src/pages/graph-groups.ts';
import { layoutPositions } from '../../web/src/pages/graph-layout.ts';

/** A lot -> N ops -> N units -> cases of 5 -> pallets of 4 -> one shipment. */
function plant(units: number): { nodes: GNode[]; edges: GEdge[] } {
  const nodes: GNode[] = [];
  const edges: GEdge[] = [];
  const node = (id: string, kind: string, level: number) => nodes.push({ id, ref: id, label: id, kind, status: [], level });
  const edge = (source: string, target: string, kind: string) =>
    edges.push({ id: `${kind}:${source}->${target}`, source, target, kind, qty: null, uom: null });
  node('lot', 'lot', 0);
  node('ship', 'shipment', 5);
  for (let i = 0; i < units; i++) {
    node(`op${i}`, 'operation', 1);
    node(`unit${i}`, 'unit', 2);
    edge('lot', `op${i}`, 'INPUT_TO');
    edge(`op${i}`, `unit${i}`, 'OUTPUT');
    const c = `case${Math.floor(i / 5)}`;
    const p = `pallet${Math.floor(i / 20)}`;
    if (i % 5 === 0) node(c, 'container', 3);
    if (i % 20 === 0) {
      node(p, 'container', 4);
      edge(p, 'ship', 'SHIPPED_IN');
    }
    edge(`unit${i}`, c, 'PACKED_IN');
    if (i % 5 === 0) edge(c, p, 'PACKED_IN');
  }
  return { nodes, edges };
}

function laidOut(units: number, expanded: (groups: string[]) => string[]) {
  const g = plant(units);
  const { groups, owner } = groupGraph(g.nodes, g.edges, 'lot');
  const drawn = draw(g.nodes, g.edges, groups, owner, new Set(expanded([...groups.keys()])));
  const elements = drawn.elements as ElementDefinition[];
  return { elements, positions: layoutPositions(elements) };
}

describe('genealogy layout (the worker’s)', () => {
  it('places every drawn node, the lot left of the pallets and the pallets left of the shipment', () => {
    const { elements, positions } = laidOut(400, () => []);
    const nodes = elements.filter((e) => e.group === 'nodes');
    expect(nodes.length).toBe(22);
    for (const n of nodes) expect(positions[n.data.id!], n.data.id).toEqual({ x: expect.any(Number), y: expect.any(Number) });
    const pallets = nodes.filter((n) => String(n.data.id).startsWith('g:pallet')).map((n) => positions[n.data.id!]!);
    for (const p of pallets) {
      expect(positions.lot!.x).toBeLessThan(p.x);
      expect(p.x).toBeLessThan(positions.ship!.x);
    }
    // Twenty pallets in one rank: twenty different heights.
    expect(new Set(pallets.map((p) => Math.round(p.y))).size).toBe(pallets.length);
  });

  it('lays out an opened group’s members inside the flow, not at the origin', () => {
    const { elements, positions } = laidOut(40, (gs) => gs.filter((g) => g === 'g:pallet0' || g === 'g:case0'));
    const ids = elements.filter((e) => e.group === 'nodes').map((e) => e.data.id!);
    expect(ids).toEqual(expect.arrayContaining(['unit0', 'op0', 'case0', 'g:case1']));
    // Compound groups get no position of their own: Cytoscape draws them around their members.
    expect(positions['g:case0']).toBeUndefined();
    expect(positions.lot!.x).toBeLessThan(positions.op0!.x);
    expect(positions.op0!.x).toBeLessThan(positions.unit0!.x);
    expect(positions.unit0!.x).toBeLessThan(positions.case0!.x);
  });
});
