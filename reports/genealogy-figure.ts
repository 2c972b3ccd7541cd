/**
 * The recall report's genealogy figure: the path from the suspect material to the customers, in
 * five columns, grouped so that a recall of 10,000 units stays a figure a person can read at the
 * page's size: suspect lots -> intermediate lots -> units by the lot they were made from ->
 * shipments -> customers. Each column shows its largest boxes (by units) and one "+N more" box
 * for the rest; a link between two boxes carries the units that flow along it.
 *
 * The web app groups a genealogy by container (web/src/pages/graph-groups.ts); a report groups at
 * this coarser level, from the graph's own neighbours (store.neighbours, batched), so that it does
 * not depend on the web code.
 */
import type { GraphStore, RecallScopeResult } from '../cypher/port.ts';
import type { ReportPdf } from './pdf.ts';

export const FIGURE_COLUMNS = ['suspect', 'lots', 'units', 'shipments', 'customers'] as const;
export type FigureColumn = (typeof FIGURE_COLUMNS)[number];

export interface FigureBox {
  id: string;
  label: string;
  /**
   * Units the box stands for (a lot: units made from it; a shipment or customer: units in it); null
   * for a "+N lots" box of a lot column, whose lots share units.
   */
  units: number | null;
  /** Entities inside: 1 for a single lot or shipment, more for a "+N more" box or a unit group. */
  members: number;
}

export interface GenealogyFigure {
  columns: Record<FigureColumn, FigureBox[]>;
  links: { from: string; to: string; units: number }[];
}

/** Boxes a column shows before the rest become one "+N more" box. */
const MAX_BOXES = 8;
const BATCH = 2000;

const chunks = <T>(xs: readonly T[], n: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
};

/**
 * Builds the figure from the scope and the suspect lots (the roots; for criteria without lots, the
 * scope's items no other item of the scope was made from).
 */
export async function genealogyFigure(
  store: GraphStore,
  scope: RecallScopeResult,
  suspect: readonly string[],
): Promise<GenealogyFigure> {
  const lots = new Set(scope.lots);
  const units = new Set(scope.units);
  const inScope = (id: string) => lots.has(id) || units.has(id);
  const parents = new Map<string, string[]>();
  const depth = new Map<string, number>();
  const packedIn = new Map<string, string[]>();
  const shippedIn = new Map<string, string[]>();
  const customerOf = new Map(scope.shipments.map((s) => [s.shipment, s.customer ?? '?']));

  const roots = suspect.filter(inScope);
  for (const r of roots) depth.set(r, 0);
  let frontier = [...roots];
  while (frontier.length) {
    const next: string[] = [];
    for (const batch of chunks(frontier, BATCH))
      for (const n of await store.neighbours(batch, 'down')) {
        packedIn.set(n.from, n.packed);
        shippedIn.set(
          n.from,
          n.shipments.map((s) => s.shipment),
        );
        for (const f of n.flows) {
          if (!f.item || !inScope(f.item) || f.item === n.from) continue;
          const p = parents.get(f.item) ?? [];
          if (!p.includes(n.from)) p.push(n.from);
          parents.set(f.item, p);
          if (!depth.has(f.item)) {
            depth.set(f.item, (depth.get(n.from) ?? 0) + 1);
            next.push(f.item);
          }
        }
      }
    frontier = next;
  }
  // Containers up to the shipments: each level of packing, batched.
  let containers = [...new Set([...packedIn.values()].flat())];
  const seenContainers = new Set(containers);
  while (containers.length) {
    const next: string[] = [];
    for (const batch of chunks(containers, BATCH))
      for (const n of await store.neighbours(batch, 'down')) {
        packedIn.set(n.from, n.packed);
        shippedIn.set(
          n.from,
          n.shipments.map((s) => s.shipment),
        );
        for (const c of n.packed)
          if (!seenContainers.has(c)) {
            seenContainers.add(c);
            next.push(c);
          }
      }
    containers = next;
  }
  const shipmentsOf = (id: string, guard = 0): string[] => {
    const own = shippedIn.get(id) ?? [];
    if (guard > 20) return own;
    return [...new Set([...own, ...(packedIn.get(id) ?? []).flatMap((c) => shipmentsOf(c, guard + 1))])];
  };

  // The lot a unit was made from: its deepest lot ancestor through unit parents (sub-assemblies).
  const lotOf = (u: string): string | null => {
    const seen = new Set<string>();
    let at = [u];
    while (at.length) {
      const ps = at.flatMap((x) => parents.get(x) ?? []).filter((p) => !seen.has(p));
      ps.forEach((p) => seen.add(p));
      const ls = ps.filter((p) => lots.has(p));
      if (ls.length) return ls.sort((a, b) => (depth.get(b) ?? 0) - (depth.get(a) ?? 0) || (a < b ? -1 : a > b ? 1 : 0))[0]!;
      at = ps;
    }
    return null;
  };

  const unitsByLot = new Map<string, string[]>();
  for (const u of scope.units) {
    const l = lotOf(u) ?? '?';
    const list = unitsByLot.get(l);
    if (list) list.push(u);
    else unitsByLot.set(l, [u]);
  }
  // Units reached from each lot (for sizing the lot boxes): the units grouped under it or under a lot made from it.
  const unitsFromLot = new Map<string, number>();
  for (const [l, us] of unitsByLot) {
    const up = new Set<string>();
    let at = [l];
    while (at.length) {
      const next: string[] = [];
      for (const x of at)
        if (!up.has(x)) {
          up.add(x);
          next.push(...(parents.get(x) ?? []));
        }
      at = next;
    }
    for (const x of up) unitsFromLot.set(x, (unitsFromLot.get(x) ?? 0) + us.length);
  }

  const links = new Map<string, number>();
  const link = (from: string, to: string, n: number) => {
    const k = `${from}\u0000${to}`;
    links.set(k, (links.get(k) ?? 0) + n);
  };

  /** Boxes for a column: the largest MAX_BOXES - 1 kept, the rest one box; returns entity -> box id. */
  const column = (
    col: FigureColumn,
    entries: { id: string; label: string; units: number; members?: number }[],
    moreLabel: (n: number) => string,
  ): { boxes: FigureBox[]; boxOf: Map<string, string> } => {
    const sorted = [...entries].sort((a, b) => b.units - a.units || (a.id < b.id ? -1 : 1));
    const keep = sorted.length > MAX_BOXES ? sorted.slice(0, MAX_BOXES - 1) : sorted;
    const rest = sorted.slice(keep.length);
    const boxOf = new Map<string, string>();
    const boxes: FigureBox[] = keep.map((e) => {
      boxOf.set(e.id, `${col}:${e.id}`);
      return { id: `${col}:${e.id}`, label: e.label, units: e.units, members: e.members ?? 1 };
    });
    if (rest.length) {
      const id = `${col}:+more`;
      for (const e of rest) boxOf.set(e.id, id);
      boxes.push({
        id,
        label: moreLabel(rest.length),
        units: col === 'suspect' || col === 'lots' ? null : rest.reduce((a, e) => a + e.units, 0),
        members: rest.reduce((a, e) => a + (e.members ?? 1), 0),
      });
    }
    return { boxes, boxOf };
  };

  const suspectCol = column(
    'suspect',
    roots.map((id) => ({ id, label: id, units: unitsFromLot.get(id) ?? 0 })),
    (n) => `+${n} lots`,
  );
  const mids = scope.lots.filter((l) => !roots.includes(l) && depth.has(l));
  const midCol = column(
    'lots',
    mids.map((id) => ({ id, label: id, units: unitsFromLot.get(id) ?? 0 })),
    (n) => `+${n} lots`,
  );
  const unitCol = column(
    'units',
    [...unitsByLot].map(([l, us]) => ({ id: l, label: l, units: us.length, members: us.length })),
    (n) => `+${n} lots`,
  );
  const shipUnits = new Map<string, number>();
  const unitShipLinks = new Map<string, Map<string, number>>();
  for (const [l, us] of unitsByLot)
    for (const u of us)
      for (const s of shipmentsOf(u)) {
        shipUnits.set(s, (shipUnits.get(s) ?? 0) + 1);
        const m = unitShipLinks.get(l) ?? new Map<string, number>();
        m.set(s, (m.get(s) ?? 0) + 1);
        unitShipLinks.set(l, m);
      }
  const shipCol = column(
    'shipments',
    [...shipUnits].map(([id, n]) => ({ id, label: id, units: n })),
    (n) => `+${n} shipments`,
  );
  const custUnits = new Map<string, number>();
  for (const [s, n] of shipUnits) custUnits.set(customerOf.get(s) ?? '?', (custUnits.get(customerOf.get(s) ?? '?') ?? 0) + n);
  const custCol = column(
    'customers',
    [...custUnits].map(([id, n]) => ({ id, label: id, units: n })),
    (n) => `+${n} customers`,
  );

  // Lot -> lot links (between the two lot columns), and lot -> its unit group.
  const lotBox = (id: string) => suspectCol.boxOf.get(id) ?? midCol.boxOf.get(id);
  for (const l of mids)
    for (const p of parents.get(l) ?? []) {
      const from = lotBox(p);
      const to = midCol.boxOf.get(l);
      if (from && to && from !== to) link(from, to, unitsFromLot.get(l) ?? 0);
    }
  for (const [l, us] of unitsByLot) {
    const from = lotBox(l);
    const to = unitCol.boxOf.get(l);
    if (from && to) link(from, to, us.length);
  }
  for (const [l, m] of unitShipLinks) for (const [s, n] of m) link(unitCol.boxOf.get(l)!, shipCol.boxOf.get(s)!, n);
  for (const [s, n] of shipUnits) link(shipCol.boxOf.get(s)!, custCol.boxOf.get(customerOf.get(s) ?? '?')!, n);

  return {
    columns: {
      suspect: suspectCol.boxes,
      lots: midCol.boxes,
      units: unitCol.boxes,
      shipments: shipCol.boxes,
      customers: custCol.boxes,
    },
    links: [...links].map(([k, units]) => {
      const [from, to] = k.split('\u0000') as [string, string];
      return { from, to, units };
    }),
  };
}

const FILL: Record<FigureColumn, string> = {
  suspect: '#fde2e1',
  lots: '#fff1d6',
  units: '#e3efff',
  shipments: '#e6f4ea',
  customers: '#efe6f7',
};

const BOX_H = 26;
const V_GAP = 8;

/** The figure's height in points (to keep it on one page with its heading). */
export function figureHeight(fig: GenealogyFigure): number {
  return 16 + Math.max(0, ...FIGURE_COLUMNS.map((c) => fig.columns[c].length)) * (BOX_H + V_GAP);
}

/** Draws the figure with pdfkit vector boxes and lines, across the page's width. */
export function drawGenealogyFigure(pdf: ReportPdf, fig: GenealogyFigure): void {
  const doc = pdf.doc;
  const t = pdf.t;
  const cols = FIGURE_COLUMNS.filter((c) => fig.columns[c].length > 0);
  if (cols.length === 0) {
    pdf.paragraph(t.none);
    return;
  }
  const titles: Record<FigureColumn, string> = {
    suspect: t.figSuspect,
    lots: t.figLots,
    units: t.figUnits,
    shipments: t.figShipments,
    customers: t.figCustomers,
  };
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const gap = 22;
  const boxW = (width - gap * (cols.length - 1)) / cols.length;
  const boxH = BOX_H;
  const vGap = V_GAP;
  const rows = Math.max(...cols.map((c) => fig.columns[c].length));
  const height = figureHeight(fig);
  const top = doc.y;
  const pos = new Map<string, { x: number; y: number }>();
  cols.forEach((c, i) => {
    const x = left + i * (boxW + gap);
    doc.font(pdf.regular).fontSize(7).fillColor('#333333');
    doc.text(titles[c], x, top, { width: boxW, align: 'center', lineBreak: false });
    const boxes = fig.columns[c];
    // Centred vertically against the tallest column.
    const y0 = top + 14 + ((rows - boxes.length) * (boxH + vGap)) / 2;
    boxes.forEach((b, j) => pos.set(b.id, { x, y: y0 + j * (boxH + vGap) }));
  });
  // Links first, under the boxes; their width grows with the units they carry.
  const maxUnits = Math.max(1, ...fig.links.map((l) => l.units));
  for (const l of fig.links) {
    const a = pos.get(l.from);
    const b = pos.get(l.to);
    if (!a || !b) continue;
    const x1 = a.x + boxW;
    const y1 = a.y + boxH / 2;
    const x2 = b.x;
    const y2 = b.y + boxH / 2;
    doc
      .moveTo(x1, y1)
      .bezierCurveTo(x1 + gap / 2, y1, x2 - gap / 2, y2, x2, y2)
      .lineWidth(0.4 + 2.2 * (l.units / maxUnits))
      .strokeColor('#8a8a8a')
      .strokeOpacity(0.7)
      .stroke();
  }
  doc.strokeOpacity(1);
  for (const c of cols)
    for (const b of fig.columns[c]) {
      const p = pos.get(b.id)!;
      doc.roundedRect(p.x, p.y, boxW, boxH, 2).fillColor(FILL[c]).fill();
      doc.roundedRect(p.x, p.y, boxW, boxH, 2).lineWidth(0.5).strokeColor('#666666').stroke();
      doc
        .font(pdf.regular)
        .fontSize(6.5)
        .fillColor('black')
        .text(b.label, p.x + 3, p.y + 3, { width: boxW - 6, lineBreak: false, ellipsis: true, height: 9 });
      const sub = b.units === null ? '' : c === 'units' ? t.figUnitsMade(b.units) : t.figUnitsCount(b.units);
      doc
        .fontSize(6)
        .fillColor('#444444')
        .text(sub, p.x + 3, p.y + 14, { width: boxW - 6, lineBreak: false, ellipsis: true, height: 9 });
    }
  doc.fillColor('black');
  doc.x = left;
  doc.y = top + height + 4;
}
