/**
 * Finding ids: `lots`, `materials`, `equipment`, `operators`, `customers`, `shipments` and
 * `recallList`, each by prefix in key order, paged with `first` / `after` (`after` is the
 * `endCursor` of the page before: its last key). Also `storeStats`, the counts `tracegraph stats`
 * prints.
 */
import type { ObjectRef } from '@pothos/core';
import { TracegraphError } from '../../core/errors.ts';
import type {
  CustomerListing,
  Listed,
  ListPage,
  LotListing,
  MaterialListing,
  NamedListing,
  RecallListing,
  ShipmentListing,
  StoreStats,
} from '../../cypher/port.ts';
import { builder } from '../builder.ts';
import { RecallStatusEnum } from './recall.ts';

export const MAX_LIST_PAGE = 500;
export const DEFAULT_LIST_PAGE = 50;
const MAX_TEXT = 512;

/** A page as the schema shows it: the nodes, the cursor of the next one, and whether there is one. */
interface Page<T> extends Listed<T> {
  endCursor: string | null;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any Pothos object type of T
function pageType<T>(name: string, node: ObjectRef<any, T>, what: string) {
  return builder.objectRef<Page<T>>(name).implement({
    description: `A page of ${what}, in key order.`,
    fields: (t) => ({
      nodes: t.field({ type: [node], resolve: (p) => p.nodes }),
      endCursor: t.exposeString('endCursor', {
        nullable: true,
        description: 'The last key of this page: pass it as `after` for the next one (null on an empty page)',
      }),
      hasNextPage: t.exposeBoolean('hasNextPage'),
    }),
  });
}

const LotListingRef = builder.objectRef<LotListing>('LotListing').implement({
  description: 'A lot as listed: its id and what it is (use `lot(id)` for its history).',
  fields: (t) => ({
    id: t.exposeID('id'),
    material: t.exposeString('material', { nullable: true }),
    qty: t.exposeFloat('qty', { nullable: true }),
    uom: t.exposeString('uom', { nullable: true }),
    supplier: t.exposeString('supplier', { nullable: true }),
    supplierLot: t.exposeString('supplierLot', { nullable: true, description: "The supplier's own lot number" }),
  }),
});
const MaterialListingRef = builder.objectRef<MaterialListing>('MaterialListing').implement({
  fields: (t) => ({ material: t.exposeString('material'), lots: t.exposeInt('lots', { description: 'Lots of it' }) }),
});
const NamedListingRef = builder.objectRef<NamedListing>('NamedListing').implement({
  description: 'An equipment or operator id.',
  fields: (t) => ({ id: t.exposeID('id') }),
});
const CustomerListingRef = builder.objectRef<CustomerListing>('CustomerListing').implement({
  fields: (t) => ({ id: t.exposeID('id'), shipments: t.exposeInt('shipments', { description: 'Shipments to it' }) }),
});
const ShipmentListingRef = builder.objectRef<ShipmentListing>('ShipmentListing').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    eventTime: t.exposeString('eventTime', { nullable: true }),
    customer: t.exposeString('customer', { nullable: true }),
  }),
});
const RecallListingRef = builder.objectRef<RecallListing>('RecallListing').implement({
  description: 'A saved recall as listed (`recalls` has the whole record).',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    status: t.field({ type: RecallStatusEnum, resolve: (r) => r.status }),
    createdAt: t.exposeString('createdAt'),
  }),
});

const LotPage = pageType('LotListingPage', LotListingRef, 'lots');
const MaterialPage = pageType('MaterialListingPage', MaterialListingRef, 'materials');
const NamedPage = pageType('NamedListingPage', NamedListingRef, 'ids');
const CustomerPage = pageType('CustomerListingPage', CustomerListingRef, 'customers');
const ShipmentPage = pageType('ShipmentListingPage', ShipmentListingRef, 'shipments');
const RecallPage = pageType('RecallListingPage', RecallListingRef, 'saved recalls');

const StoreStatsRef = builder.objectRef<StoreStats>('StoreStats').implement({
  description: 'Nodes and relationships in the graph, by label and type (what `tracegraph stats` prints).',
  fields: (t) => ({
    backend: t.exposeString('backend'),
    events: t.exposeInt('events'),
    nodes: t.field({ type: 'JSON', description: '{ label: count }', resolve: (s) => s.nodes }),
    relationships: t.field({ type: 'JSON', description: '{ type: count }', resolve: (s) => s.relationships }),
  }),
});

function text(name: string, v: string | null | undefined): string | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  if (v.length > MAX_TEXT)
    throw new TracegraphError('BAD_INPUT', `\`${name}\` is ${v.length} characters long; at most ${MAX_TEXT}`);
  return v;
}

/** The paging arguments, checked. */
function paging(args: { prefix?: string | null; first?: number | null; after?: string | null }): ListPage {
  const first = args.first ?? DEFAULT_LIST_PAGE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_LIST_PAGE)
    throw new TracegraphError('BAD_INPUT', `\`first\` is ${first}; give 1 to ${MAX_LIST_PAGE} and page with \`after\``);
  return { first, prefix: text('prefix', args.prefix), after: text('after', args.after) };
}

/** The page with its cursor: the key of its last node. */
async function paged<T>(list: Promise<Listed<T>>, key: (x: T) => string): Promise<Page<T>> {
  const l = await list;
  const last = l.nodes[l.nodes.length - 1];
  return { ...l, endCursor: last === undefined ? null : key(last) };
}

builder.queryFields((t) => {
  const pageArgs = {
    prefix: t.arg.string({ description: 'Only keys starting with this (case-sensitive, as ids are)' }),
    first: t.arg.int({ defaultValue: DEFAULT_LIST_PAGE, description: `Page size, 1 to ${MAX_LIST_PAGE}` }),
    after: t.arg.string({ description: '`endCursor` of the page before' }),
  };
  const byId = (x: { id: string }) => x.id;
  return {
    lots: t.field({
      type: LotPage,
      authScopes: { readTrace: true },
      description: 'Lots by id; `material`, `supplier` and `supplierLot` keep those containing the text (case-insensitive).',
      args: {
        ...pageArgs,
        material: t.arg.string(),
        supplier: t.arg.string(),
        supplierLot: t.arg.string({ description: "The supplier's own lot number, or a part of it" }),
      },
      resolve: (_r, a, ctx) =>
        paged(
          ctx.store.listLots({
            ...paging(a),
            material: text('material', a.material),
            supplier: text('supplier', a.supplier),
            supplierLot: text('supplierLot', a.supplierLot),
          }),
          byId,
        ),
    }),
    materials: t.field({
      type: MaterialPage,
      authScopes: { readTrace: true },
      description: 'The materials of lots by name, with how many lots each.',
      args: pageArgs,
      resolve: (_r, a, ctx) => paged(ctx.store.listMaterials(paging(a)), (m) => m.material),
    }),
    equipment: t.field({
      type: NamedPage,
      authScopes: { readMonitor: true },
      description: 'Equipment ids (stations, machines) the events name.',
      args: pageArgs,
      resolve: (_r, a, ctx) => paged(ctx.store.listEquipment(paging(a)), byId),
    }),
    operators: t.field({
      type: NamedPage,
      authScopes: { readMonitor: true },
      description: 'Operator ids the operations name.',
      args: pageArgs,
      resolve: (_r, a, ctx) => paged(ctx.store.listOperators(paging(a)), byId),
    }),
    customers: t.field({
      type: CustomerPage,
      authScopes: { readTrace: true },
      description: 'Customers (parties shipments went to), with how many shipments each.',
      args: pageArgs,
      resolve: (_r, a, ctx) => paged(ctx.store.listCustomers(paging(a)), byId),
    }),
    shipments: t.field({
      type: ShipmentPage,
      authScopes: { readTrace: true },
      description: 'Shipments by id, with their customer.',
      args: { ...pageArgs, customer: t.arg.id({ description: "Only this customer's (its exact id)" }) },
      resolve: (_r, a, ctx) =>
        paged(ctx.store.listShipments({ ...paging(a), customer: text('customer', a.customer as string | null) }), byId),
    }),
    recallList: t.field({
      type: RecallPage,
      authScopes: { readTrace: true },
      description: 'Saved recalls by id (`recalls` returns every whole record).',
      args: { ...pageArgs, status: t.arg({ type: RecallStatusEnum }) },
      resolve: (_r, a, ctx) => paged(ctx.store.listRecallPage({ ...paging(a), status: a.status ?? undefined }), byId),
    }),
    storeStats: t.field({
      type: StoreStatsRef,
      authScopes: { readTrace: true },
      description: 'Counts of the nodes and relationships in the graph (counts every node: not for frequent polling).',
      resolve: (_r, _a, ctx) => ctx.store.stats(),
    }),
  };
});
