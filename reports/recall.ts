/**
 * The recall report: what is recalled and why, the evidence, where it went, how precise the scope
 * is, and who created and approved it. Its numbers come from the store's recallScope (the same
 * call the GraphQL recallScope resolver makes) and domain/recalls.ts's recallApprovals.
 */
import { TracegraphError } from '../core/errors.ts';
import type { AuditTrail } from '../domain/audit/trail.ts';
import { recallApprovals } from '../domain/recalls.ts';
import type {
  AlarmRecord,
  GraphStore,
  InspectionFacts,
  ItemFacts,
  RecallCriteria,
  RecallScopeResult,
  ScopeProduction,
} from '../cypher/port.ts';
import { drawGenealogyFigure, figureHeight, genealogyFigure, type GenealogyFigure } from './genealogy-figure.ts';
import type { ReportPdf } from './pdf.ts';

/** Rows a PDF table shows before it refers to the data file for the rest. */
const MAX_EVIDENCE_ROWS = 500;
/** Items asked at once for their shipments while looking for a shipment's date. */
const SHIPMENT_BATCH = 200;
/** Lots looked up one by one when the criteria name a material (their suppliers and quantities). */
const MAX_LOT_LOOKUPS = 2000;

export interface ReadingRow {
  equipment: string;
  parameter: string;
  value: number;
  uom: string | null;
  time: string;
}

export interface ShipmentRow {
  shipment: string;
  customer: string | null;
  units: number;
  /** The ship event's time as recorded (with its offset); null when none was found. */
  shippedAt: string | null;
}

export interface ConsigneeRow {
  customer: string;
  shipments: number;
  units: number;
  firstShipped: string | null;
  lastShipped: string | null;
}

export interface ApprovalRow {
  signer: string;
  role: string;
  signedAt: string;
  meaning: string;
  auditSeq: number;
  auditHash: string;
}

export interface RecallReportData {
  recall: { id: string; name: string; createdAt: string; createdBy: string | null } | null;
  criteria: RecallCriteria;
  counts: RecallScopeResult['counts'];
  production: ScopeProduction;
  evidence: {
    suspectLots: ItemFacts[];
    outOfSpecReadings: ReadingRow[];
    failedInspections: InspectionFacts[];
    alarms: AlarmRecord[];
  };
  shipments: ShipmentRow[];
  consignees: ConsigneeRow[];
  /** The path from the suspect material to the customers, grouped (genealogy-figure.ts). */
  figure: GenealogyFigure;
  naive: RecallScopeResult['naive'];
  precision: number;
  spared: number;
  approvals: ApprovalRow[];
  units: string[];
  shippedUnits: string[];
  lots: string[];
  containers: string[];
  customers: string[];
}

export type RecallTarget = { recall: string } | { from: readonly string[] };

const FAR_PAST = '0000-01-01';
const FAR_FUTURE = '9999-12-31';

/** Gathers a recall report's data: a saved recall by id, or an ad-hoc scope from suspect lots. */
export async function gatherRecall(store: GraphStore, audit: AuditTrail, target: RecallTarget): Promise<RecallReportData> {
  let recall: RecallReportData['recall'] = null;
  let criteria: RecallCriteria;
  if ('recall' in target) {
    const saved = (await store.listRecalls()).find((r) => r.id === target.recall);
    if (!saved)
      throw new TracegraphError(
        'NOT_FOUND',
        `no saved recall ${JSON.stringify(target.recall)}: list them with { recalls { id name } } or give --from LOT...`,
      );
    recall = { id: saved.id, name: saved.name, createdAt: saved.createdAt, createdBy: saved.createdBy };
    criteria = saved.criteria;
  } else {
    if (target.from.length === 0) throw new TracegraphError('BAD_INPUT', 'give --recall ID or --from with at least one lot');
    criteria = { supplierLots: [...target.from] };
  }
  const scope = await store.recallScope(criteria);
  const production = scope.production ?? { from: null, to: null, products: [] };
  const shipments = await shipmentRows(store, scope);
  const suspect = await suspectLots(store, criteria, scope);
  const figureRoots = suspect.length ? suspect.map((l) => l.id) : await roots(store, [...scope.lots, ...scope.units]);
  return {
    recall,
    criteria,
    counts: scope.counts,
    production,
    evidence: {
      suspectLots: suspect,
      outOfSpecReadings: await outOfSpecReadings(store, criteria),
      failedInspections: await failedInspections(store, criteria, scope),
      alarms: await namedAlarms(store, criteria),
    },
    shipments,
    consignees: consignees(shipments),
    figure: await genealogyFigure(store, scope, figureRoots),
    naive: scope.naive,
    precision: scope.precision,
    spared: scope.spared,
    approvals: recall ? await approvals(audit, recall.id) : [],
    units: scope.units,
    shippedUnits: scope.shippedUnits,
    lots: scope.lots,
    containers: scope.containers,
    customers: scope.customers,
  };
}

/**
 * Of a set of items, those no other item of the set was made from or packed into: the start of every
 * flow in it. One forward trace of the whole set, instead of a lookup per item.
 */
async function roots(store: GraphStore, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const t = await store.traceForward(ids);
  const reached = new Set([...t.lots, ...t.units, ...t.containers]);
  return ids.filter((id) => !reached.has(id));
}

async function suspectLots(store: GraphStore, c: RecallCriteria, scope: RecallScopeResult): Promise<ItemFacts[]> {
  const out = new Map<string, ItemFacts>();
  // A material's suspect lots are its received lots: the roots of the scope's lots.
  const ids = [...(c.supplierLots ?? []), ...(c.material ? await roots(store, scope.lots) : [])];
  for (const id of ids.slice(0, MAX_LOT_LOOKUPS)) {
    const rec = await store.itemRecord(id);
    if (rec && (!c.material || c.supplierLots?.includes(id) || rec.item.material === c.material)) out.set(id, rec.item);
  }
  return [...out.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}

async function outOfSpecReadings(store: GraphStore, c: RecallCriteria): Promise<ReadingRow[]> {
  const p = c.parameter;
  if (!p) return [];
  const min = p.min ?? -Infinity;
  const max = p.max ?? Infinity;
  const equipment = p.equipmentId
    ? [p.equipmentId]
    : [...new Set((await store.alarms({ parameter: p.name, limit: 10_000 })).map((a) => a.equipmentId))].sort();
  const from = p.from ? Date.parse(p.from) : -Infinity;
  const to = p.to ? Date.parse(p.to) : Infinity;
  const rows: ReadingRow[] = [];
  for (const eq of equipment)
    for (const r of await store.readings(eq, FAR_PAST, FAR_FUTURE)) {
      const t = Date.parse(r.eventTime);
      if (r.parameter === p.name && (r.value < min || r.value > max) && t >= from && t <= to)
        rows.push({ equipment: eq, parameter: r.parameter, value: r.value, uom: r.uom, time: r.eventTime });
    }
  return rows.sort((a, b) => Date.parse(a.time) - Date.parse(b.time) || (a.equipment < b.equipment ? -1 : 1));
}

async function failedInspections(store: GraphStore, c: RecallCriteria, scope: RecallScopeResult): Promise<InspectionFacts[]> {
  const code = c.defectCode;
  if (!code) return [];
  // The items that failed with the code are where the scope starts: its roots.
  const out: InspectionFacts[] = [];
  for (const id of (await roots(store, [...scope.lots, ...scope.units])).slice(0, MAX_LOT_LOOKUPS)) {
    const rec = await store.itemRecord(id);
    for (const i of rec?.inspections ?? []) if (i.result === 'fail' && i.defects.includes(code)) out.push(i);
  }
  return out.sort((a, b) => Date.parse(a.eventTime) - Date.parse(b.eventTime) || (a.id < b.id ? -1 : 1));
}

async function namedAlarms(store: GraphStore, c: RecallCriteria): Promise<AlarmRecord[]> {
  const found = new Map<string, AlarmRecord>();
  if (c.parameter)
    for (const a of await store.alarms({
      parameter: c.parameter.name,
      equipmentId: c.parameter.equipmentId ?? undefined,
      from: c.parameter.from ?? undefined,
      to: c.parameter.to ?? undefined,
      limit: 10_000,
    }))
      found.set(a.id, a);
  if (c.equipment)
    for (const a of await store.alarms({
      equipmentId: c.equipment.id,
      from: c.equipment.from ?? undefined,
      to: c.equipment.to ?? undefined,
      limit: 10_000,
    }))
      found.set(a.id, a);
  return [...found.values()].sort((a, b) => (a.raisedAt < b.raisedAt ? -1 : a.raisedAt > b.raisedAt ? 1 : 0));
}

/**
 * Each shipment of the scope with its ship date. The date is on the shipment record of an item it
 * carried (itemRecord): first the containers that hold other containers of the scope (pallets, one
 * forward trace finds them), then, for shipments still without a date, the other containers and the
 * units shipped on their own, looked up in batches (neighbours) to find one item per shipment.
 */
async function shipmentRows(store: GraphStore, scope: RecallScopeResult): Promise<ShipmentRow[]> {
  const dates = new Map<string, string | null>();
  const need = new Set(scope.shipments.map((s) => s.shipment));
  const read = async (id: string) => {
    const rec = await store.itemRecord(id);
    for (const s of rec?.shipments ?? []) if (need.delete(s.shipment)) dates.set(s.shipment, s.eventTime);
  };
  const holders = scope.containers.length ? new Set((await store.traceForward(scope.containers)).containers) : new Set<string>();
  for (const c of scope.containers) {
    if (need.size === 0) break;
    if (holders.has(c)) await read(c);
  }
  const rest = [...scope.containers.filter((c) => !holders.has(c)), ...scope.shippedUnits];
  for (let i = 0; i < rest.length && need.size > 0; i += SHIPMENT_BATCH)
    for (const n of await store.neighbours(rest.slice(i, i + SHIPMENT_BATCH), 'down'))
      if (n.shipments.some((s) => need.has(s.shipment))) await read(n.from);
  return scope.shipments.map((s) => ({ ...s, shippedAt: dates.get(s.shipment) ?? null }));
}

function consignees(shipments: readonly ShipmentRow[]): ConsigneeRow[] {
  const by = new Map<string, ConsigneeRow>();
  for (const s of shipments) {
    const customer = s.customer ?? '?';
    const row = by.get(customer) ?? { customer, shipments: 0, units: 0, firstShipped: null, lastShipped: null };
    row.shipments++;
    row.units += s.units;
    if (s.shippedAt) {
      const t = Date.parse(s.shippedAt);
      if (row.firstShipped === null || t < Date.parse(row.firstShipped)) row.firstShipped = s.shippedAt;
      if (row.lastShipped === null || t > Date.parse(row.lastShipped)) row.lastShipped = s.shippedAt;
    }
    by.set(customer, row);
  }
  return [...by.values()].sort((a, b) => (a.customer < b.customer ? -1 : 1));
}

/** The recall's approvals as the API answers them (Recall.approvals): signatures on `recall:<id>` in the audit trail. */
async function approvals(audit: AuditTrail, id: string): Promise<ApprovalRow[]> {
  return (await recallApprovals(audit, id)).map((a) => ({
    signer: a.signer,
    role: a.role,
    signedAt: a.signedAt,
    meaning: a.meaning,
    auditSeq: a.auditSeq,
    auditHash: a.auditHash,
  }));
}

/** Criteria as lines a person reads: one per criterion. */
export function criteriaLines(c: RecallCriteria): string[] {
  const w = (from?: string | null, to?: string | null) => (from || to ? ` [${from ?? '…'} – ${to ?? '…'}]` : '');
  const out: string[] = [];
  if (c.supplierLots?.length) out.push(`supplierLots: ${c.supplierLots.join(', ')}`);
  if (c.material) out.push(`material: ${c.material}`);
  if (c.equipment) out.push(`equipment: ${c.equipment.id}${w(c.equipment.from, c.equipment.to)}`);
  if (c.parameter) {
    const p = c.parameter;
    out.push(
      `parameter: ${p.name}${p.equipmentId ? ` on ${p.equipmentId}` : ''} outside [${p.min ?? '-∞'}, ${p.max ?? '+∞'}]${w(p.from, p.to)}`,
    );
  }
  if (c.operator) out.push(`operator: ${c.operator}`);
  if (c.defectCode) out.push(`defectCode: ${c.defectCode}`);
  if (c.from || c.to) out.push(`production time:${w(c.from, c.to)}`);
  return out;
}

const n = (x: number) => x.toLocaleString('en-US');

function limited<T>(pdf: ReportPdf, rows: readonly T[], draw: (rows: readonly T[]) => void): void {
  draw(rows.slice(0, MAX_EVIDENCE_ROWS));
  if (rows.length > MAX_EVIDENCE_ROWS) pdf.paragraph(pdf.t.more(rows.length - MAX_EVIDENCE_ROWS), { size: 8 });
}

export function drawRecall(pdf: ReportPdf, d: RecallReportData): void {
  const t = pdf.t;
  if (d.recall)
    pdf.fields([
      [t.recall, d.recall.id],
      [t.recallName, d.recall.name],
    ]);

  pdf.heading(t.productIdentity);
  pdf.table(
    [
      { header: t.product, width: 0.75 },
      { header: t.units, width: 0.25, align: 'right' },
    ],
    d.production.products.map((p) => [p.product, n(p.units)]),
  );

  pdf.heading(t.reasonCriteria);
  pdf.fields([
    [t.reason, d.recall?.name ?? criteriaLines(d.criteria).join('; ')],
    [t.criteria, criteriaLines(d.criteria).join('\n')],
  ]);

  pdf.heading(t.evidence);
  pdf.subheading(`${t.suspectLots} (${n(d.evidence.suspectLots.length)})`);
  limited(pdf, d.evidence.suspectLots, (rows) =>
    pdf.table(
      [
        { header: t.lot, width: 0.26 },
        { header: t.material, width: 0.16 },
        { header: t.supplier, width: 0.2 },
        { header: t.supplierLot, width: 0.18 },
        { header: t.quantity, width: 0.12, align: 'right' },
        { header: t.uom, width: 0.08 },
      ],
      rows.map((l) => [
        l.id,
        l.material ?? '',
        l.supplier ?? '',
        l.supplierLot ?? '',
        l.qty === null ? '' : String(l.qty),
        l.uom ?? '',
      ]),
    ),
  );
  if (d.criteria.parameter) {
    pdf.subheading(`${t.outOfSpecReadings} (${n(d.evidence.outOfSpecReadings.length)})`);
    limited(pdf, d.evidence.outOfSpecReadings, (rows) =>
      pdf.table(
        [
          { header: t.time, width: 0.34 },
          { header: t.equipment, width: 0.22 },
          { header: t.parameter, width: 0.2 },
          { header: t.value, width: 0.24, align: 'right' },
        ],
        rows.map((r) => [r.time, r.equipment, r.parameter, `${r.value}${r.uom ? ` ${r.uom}` : ''}`]),
      ),
    );
  }
  if (d.criteria.defectCode) {
    pdf.subheading(`${t.failedInspections} (${n(d.evidence.failedInspections.length)})`);
    limited(pdf, d.evidence.failedInspections, (rows) =>
      pdf.table(
        [
          { header: t.time, width: 0.28 },
          { header: t.item, width: 0.26 },
          { header: t.station, width: 0.14 },
          { header: t.result, width: 0.1 },
          { header: t.defects, width: 0.22 },
        ],
        rows.map((i) => [i.eventTime, i.item, i.station ?? '', i.result, i.defects.join(', ')]),
      ),
    );
  }
  if (d.criteria.parameter || d.criteria.equipment) {
    pdf.subheading(`${t.alarms} (${n(d.evidence.alarms.length)})`);
    limited(pdf, d.evidence.alarms, (rows) =>
      pdf.table(
        [
          { header: t.time, width: 0.26 },
          { header: t.equipment, width: 0.16 },
          { header: t.parameter, width: 0.16 },
          { header: t.value, width: 0.12, align: 'right' },
          { header: t.limits, width: 0.18 },
          { header: t.status, width: 0.12 },
        ],
        rows.map((a) => [
          a.raisedAt,
          a.equipmentId,
          a.parameter,
          String(a.value),
          `[${a.lsl ?? '-∞'}, ${a.usl ?? '+∞'}]`,
          a.status,
        ]),
      ),
    );
  }

  pdf.heading(t.quantityAndSpan);
  pdf.fields([
    [t.unitsProduced, n(d.counts.units)],
    [t.lotsTable, n(d.counts.lots)],
    [t.producedFrom, d.production.from ?? '-'],
    [t.producedTo, d.production.to ?? '-'],
  ]);

  pdf.heading(t.distribution);
  pdf.fields([
    [t.inDistribution, n(d.counts.shipped)],
    [t.inStock, n(d.counts.inStock)],
    [t.shipments, n(d.counts.shipments)],
    [t.consignees, n(d.counts.customers)],
  ]);

  pdf.heading(t.consignees);
  pdf.table(
    [
      { header: t.customer, width: 0.28 },
      { header: t.shipments, width: 0.12, align: 'right' },
      { header: t.units, width: 0.12, align: 'right' },
      { header: t.firstShipped, width: 0.24 },
      { header: t.lastShipped, width: 0.24 },
    ],
    d.consignees.map((c) => [c.customer, n(c.shipments), n(c.units), c.firstShipped ?? '-', c.lastShipped ?? '-']),
  );

  pdf.ensureSpace(figureHeight(d.figure) + 80);
  pdf.heading(t.genealogyFigure);
  pdf.paragraph(t.figureNote, { size: 7.5, color: '#555555' });
  drawGenealogyFigure(pdf, d.figure);

  pdf.heading(t.precision);
  pdf.fields([
    [t.graphScope, n(d.counts.units)],
    [t.naiveScope, n(d.naive.units)],
    [t.precisionRatio, d.precision.toFixed(3)],
    [t.spared, n(d.spared)],
    [t.naiveBasis, d.naive.description],
  ]);

  pdf.heading(t.approvals);
  if (d.recall)
    pdf.fields([
      [t.createdBy, d.recall.createdBy ?? '-'],
      [t.createdAt, d.recall.createdAt],
    ]);
  if (d.approvals.length === 0) pdf.paragraph(t.notApproved);
  else
    pdf.table(
      [
        { header: t.signer, width: 0.2 },
        { header: t.role, width: 0.12 },
        { header: t.signedAt, width: 0.26 },
        { header: t.meaning, width: 0.2 },
        { header: t.auditEntry, width: 0.22 },
      ],
      d.approvals.map((a) => [a.signer, a.role, a.signedAt, a.meaning, `#${a.auditSeq} ${a.auditHash.slice(0, 16)}…`]),
    );

  pdf.heading(`${t.shipments} (${n(d.shipments.length)})`);
  pdf.table(
    [
      { header: t.shipment, width: 0.28 },
      { header: t.customer, width: 0.26 },
      { header: t.units, width: 0.14, align: 'right' },
      { header: t.shipDate, width: 0.32 },
    ],
    d.shipments.map((s) => [s.shipment, s.customer ?? '', n(s.units), s.shippedAt ?? '-']),
    { singleLine: true },
  );

  pdf.heading(`${t.customersTable} (${n(d.customers.length)})`);
  pdf.idGrid(d.customers, 3);

  const shipped = new Set(d.shippedUnits);
  pdf.heading(`${t.unitsTable} (${n(d.units.length)})`);
  pdf.subheading(`${t.inDistribution} (${n(d.shippedUnits.length)})`);
  pdf.idGrid(d.shippedUnits);
  pdf.subheading(`${t.inStock} (${n(d.units.length - d.shippedUnits.length)})`);
  pdf.idGrid(d.units.filter((u) => !shipped.has(u)));

  pdf.heading(`${t.lotsTable} (${n(d.lots.length)})`);
  pdf.idGrid(d.lots, 3);

  pdf.heading(`${t.containersTable} (${n(d.containers.length)})`);
  pdf.idGrid(d.containers);
}
