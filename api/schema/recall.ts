/** Recall scope, saved recalls (domain/recalls.ts) and mass balance. */
import { TracegraphError } from '../../core/errors.ts';
import type {
  FrozenScope,
  MassBalance,
  RecallCounts,
  RecallCriteria,
  RecallRecord,
  RecallScopeResult,
  SupplierLotMatch,
  UnmatchedCriterion,
} from '../../cypher/port.ts';
import { requireSignature } from '../../domain/auth/signatures.ts';
import { approveRecall, closeRecall, recallApprovals, saveRecall } from '../../domain/recalls.ts';
import { builder } from '../builder.ts';
import { SignatureType } from './auth.ts';
import { Item, Party, ShipmentUnitsRef, named, traceIds } from './trace.ts';

const MAX_PAGE = 1000;
const MAX_TEXT = 512;

const EquipmentCriterion = builder.inputType('EquipmentCriterion', {
  description: 'Everything that ran on a piece of equipment during a window (either end may be open).',
  fields: (t) => ({
    id: t.id({ required: true }),
    from: t.string({ description: 'ISO 8601 date-time with offset' }),
    to: t.string({ description: 'ISO 8601 date-time with offset' }),
  }),
});

const ParameterCriterion = builder.inputType('ParameterCriterion', {
  description:
    'An out-of-spec process parameter: readings outside [min, max] open a window that the next in-spec reading closes; units made on that equipment during a window are suspect.',
  fields: (t) => ({
    equipmentId: t.id({ description: 'Default: every equipment that reports the parameter' }),
    name: t.string({ required: true }),
    min: t.float(),
    max: t.float(),
    from: t.string({ description: 'Only readings from here (ISO 8601)' }),
    to: t.string({ description: 'Only readings up to here (ISO 8601)' }),
  }),
});

const RecallCriteriaInput = builder.inputType('RecallCriteria', {
  description: 'What makes material suspect. Kinds given together are combined with AND; from/to narrow by production time.',
  fields: (t) => ({
    supplierLots: t.idList({
      description: "Lots (or any items), or the supplier's own lot numbers (a receive's supplierLot): everything made from them",
    }),
    material: t.string({ description: 'Every received lot of this material' }),
    equipment: t.field({ type: EquipmentCriterion }),
    parameter: t.field({ type: ParameterCriterion }),
    operator: t.id({ description: 'Everything an operator made (within from/to)' }),
    defectCode: t.string({ description: 'Items with a failed inspection naming this defect code, and what was made from them' }),
    from: t.string({ description: 'Units made from this time (ISO 8601)' }),
    to: t.string({ description: 'Units made up to this time (ISO 8601)' }),
  }),
});

/** GraphQL input -> port criteria, checked and normalised at the boundary. */
function criteriaOf(raw: RecallCriteria): RecallCriteria {
  const text = (v: string | null | undefined, what: string) => {
    if (v === null || v === undefined) return undefined;
    const s = v.trim();
    if (s === '' || s.length > MAX_TEXT) throw new TracegraphError('BAD_INPUT', `${what} must be 1 to ${MAX_TEXT} characters`);
    return s;
  };
  const c: RecallCriteria = {};
  if (raw.supplierLots?.length) c.supplierLots = traceIds(raw.supplierLots);
  if (raw.material != null) c.material = text(raw.material, 'material');
  if (raw.equipment)
    c.equipment = { id: text(raw.equipment.id, 'equipment.id')!, from: raw.equipment.from, to: raw.equipment.to };
  if (raw.parameter) c.parameter = { ...raw.parameter, name: text(raw.parameter.name, 'parameter.name')! };
  if (raw.operator != null) c.operator = text(raw.operator, 'operator');
  if (raw.defectCode != null) c.defectCode = text(raw.defectCode, 'defectCode');
  if (raw.from != null) c.from = raw.from;
  if (raw.to != null) c.to = raw.to;
  return c;
}

const Counts = builder.objectRef<RecallCounts>('RecallCounts').implement({
  fields: (t) => ({
    units: t.exposeInt('units', { description: 'Every unit in the scope: finishedUnits + subAssemblies' }),
    finishedUnits: t.exposeInt('finishedUnits', {
      description: 'Units not built into another unit (end products, or units that went no further)',
    }),
    subAssemblies: t.exposeInt('subAssemblies', {
      description: 'Units built into something else (a board into a product): recalled with what they went into',
    }),
    lots: t.exposeInt('lots'),
    shipments: t.exposeInt('shipments'),
    customers: t.exposeInt('customers'),
    inStock: t.exposeInt('inStock', { description: 'Units of the scope not (yet) shipped' }),
    shipped: t.exposeInt('shipped', { description: 'Units of the scope that left in a shipment, directly or in a container' }),
  }),
});

interface Page<T> {
  total: number;
  nodes: T[];
  endCursor: string | null;
  hasNextPage: boolean;
}

/** Cursor paging over a sorted list: `after` is the last id of the previous page. */
function page<T>(all: T[], key: (x: T) => string, first: number | null | undefined, after: string | null | undefined): Page<T> {
  const n = first ?? 100;
  if (n < 0 || n > MAX_PAGE) throw new TracegraphError('BAD_INPUT', `first must be 0 to ${MAX_PAGE}`);
  const start = after ? all.findIndex((x) => key(x) > after) : 0;
  const from = start < 0 ? all.length : start;
  const nodes = all.slice(from, from + n);
  return {
    total: all.length,
    nodes,
    endCursor: nodes.length ? key(nodes[nodes.length - 1]!) : (after ?? null),
    hasNextPage: from + n < all.length,
  };
}

const ItemPage = builder.objectRef<Page<{ id: string }>>('ItemPage').implement({
  fields: (t) => ({
    total: t.exposeInt('total'),
    nodes: t.field({ type: [Item], resolve: (p) => p.nodes }),
    endCursor: t.exposeString('endCursor', { nullable: true }),
    hasNextPage: t.exposeBoolean('hasNextPage'),
  }),
});

const ShipmentPage = builder.objectRef<Page<RecallScopeResult['shipments'][number]>>('ShipmentUnitsPage').implement({
  fields: (t) => ({
    total: t.exposeInt('total'),
    nodes: t.field({ type: [ShipmentUnitsRef], resolve: (p) => p.nodes }),
    endCursor: t.exposeString('endCursor', { nullable: true }),
    hasNextPage: t.exposeBoolean('hasNextPage'),
  }),
});

const NaiveScope = builder.objectRef<RecallScopeResult['naive']>('NaiveScope').implement({
  description:
    'What a plant without genealogy would recall: every unit of the same product made at the same station in the same period as the suspect units.',
  fields: (t) => ({ units: t.exposeInt('units'), description: t.exposeString('description') }),
});

const Unmatched = builder.objectRef<UnmatchedCriterion>('UnmatchedCriterion').implement({
  description:
    'A criterion that matched nothing in the graph (so it cannot have found anything), with close matches the graph holds.',
  fields: (t) => ({
    criterion: t.exposeString('criterion', {
      description: 'supplierLots, material, equipment, operator, parameter.equipmentId, parameter.name or defectCode',
    }),
    value: t.exposeString('value'),
    suggestions: t.exposeStringList('suggestions', { description: 'Same start, contained, or a few letters apart; best first' }),
  }),
});

const SupplierLotNumber = builder.objectRef<SupplierLotMatch>('SupplierLotNumber').implement({
  description: "A supplier's own lot number given in supplierLots, and the lots received under it",
  fields: (t) => ({
    supplierLot: t.exposeString('supplierLot'),
    lots: t.field({ type: [Item], resolve: (m) => named(m.lots) }),
  }),
});

type ScopeRoot = RecallScopeResult & { criteria: RecallCriteria };

const RecallScope = builder.objectRef<ScopeRoot>('RecallScope').implement({
  fields: (t) => {
    const items = (pick: (s: ScopeRoot) => string[], description: string) =>
      t.field({
        type: ItemPage,
        description,
        args: { first: t.arg.int(), after: t.arg.string() },
        resolve: (s, a) => page(named(pick(s)), (x) => x.id, a.first, a.after),
      });
    return {
      criteria: t.string({ description: 'The criteria as JSON', resolve: (s) => JSON.stringify(s.criteria) }),
      counts: t.field({ type: Counts, resolve: (s) => s.counts }),
      unmatched: t.field({
        type: [Unmatched],
        description: 'Criteria that matched nothing: empty when every criterion found something in the graph',
        resolve: (s) => s.unmatched,
      }),
      supplierLotNumbers: t.field({
        type: [SupplierLotNumber],
        description: 'Supplier lot numbers in supplierLots resolved to lots',
        resolve: (s) => s.supplierLotNumbers,
      }),
      units: items((s) => s.units, 'Units to recall (containers excluded)'),
      shippedUnits: items((s) => s.shippedUnits, 'Units of the scope that were shipped'),
      lots: items((s) => s.lots, 'Lots in the scope (the suspect lots and everything made from them)'),
      containers: items((s) => s.containers, 'Cases and pallets holding suspect material'),
      shipments: t.field({
        type: ShipmentPage,
        args: { first: t.arg.int(), after: t.arg.string() },
        resolve: (s, a) => page(s.shipments, (x) => x.shipment, a.first, a.after),
      }),
      customers: t.field({ type: [Party], resolve: (s) => named(s.customers) }),
      naive: t.field({ type: NaiveScope, resolve: (s) => s.naive }),
      precision: t.exposeFloat('precision', { description: 'Graph units / naive units (1 when the naive scope is empty)' }),
      spared: t.exposeInt('spared', { description: 'Naive units the graph showed need not be recalled' }),
    };
  },
});

export const RecallStatusEnum = builder.enumType('RecallStatus', {
  description: 'draft when saved; approved once signed (approveRecall); closed when done (closeRecall)',
  values: ['draft', 'approved', 'closed'] as const,
});

const CustomerUnits = builder.objectRef<FrozenScope['customers'][number]>('CustomerUnits').implement({
  fields: (t) => ({
    customer: t.field({ type: Party, resolve: (c) => ({ id: c.customer }) }),
    units: t.exposeInt('units', { description: 'Units of the scope shipped to this customer' }),
  }),
});

const FrozenScopeRef = builder.objectRef<FrozenScope>('RecallFrozenScope').implement({
  description: 'What the recall scoped when it was saved; events recorded later do not change it.',
  fields: (t) => ({
    units: t.exposeIDList('units'),
    lots: t.exposeIDList('lots'),
    containers: t.exposeIDList('containers'),
    shipments: t.field({ type: [ShipmentUnitsRef], resolve: (f) => f.shipments }),
    customers: t.field({ type: [CustomerUnits], resolve: (f) => f.customers }),
  }),
});

const Recall = builder.objectRef<RecallRecord>('Recall').implement({
  description: 'A saved recall scope.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    status: t.field({ type: RecallStatusEnum, resolve: (r) => r.status }),
    scope: t.field({ type: FrozenScopeRef, resolve: (r) => r.scope }),
    criteria: t.string({ description: 'The criteria as JSON', resolve: (r) => JSON.stringify(r.criteria) }),
    counts: t.field({ type: Counts, resolve: (r) => r.counts }),
    createdAt: t.exposeString('createdAt'),
    createdBy: t.exposeString('createdBy', { nullable: true }),
    approvals: t.field({
      type: [SignatureType],
      description: 'The signed approvals of this recall (approveRecall), oldest first, as the audit trail records them.',
      resolve: (r, _args, ctx) => recallApprovals(ctx.audit, r.id),
    }),
  }),
});

const MassBalanceRef = builder.objectRef<MassBalance>('MassBalance').implement({
  description: 'Received (or produced) vs consumed vs remaining for one lot; discrepancies are flagged with their reason.',
  fields: (t) => ({
    lot: t.field({ type: Item, resolve: (m) => ({ id: m.lot }) }),
    received: t.exposeFloat('received', { nullable: true }),
    source: t.exposeString('source', { nullable: true, description: '`received` or `produced` (an intermediate lot)' }),
    uom: t.exposeString('uom', { nullable: true }),
    consumed: t.exposeFloat('consumed'),
    remaining: t.exposeFloat('remaining', { nullable: true }),
    unquantified: t.exposeInt('unquantified', { description: 'Consumptions recorded without a quantity' }),
    discrepancy: t.exposeBoolean('discrepancy'),
    reasons: t.exposeStringList('reasons'),
  }),
});

builder.queryFields((t) => ({
  recallScope: t.field({
    authScopes: { readTrace: true },
    type: RecallScope,
    description: 'The units, lots, shipments and customers to recall for the criteria, and the naive scope it spares.',
    args: { criteria: t.arg({ type: RecallCriteriaInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      const criteria = criteriaOf(args.criteria as RecallCriteria);
      return { ...(await ctx.store.recallScope(criteria)), criteria };
    },
  }),
  recalls: t.field({
    authScopes: { readTrace: true },
    type: [Recall],
    description: 'Saved recalls, oldest first.',
    resolve: (_root, _args, ctx) => ctx.store.listRecalls(),
  }),
  massBalance: t.field({
    authScopes: { readTrace: true },
    type: [MassBalanceRef],
    description: 'Mass balance of each lot (unknown ids are left out).',
    args: { lots: t.arg.idList({ required: true }) },
    resolve: (_root, args, ctx) => ctx.store.massBalance(traceIds(args.lots)),
  }),
}));

builder.mutationFields((t) => ({
  approveRecall: t.field({
    authScopes: { recall: true },
    type: SignatureType,
    description:
      'Approves a saved recall with an electronic signature: re-enter your password. The signature is kept in the audit trail.',
    args: {
      id: t.arg.id({ required: true }),
      password: t.arg.string({ required: true, description: 'your password, entered again for this signature' }),
      meaning: t.arg.string({ description: 'what the signature means (default "approved")' }),
    },
    resolve: (_root, args, ctx) =>
      approveRecall(ctx, (what) => requireSignature(ctx, { ...what, password: args.password }), {
        id: String(args.id),
        meaning: args.meaning,
      }),
  }),
  createRecall: t.field({
    authScopes: { recall: true },
    type: Recall,
    description: 'Scopes a recall and saves it with its criteria and counts.',
    args: { criteria: t.arg({ type: RecallCriteriaInput, required: true }), name: t.arg.string({ required: true }) },
    resolve: (_root, args, ctx) =>
      saveRecall(ctx, {
        name: args.name,
        criteria: criteriaOf(args.criteria as RecallCriteria),
        by: ctx.principal?.name ?? null,
      }),
  }),
  closeRecall: t.field({
    authScopes: { recall: true },
    type: Recall,
    description: 'Closes a saved recall (done, or abandoned while a draft). A closed recall cannot be approved.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => closeRecall(ctx, String(args.id)),
  }),
}));
