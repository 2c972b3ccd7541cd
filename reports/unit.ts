/**
 * The unit record (device history record) of one serial: the operations it went through with what
 * ran them and the process parameters against their spec, the materials and sub-assemblies it was
 * made from, inspections, holds, packing, and the shipment that took it to its consignee. Built
 * from the same history the GraphQL unitHistory resolver reads (loadHistory, operationParameters).
 */
import type { GraphStore, HoldRecord, ItemFacts } from '../cypher/port.ts';
import { loadHistory, operationParameters, type ItemHistory, type ParameterSummary } from '../domain/analytics/history.ts';
import type { ReportPdf } from './pdf.ts';

export interface UnitReportData {
  history: ItemHistory;
  /** Readings per operation id, each parameter beside the spec in force when the operation ended. */
  parameters: Record<string, ParameterSummary[]>;
  /** Every lot the unit was made from (a backward trace), with material and supplier. */
  materials: ItemFacts[];
  /** Every unit it was made from (sub-assemblies at any depth). */
  subAssemblies: ItemFacts[];
  holds: HoldRecord[];
}

export async function gatherUnit(store: GraphStore, id: string): Promise<UnitReportData> {
  const history = await loadHistory(store, id);
  const specs = await store.specs({ history: true });
  const parameters: Record<string, ParameterSummary[]> = {};
  for (const o of history.operations) parameters[o.id] = await operationParameters(store, o, specs);
  const back = await store.traceBackward([id]);
  const facts = async (ids: readonly string[]) => {
    const out: ItemFacts[] = [];
    for (const x of ids) {
      const rec = await store.itemRecord(x);
      if (rec) out.push(rec.item);
    }
    return out.sort((a, b) => (a.id < b.id ? -1 : 1));
  };
  return {
    history,
    parameters,
    materials: await facts(back.lots),
    subAssemblies: await facts(back.units.filter((u) => u !== id)),
    holds: await store.holds({ item: id }),
  };
}

const fmt = (x: number) => String(+x.toFixed(4));

function limits(p: ParameterSummary): string {
  if (!p.spec) return '-';
  const { lsl, usl, target, uom } = p.spec;
  return `[${lsl ?? '-∞'}, ${usl ?? '+∞'}]${target !== null ? ` (${target})` : ''}${uom ? ` ${uom}` : ''} v${p.spec.version}`;
}

export function drawUnit(pdf: ReportPdf, d: UnitReportData): void {
  const t = pdf.t;
  const h = d.history;
  const item = h.item;
  pdf.heading(t.identity);
  pdf.fields([
    [t.unit, item.id],
    [t.kind, item.container ? 'container' : item.kind],
    [t.material, item.material ?? '-'],
    [t.status, h.status.join(', ') || '-'],
  ]);

  pdf.heading(`${t.operations} (${h.operations.length})`);
  for (const o of h.operations) {
    pdf.subheading(`${o.step} · ${o.id} (${o.role})`);
    pdf.fields([
      [t.time, `${o.startTime ?? ''}${o.startTime ? ' – ' : ''}${o.endTime}`],
      [t.station, o.station],
      [t.equipment, o.equipment ?? '-'],
      [t.operator, o.operator ?? '-'],
      [t.recipe, o.recipe ?? '-'],
      [t.workOrder, o.workOrder ?? '-'],
      [t.result, o.result ?? '-'],
      [
        t.inputs,
        o.inputs.map((f) => `${f.item}${f.qty !== null ? ` ${f.qty}${f.uom ? ` ${f.uom}` : ''}` : ''}`).join(', ') || '-',
      ],
    ]);
    const params = d.parameters[o.id] ?? [];
    if (params.length)
      pdf.table(
        [
          { header: t.parameter, width: 0.2 },
          { header: t.readings, width: 0.1, align: 'right' },
          { header: 'min / mean / max', width: 0.28 },
          { header: t.spec, width: 0.3 },
          { header: t.inSpec, width: 0.12 },
        ],
        params.map((p) => [
          `${p.parameter}${p.uom ? ` (${p.uom})` : ''}`,
          String(p.count),
          `${fmt(p.min)} / ${fmt(p.mean)} / ${fmt(p.max)}`,
          limits(p),
          p.inSpec === null ? '-' : p.inSpec ? t.yes : t.no,
        ]),
      );
  }

  const itemRows = (xs: readonly ItemFacts[]) =>
    xs.map((x) => [
      x.id,
      x.material ?? '',
      x.supplier ?? '',
      x.supplierLot ?? '',
      x.qty === null ? '' : `${x.qty} ${x.uom ?? ''}`,
    ]);
  const itemCols = [
    { header: t.item, width: 0.3 },
    { header: t.material, width: 0.16 },
    { header: t.supplier, width: 0.2 },
    { header: t.supplierLot, width: 0.18 },
    { header: t.quantity, width: 0.16 },
  ];
  pdf.heading(`${t.materials} (${d.materials.length})`);
  pdf.table(itemCols, itemRows(d.materials));
  pdf.heading(`${t.subAssemblies} (${d.subAssemblies.length})`);
  pdf.table(itemCols, itemRows(d.subAssemblies));

  pdf.heading(`${t.inspections} (${h.inspections.length})`);
  pdf.table(
    [
      { header: t.time, width: 0.24 },
      { header: t.station, width: 0.12 },
      { header: t.result, width: 0.1 },
      { header: t.defects, width: 0.16 },
      { header: t.measurements, width: 0.38 },
    ],
    h.inspections.map((i) => [
      i.eventTime,
      i.station ?? '',
      i.result,
      i.defects.join(', '),
      i.measurements.map((m) => `${m.name} ${m.value}${m.uom ? ` ${m.uom}` : ''}`).join(', '),
    ]),
  );

  pdf.heading(`${t.holds} (${d.holds.length})`);
  pdf.table(
    [
      { header: t.hold, width: 0.16 },
      { header: t.reason, width: 0.28 },
      { header: t.status, width: 0.12 },
      { header: t.placedAt, width: 0.22 },
      { header: t.releasedAt, width: 0.22 },
    ],
    d.holds.map((x) => [
      x.id,
      x.reason,
      x.status,
      `${x.placedAt} ${x.placedBy}`,
      x.releasedAt ? `${x.releasedAt} ${x.releasedBy ?? ''} (${x.releaseMeaning ?? ''})` : '-',
    ]),
  );

  pdf.heading(t.packing);
  pdf.table(
    [
      { header: t.item, width: 0.35 },
      { header: t.container, width: 0.35 },
      { header: t.time, width: 0.3 },
    ],
    h.containers.map((c) => [c.child, c.parent, c.eventTime ?? '-']),
  );

  pdf.heading(t.shipping);
  pdf.table(
    [
      { header: t.shipment, width: 0.25 },
      { header: t.item, width: 0.25 },
      { header: t.consignee, width: 0.25 },
      { header: t.shipDate, width: 0.25 },
    ],
    h.shipments.map((s) => [s.shipment, s.item, s.customer ?? '-', s.eventTime ?? '-']),
  );
}
