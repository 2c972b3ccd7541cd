/**
 * FSMA 204 electronic sortable spreadsheet: one row per critical tracking event and traceability
 * lot, with the key data elements of 21 CFR 1.1345 (receiving), 1.1350 (transformation) and
 * 1.1340 (shipping), in columns named as in FDA's sortable spreadsheet template. The XLSX has one
 * sheet per CTE, a sheet explaining every column, and a "Report" sheet with the data hash; the
 * CSV is one table with the CTE in its first column.
 *
 * Lots and units are traceability lots here; a unit's lot code is its serial. Receiving rows come
 * from the lots' receive events, transformation rows from the operations that made the lots and
 * units (one row per input, as FDA's template lays out many-to-one), shipping rows from the ship
 * events that carried them (directly or in a case or pallet).
 */
import { TracegraphError } from '../core/errors.ts';
import type { GraphStore, ItemRecord } from '../cypher/port.ts';
import { writeCsv, type Cell } from './csv.ts';
import type { ReportMeta } from './document.ts';

export const CTES = ['Receiving', 'Transformation', 'Shipping'] as const;
export type Cte = (typeof CTES)[number];

interface ColumnDef {
  name: string;
  /** Which events use it. */
  ctes: readonly Cte[];
  cfr: string;
  meaning: string;
}

export const FSMA_COLUMNS: readonly ColumnDef[] = [
  {
    name: 'Traceability Lot Code',
    ctes: CTES,
    cfr: '1.1345(a)(1), 1.1350(a)(2), 1.1340(a)(1)',
    meaning: 'The lot code of the food: a received lot, a lot or serial made here, or what was shipped.',
  },
  {
    name: 'Traceability Lot Code Source Reference',
    ctes: CTES,
    cfr: '1.1345(a)(7), 1.1340(a)(7)',
    meaning: 'Who assigned the lot code: the supplier for a received lot, this facility for what it made.',
  },
  {
    name: 'Product Description',
    ctes: CTES,
    cfr: '1.1345(a)(3), 1.1350(a)(2), 1.1340(a)(3)',
    meaning: 'The material of a lot, else the recipe (or step) of the operation that made it.',
  },
  {
    name: 'Quantity',
    ctes: CTES,
    cfr: '1.1345(a)(2), 1.1350(a)(2), 1.1340(a)(2)',
    meaning: 'Quantity of the lot in this event.',
  },
  { name: 'Unit of Measure', ctes: CTES, cfr: '1.1345(a)(2), 1.1350(a)(2), 1.1340(a)(2)', meaning: 'Unit of the quantity.' },
  {
    name: 'Input Traceability Lot Code',
    ctes: ['Transformation'],
    cfr: '1.1350(a)(1)',
    meaning: 'A lot used in the transformation (one row per input lot).',
  },
  {
    name: 'Input Product Description',
    ctes: ['Transformation'],
    cfr: '1.1350(a)(1)',
    meaning: 'Product description of that input.',
  },
  { name: 'Input Quantity', ctes: ['Transformation'], cfr: '1.1350(a)(1)', meaning: 'Quantity of that input used.' },
  { name: 'Input Unit of Measure', ctes: ['Transformation'], cfr: '1.1350(a)(1)', meaning: 'Unit of the input quantity.' },
  {
    name: 'Immediate Previous Source Location Description',
    ctes: ['Receiving'],
    cfr: '1.1345(a)(4)',
    meaning: 'Where the food came from: the supplier.',
  },
  {
    name: 'Receiving Location Description',
    ctes: ['Receiving'],
    cfr: '1.1345(a)(5)',
    meaning: 'Where the food was received (--location).',
  },
  { name: 'Date Received', ctes: ['Receiving'], cfr: '1.1345(a)(6)', meaning: 'Date and time of the receive event (UTC).' },
  {
    name: 'Transformation Location Description',
    ctes: ['Transformation'],
    cfr: '1.1350(a)(2)',
    meaning: 'Where it was transformed: the facility (--location), station and equipment.',
  },
  {
    name: 'Date Transformation Completed',
    ctes: ['Transformation'],
    cfr: '1.1350(a)(2)',
    meaning: 'When the operation ended, as recorded.',
  },
  {
    name: 'Immediate Subsequent Recipient Location Description',
    ctes: ['Shipping'],
    cfr: '1.1340(a)(4)',
    meaning: 'The consignee the shipment went to.',
  },
  {
    name: 'Shipping Location Description',
    ctes: ['Shipping'],
    cfr: '1.1340(a)(5)',
    meaning: 'Where it was shipped from (--location).',
  },
  { name: 'Date Shipped', ctes: ['Shipping'], cfr: '1.1340(a)(6)', meaning: 'Date and time of the ship event, as recorded.' },
  {
    name: 'Reference Document Type',
    ctes: CTES,
    cfr: '1.1345(a)(8), 1.1350(a)(2), 1.1340(a)(8)',
    meaning: 'The record the event is in: receiving record, work order or production record, shipment.',
  },
  {
    name: 'Reference Document Number',
    ctes: CTES,
    cfr: '1.1345(a)(8), 1.1350(a)(2), 1.1340(a)(8)',
    meaning: 'Its number: receive event id, work order or operation id, shipment id.',
  },
  {
    name: 'Container',
    ctes: ['Shipping'],
    cfr: '-',
    meaning: 'The case or pallet (SSCC) that carried the lot, when it was not shipped on its own.',
  },
];

export const cteColumns = (cte: Cte): string[] => FSMA_COLUMNS.filter((c) => c.ctes.includes(cte)).map((c) => c.name);

export type FsmaRow = Record<string, string | number | null>;

export interface FsmaReportData {
  from: string[] | null;
  since: string | null;
  location: string;
  lots: number;
  rows: Record<Cte, FsmaRow[]>;
}

export type FsmaTarget = { from: readonly string[] } | { since: string };

/** What an item is, for a person: its material, else what made it (recipe or step). */
function productOf(rec: ItemRecord): string {
  if (rec.item.material) return rec.item.material;
  const made = rec.operations.filter((o) =>
    rec.flows.some((f) => f.op === o.id && f.direction === 'out' && f.item === rec.item.id),
  );
  const last = made.sort((a, b) => Date.parse(a.endTime) - Date.parse(b.endTime)).at(-1);
  return last ? (last.recipe ?? last.step) : '';
}

/**
 * Records read per query batch. On the embedded store each batch's lookups by id cost about the
 * same whatever their size (seconds at 1,000,000 units): one supplier lot's trace (~3,500 lots and
 * units) or a day of the plant is one batch.
 */
const RECORD_BATCH = 20_000;

async function recordsInBatches(store: GraphStore, ids: readonly string[]): Promise<ItemRecord[]> {
  const out: ItemRecord[] = [];
  for (let i = 0; i < ids.length; i += RECORD_BATCH) out.push(...(await store.itemRecords(ids.slice(i, i + RECORD_BATCH))));
  return out;
}

export async function gatherFsma(store: GraphStore, target: FsmaTarget, location: string): Promise<FsmaReportData> {
  let ids: string[];
  let since: number = -Infinity;
  if ('from' in target) {
    if (target.from.length === 0) throw new TracegraphError('BAD_INPUT', 'give --from with at least one lot, or --since');
    const t = await store.traceForward(target.from);
    ids = [...new Set([...target.from, ...t.lots, ...t.units])];
  } else {
    since = Date.parse(target.since);
    if (Number.isNaN(since))
      throw new TracegraphError('BAD_INPUT', `--since ${JSON.stringify(target.since)} is not an ISO 8601 time`);
    // Every lot and unit an operation since then took in or put out (the store's coarse bound is a day
    // wide), and every lot received since then, used or not.
    const q = await store.qualityFacts(new Date(since - 86_400_000).toISOString(), '9999-12-31');
    const received = await store.itemsReceived(new Date(since).toISOString(), '9999-12-31T23:59:59Z');
    ids = [...new Set([...q.flows.filter((f) => !f.container).map((f) => f.item), ...received])];
  }
  ids.sort();
  const recs = new Map<string, ItemRecord>();
  for (const r of await recordsInBatches(store, ids)) if (!r.item.container) recs.set(r.item.id, r);
  // Inputs outside the trace (what a traced lot was made from) are described too: read them in one go.
  const inputs = new Set<string>();
  for (const r of recs.values())
    for (const f of r.flows) if (f.direction === 'in' && !f.container && !recs.has(f.item)) inputs.add(f.item);
  const others = new Map((await recordsInBatches(store, [...inputs])).map((r) => [r.item.id, r]));
  const product = new Map<string, string>();
  const productOfId = (id: string): string => {
    let p = product.get(id);
    if (p === undefined) {
      const r = recs.get(id) ?? others.get(id);
      p = r ? productOf(r) : '';
      product.set(id, p);
    }
    return p;
  };
  const after = (iso: string | null | undefined) => !!iso && Date.parse(iso) >= since;
  const rows: Record<Cte, FsmaRow[]> = { Receiving: [], Transformation: [], Shipping: [] };
  for (const [id, r] of recs) {
    const it = r.item;
    if (it.receivedAt && after(it.receivedAt))
      rows.Receiving.push({
        'Traceability Lot Code': id,
        'Traceability Lot Code Source Reference': [it.supplier, it.supplierLot && `lot ${it.supplierLot}`]
          .filter(Boolean)
          .join(', '),
        'Product Description': productOfId(id),
        Quantity: it.qty,
        'Unit of Measure': it.uom,
        'Immediate Previous Source Location Description': it.supplier,
        'Receiving Location Description': location,
        'Date Received': it.receivedAt,
        'Reference Document Type': 'Receiving record',
        'Reference Document Number': it.receiveEvent ?? null,
      });
    for (const o of r.operations) {
      const out = r.flows.find((f) => f.op === o.id && f.direction === 'out' && f.item === id);
      if (!out || !after(o.endTime)) continue;
      const inputs = r.flows.filter((f) => f.op === o.id && f.direction === 'in' && !f.container);
      for (const input of inputs.length ? inputs : [null])
        rows.Transformation.push({
          'Traceability Lot Code': id,
          'Traceability Lot Code Source Reference': location,
          'Product Description': productOfId(id),
          Quantity: out.qty ?? (it.kind === 'unit' ? 1 : null),
          'Unit of Measure': out.uom ?? (it.kind === 'unit' ? 'ea' : null),
          'Input Traceability Lot Code': input?.item ?? null,
          'Input Product Description': input ? productOfId(input.item) : null,
          'Input Quantity': input?.qty ?? null,
          'Input Unit of Measure': input?.uom ?? null,
          'Transformation Location Description': [location, o.station, o.equipment].filter(Boolean).join(', '),
          'Date Transformation Completed': o.endTime,
          'Reference Document Type': o.workOrder ? 'Work order' : 'Production record',
          'Reference Document Number': o.workOrder ?? o.id,
        });
    }
    for (const s of r.shipments) {
      if (!after(s.eventTime)) continue;
      rows.Shipping.push({
        'Traceability Lot Code': id,
        'Traceability Lot Code Source Reference': it.supplier
          ? [it.supplier, it.supplierLot].filter(Boolean).join(', ')
          : location,
        'Product Description': productOfId(id),
        Quantity: it.kind === 'unit' ? 1 : it.qty,
        'Unit of Measure': it.kind === 'unit' ? 'ea' : it.uom,
        'Immediate Subsequent Recipient Location Description': s.customer,
        'Shipping Location Description': location,
        'Date Shipped': s.eventTime,
        'Reference Document Type': 'Shipment',
        'Reference Document Number': s.shipment,
        Container: s.item === id ? null : s.item,
      });
    }
  }
  const key = (r: FsmaRow) =>
    `${r['Traceability Lot Code']}\u0000${r['Input Traceability Lot Code'] ?? ''}\u0000${r['Reference Document Number'] ?? ''}`;
  for (const cte of CTES) rows[cte].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return {
    from: 'from' in target ? [...target.from] : null,
    since: 'since' in target ? target.since : null,
    location,
    lots: recs.size,
    rows,
  };
}

export const FSMA_CSV_HEADER = ['Critical Tracking Event', ...FSMA_COLUMNS.map((c) => c.name)];

export function writeFsmaCsv(path: string, d: FsmaReportData): Promise<void> {
  const rows = CTES.flatMap((cte) => d.rows[cte].map((r) => [cte, ...FSMA_COLUMNS.map((c) => r[c.name] ?? null)] as Cell[]));
  return writeCsv(path, FSMA_CSV_HEADER, rows);
}

export async function writeFsmaXlsx(path: string, d: FsmaReportData, meta: ReportMeta, hash: string): Promise<void> {
  const { default: ExcelJS } = await import('exceljs');
  // Streamed: each row is written to the file as it is committed, not kept in a workbook in memory.
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useStyles: true, useSharedStrings: false });
  wb.creator = meta.generatedBy;
  wb.title = `${meta.title} ${meta.id}`;
  for (const cte of CTES) {
    const ws = wb.addWorksheet(cte, { views: [{ state: 'frozen', ySplit: 1 }] });
    const cols = cteColumns(cte);
    ws.columns = cols.map((name) => ({ header: name, key: name, width: Math.max(14, Math.min(40, name.length + 2)) }));
    ws.getRow(1).font = { bold: true };
    ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: cols.length } };
    for (const r of d.rows[cte]) ws.addRow(cols.map((c) => r[c] ?? null)).commit();
    ws.commit();
  }
  const help = wb.addWorksheet('Columns');
  help.columns = [
    { header: 'Column', key: 'name', width: 44 },
    { header: 'Critical Tracking Events', key: 'ctes', width: 34 },
    { header: '21 CFR', key: 'cfr', width: 34 },
    { header: 'Meaning', key: 'meaning', width: 90 },
  ];
  help.getRow(1).font = { bold: true };
  for (const c of FSMA_COLUMNS) help.addRow({ name: c.name, ctes: c.ctes.join(', '), cfr: c.cfr, meaning: c.meaning }).commit();
  help.commit();
  const about = wb.addWorksheet('Report');
  about.columns = [
    { header: 'Key', key: 'k', width: 24 },
    { header: 'Value', key: 'v', width: 80 },
  ];
  about.getRow(1).font = { bold: true };
  for (const [k, v] of [
    ['Title', meta.title],
    ['Report ID', meta.id],
    ['Generated', `${meta.generatedAt} (${meta.timeZone})`],
    ['Generated by', meta.generatedBy],
    ['Traced from', d.from?.join(', ') ?? ''],
    ['Since', d.since ?? ''],
    ['Location', d.location],
    ['Data SHA-256', hash],
  ])
    about.addRow([k, v]).commit();
  about.commit();
  await wb.commit();
}
