/** Grouping a genealogy into compound nodes so that a large forward trace starts small. */
import { describe, expect, it } from 'vitest';
import { draw, groupGraph, type GEdge, type GNode } from '../../web/src/pages/graph-groups.ts';

/** A paste lot -> N print ops -> N boards -> N assembly ops -> N units -> cases of 5 -> pallets of 4 -> one shipment. */
function plant(units: number): { nodes: GNode[]; edges: GEdge[]; root: string } {
  const nodes: GNode[] = [];
  const edges: GEdge[] = [];
  const node = (id: string, kind: string, level: number) => nodes.push({ id, ref: id, label: id, kind, status: [], level });
  const edge = (source: string, target: string, kind: string, qty: number | null = null) =>
    edges.push({ id: `${kind}:${source}->${target}`, source, target, kind, qty, uom: qty === null ? null : 'g' });
  node('lot', 'lot', 0);
  node('ship', 'shipment', 8);
  for (let i = 0; i < units; i++) {
    node(`print${i}`, 'operation', 1);
    node(`board${i}`, 'unit', 2);
    node(`asm${i}`, 'operation', 3);
    node(`unit${i}`, 'unit', 4);
    edge('lot', `print${i}`, 'INPUT_TO', 2);
    edge(`print${i}`, `board${i}`, 'OUTPUT');
    edge(`board${i}`, `asm${i}`, 'INPUT_TO');
    edge(`asm${i}`, `unit${i}`, 'OUTPUT');
    const c = `case${Math.floor(i / 5)}`;
    const p = `pallet${Math.floor(i / 20)}`;
    if (i % 5 === 0) node(c, 'container', 5);
    if (i % 20 === 0) {
      node(p, 'container', 6);
      edge(p, 'ship', 'SHIPPED_IN');
    }
    edge(`unit${i}`, c, 'PACKED_IN');
    if (i % 5 === 0) edge(c, p, 'PACKED_IN');
  }
  return { nodes, edges, root: 'lot' };
}

describe('genealogy groups', () => {
  it('draws a 3,600-unit forward trace as a few hundred elements with every group closed', () => {
    const g = plant(3600);
    const { groups, owner } = groupGraph(g.nodes, g.edges, g.root);
    const closed = draw(g.nodes, g.edges, groups, owner, new Set());
    expect(g.nodes.length).toBeGreaterThan(14_000);
    // The lot, the shipment and one node per pallet (180), with an edge on each side of a pallet.
    expect(closed.nodes).toBe(182);
    expect(closed.nodes + closed.edges).toBeLessThan(600);
  });

  it('puts a case, its units and what went into them in one group nested in its pallet', () => {
    const g = plant(20);
    const { groups, owner } = groupGraph(g.nodes, g.edges, g.root);
    expect(owner.get('unit3')).toBe('g:case0');
    expect(owner.get('asm3')).toBe('g:case0');
    expect(owner.get('board3')).toBe('g:case0');
    expect(owner.get('print3')).toBe('g:case0');
    expect(owner.get('case0')).toBe('g:case0');
    expect(groups.get('g:case0')!.parent).toBe('g:pallet0');
    expect(groups.get('g:pallet0')!.size).toBe(1 + 4 * 21);
    expect(owner.has('lot')).toBe(false);
  });

  it('expanding a pallet shows its cases closed, and the edges add up the quantities they stand for', () => {
    const g = plant(20);
    const { groups, owner } = groupGraph(g.nodes, g.edges, g.root);
    const closed = draw(g.nodes, g.edges, groups, owner, new Set());
    const lotToPallet = closed.elements.find((e) => e.group === 'edges' && e.data.source === 'lot');
    expect(lotToPallet?.data).toMatchObject({ target: 'g:pallet0', label: '40 g' });
    const open = draw(g.nodes, g.edges, groups, owner, new Set(['g:pallet0']));
    const ids = open.elements.filter((e) => e.group === 'nodes').map((e) => e.data.id);
    expect(ids).toEqual(expect.arrayContaining(['g:pallet0', 'g:case0', 'g:case3', 'pallet0']));
    expect(ids).not.toContain('unit0');
    expect(open.elements.find((e) => e.data.id === 'g:case0')?.data.parent).toBe('g:pallet0');
  });
});
