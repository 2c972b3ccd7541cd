/**
 * Groups a genealogy so that a whole forward trace stays drawable: a case or pallet and what is
 * packed in it (with the operations and parts that went into those units) become one compound
 * node that starts collapsed; what is still ungrouped and numerous at one level (many operations
 * of one step) is grouped by level and kind. Expanding a group redraws it as a compound parent.
 */
export interface GNode {
  id: string;
  ref: string;
  label: string;
  kind: string;
  status: readonly string[];
  level: number;
}
export interface GEdge {
  /** Not asked for by the page: a whole trace's edge ids are a quarter of the answer's bytes. */
  id?: string;
  source: string;
  target: string;
  kind: string;
  qty: number | null;
  uom: string | null;
}
export interface Group {
  id: string;
  /** The container the group is named after (absent for a level bucket). */
  head?: string;
  label: string;
  parent?: string;
  members: string[];
  /** Every node inside, nested groups included. */
  size: number;
}

const BUCKET = 12;

export function groupGraph(
  nodes: readonly GNode[],
  edges: readonly GEdge[],
  root: string,
): { groups: Map<string, Group>; owner: Map<string, string> } {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const owner = new Map<string, string>(); // node -> group id
  const groups = new Map<string, Group>();
  const ensure = (head: string): string => {
    const id = `g:${head}`;
    const h = byId.get(head);
    if (!groups.has(id)) groups.set(id, { id, head, label: h ? shortLabel(h) : head, members: [], size: 0 });
    return id;
  };
  // Packing: a child belongs to its container's group; the container heads its own group.
  for (const e of edges) {
    if (e.kind !== 'PACKED_IN' || e.source === root) continue;
    const g = ensure(e.target);
    owner.set(e.source, g);
    owner.set(e.target, owner.get(e.target) ?? g);
  }
  // A container packed in another: its group nests in the outer one.
  const packedIn = new Map<string, string>();
  for (const e of edges) if (e.kind === 'PACKED_IN') packedIn.set(e.source, e.target);
  for (const g of [...groups.values()]) {
    const outer = packedIn.get(g.head!);
    if (outer !== undefined && g.head !== root) {
      g.parent = ensure(outer);
      owner.set(g.head!, g.id);
    }
  }
  // Upstream of a group: operations whose outputs are all in it, then items used only by those.
  const outs = new Map<string, string[]>();
  for (const e of edges) {
    if (e.kind === 'PACKED_IN') continue;
    const list = outs.get(e.source);
    if (list) list.push(e.target);
    else outs.set(e.source, [e.target]);
  }
  for (let pass = 0; pass < 4; pass++) {
    for (const n of nodes) {
      if (owner.has(n.id) || n.id === root || n.kind === 'shipment' || n.kind === 'customer') continue;
      const down = outs.get(n.id) ?? [];
      if (down.length === 0) continue;
      const gs = new Set(down.map((d) => owner.get(d)));
      if (gs.size === 1) {
        const [g] = gs;
        if (g) owner.set(n.id, g);
      }
    }
  }
  // Numerous ungrouped nodes of one kind at one level: a bucket.
  const buckets = new Map<string, GNode[]>();
  for (const n of nodes) {
    if (owner.has(n.id) || n.id === root) continue;
    const k = `g:L${n.level}:${n.kind}`;
    const list = buckets.get(k);
    if (list) list.push(n);
    else buckets.set(k, [n]);
  }
  for (const [k, list] of buckets) {
    if (list.length < BUCKET) continue;
    groups.set(k, { id: k, label: `${list[0]!.kind} · ${list.length}`, members: [], size: 0 });
    for (const n of list) owner.set(n.id, k);
  }
  for (const [n, g] of owner) groups.get(g)!.members.push(n);
  // Sizes bottom-up: each group adds its own members to itself and every group around it.
  for (const g of groups.values()) {
    for (let x: Group | undefined = g; x; x = x.parent ? groups.get(x.parent) : undefined) x.size += g.members.length;
  }
  return { groups, owner };
}

export interface Drawn {
  elements: { group: 'nodes' | 'edges'; data: Record<string, unknown>; classes?: string }[];
  nodes: number;
  edges: number;
}

/** The elements to draw with `expanded` groups open: the rest collapse into one node each. */
export function draw(
  nodes: readonly GNode[],
  edges: readonly GEdge[],
  groups: Map<string, Group>,
  owner: Map<string, string>,
  expanded: ReadonlySet<string>,
): Drawn {
  // The node that stands for `id`: itself, or the outermost collapsed group around it.
  const chain = (g: string | undefined): string[] => {
    const out: string[] = [];
    for (let x = g; x; x = groups.get(x)?.parent) out.unshift(x);
    return out;
  };
  const visible = (id: string): string => {
    for (const g of chain(owner.get(id))) if (!expanded.has(g)) return g;
    return id;
  };
  const groupVisible = (g: string): string | undefined => {
    for (const x of chain(groups.get(g)?.parent)) if (!expanded.has(x)) return undefined;
    return g;
  };
  const elements: Drawn['elements'] = [];
  let nodeCount = 0;
  for (const g of groups.values()) {
    if (!groupVisible(g.id)) continue;
    nodeCount++;
    const open = expanded.has(g.id);
    const members = open ? g.label : `${g.label} (${g.size})`;
    elements.push({
      group: 'nodes',
      data: { id: g.id, label: members, kind: 'group', parent: g.parent, size: g.size },
      classes: open ? 'group open' : 'group closed',
    });
  }
  for (const n of nodes) {
    if (visible(n.id) !== n.id) continue;
    nodeCount++;
    elements.push({
      group: 'nodes',
      data: { id: n.id, label: shortLabel(n), kind: n.kind, ref: n.ref, parent: owner.get(n.id) },
      classes: [n.kind, ...n.status.map((s) => s.toLowerCase())].join(' '),
    });
  }
  const seen = new Map<string, { qty: number | null; uom: string | null; count: number }>();
  for (const e of edges) {
    const s = visible(e.source);
    const t = visible(e.target);
    if (s === t) continue;
    const k = `${s}->${t}`;
    const prev = seen.get(k);
    if (prev) {
      prev.count++;
      if (prev.qty !== null && e.qty !== null && prev.uom === e.uom) prev.qty += e.qty;
      else prev.qty = null;
    } else seen.set(k, { qty: e.qty, uom: e.uom, count: 1 });
  }
  for (const [k, v] of seen) {
    const [source, target] = k.split('->') as [string, string];
    const label = v.qty !== null ? `${Number(v.qty.toFixed(3))}${v.uom ? ` ${v.uom}` : ''}` : v.count > 1 ? `×${v.count}` : '';
    elements.push({ group: 'edges', data: { id: k, source, target, label } });
  }
  return { elements, nodes: nodeCount, edges: seen.size };
}

/** EPC URNs are long: the serial or lot part is what a person reads on a graph. */
export function shortLabel(n: GNode): string {
  if (n.kind === 'operation') return n.label.split(' ')[0] ?? n.label;
  const m = /^urn:epc:(?:id|class):[a-z]+:([\d.]+)\.([^.]+)$/.exec(n.ref);
  return m ? `${m[1]!.split('.').pop()}.${m[2]}` : n.ref;
}
