/** `unit(id)` and `lot(id)` (names clients depend on, docs/api.md): one item with what a person asks first. */
import { TracegraphError } from '../../core/errors.ts';
import { loadHistory, type ItemHistory } from '../../domain/analytics/history.ts';
import { builder } from '../builder.ts';
import { HistoryOperationRef, InspectionRef, ItemStatusEnum, parseItemId, ShipmentRef, UnitHistoryRef } from './history.ts';

const producedBy = (h: ItemHistory) => h.operations.find((o) => o.role === 'produced') ?? null;

const Unit = builder.objectRef<ItemHistory>('Unit').implement({
  description: 'A unit: a finished good, a sub-assembly, or a container (case, pallet) other items were packed into.',
  fields: (t) => ({
    id: t.id({ resolve: (h) => h.item.id }),
    container: t.boolean({ resolve: (h) => h.item.container }),
    status: t.field({ type: [ItemStatusEnum], resolve: (h) => h.status }),
    producedBy: t.field({ type: HistoryOperationRef, nullable: true, resolve: producedBy }),
    inspections: t.field({ type: [InspectionRef], resolve: (h) => h.inspections }),
    containers: t.idList({
      description: 'Every container it was packed into, innermost first',
      resolve: (h) => h.containers.map((c) => c.parent),
    }),
    shipments: t.field({ type: [ShipmentRef], resolve: (h) => h.shipments }),
    history: t.field({ type: UnitHistoryRef, resolve: (h) => h }),
  }),
});

const Lot = builder.objectRef<ItemHistory>('Lot').implement({
  description: 'A lot: received from a supplier, or made by an operation (mix, split, merge).',
  fields: (t) => ({
    id: t.id({ resolve: (h) => h.item.id }),
    material: t.string({ nullable: true, resolve: (h) => h.item.material }),
    qty: t.float({ nullable: true, resolve: (h) => h.item.qty }),
    uom: t.string({ nullable: true, resolve: (h) => h.item.uom }),
    supplier: t.string({ nullable: true, resolve: (h) => h.item.supplier }),
    supplierLot: t.string({ nullable: true, resolve: (h) => h.item.supplierLot }),
    status: t.field({ type: [ItemStatusEnum], resolve: (h) => h.status }),
    producedBy: t.field({ type: HistoryOperationRef, nullable: true, resolve: producedBy }),
    usedIn: t.field({ type: [HistoryOperationRef], resolve: (h) => h.operations.filter((o) => o.role !== 'produced') }),
    inspections: t.field({ type: [InspectionRef], resolve: (h) => h.inspections }),
    history: t.field({ type: UnitHistoryRef, resolve: (h) => h }),
  }),
});

/** The item, or null when nothing is recorded under the id; a clear error when it is the other kind. */
async function lookup(ctx: { store: Parameters<typeof loadHistory>[0] }, raw: string, want: 'unit' | 'lot') {
  const id = parseItemId(raw);
  let h: ItemHistory;
  try {
    h = await loadHistory(ctx.store, id);
  } catch (e) {
    if (e instanceof TracegraphError && e.code === 'NOT_FOUND') return null;
    throw e;
  }
  if (h.item.kind !== want)
    throw new TracegraphError(
      'BAD_INPUT',
      `${JSON.stringify(id)} is a ${h.item.kind}, not a ${want}: ask ${h.item.kind}(id:) instead`,
    );
  return h;
}

builder.queryFields((t) => ({
  unit: t.field({
    authScopes: { readTrace: true },
    type: Unit,
    nullable: true,
    description: 'A unit by id (EPC URN, GS1 Digital Link or plant id); null when none is recorded.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, args, ctx) => lookup(ctx, args.id, 'unit'),
  }),
  lot: t.field({
    authScopes: { readTrace: true },
    type: Lot,
    nullable: true,
    description: 'A lot by id (EPC URN, GS1 Digital Link or plant id); null when none is recorded.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, args, ctx) => lookup(ctx, args.id, 'lot'),
  }),
}));
