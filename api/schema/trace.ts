/** Traces: `traceForward` / `traceBackward` from a set of lots and units (names clients depend on, docs/api.md). */
import { TracegraphError } from '../../core/errors.ts';
import { normaliseId } from '../../core/ids.ts';
import type { FlowQuantity, GraphStore, ShipmentUnits, TraceQuantities, TraceResult } from '../../cypher/port.ts';
import { builder } from '../builder.ts';

/** Bounds on one trace request: enough for a recall list, small enough that one request cannot hog the store. */
export const MAX_TRACE_IDS = 1000;
export const MAX_ID_LENGTH = 512;

interface Named {
  id: string;
}

// Object types (not bare strings) so that later increments can add fields (quantities, status)
// without breaking clients that select `{ id }`.
export const Item = builder.objectRef<Named>('Item').implement({
  description: 'A lot or a unit (a container is a unit other items were packed into).',
  fields: (t) => ({ id: t.exposeID('id') }),
});
export const Shipment = builder.objectRef<Named>('Shipment').implement({
  description: 'A shipment: its desadv business transaction when it has one, else its shipmentId.',
  fields: (t) => ({ id: t.exposeID('id') }),
});
export const Party = builder.objectRef<Named>('Party').implement({
  description: 'A supplier or customer.',
  fields: (t) => ({ id: t.exposeID('id') }),
});

export const named = (ids: string[]): Named[] => ids.map((id) => ({ id }));

/** A trace's answer plus what asked for it, so that quantities and events are computed only when selected. */
interface TraceRoot extends TraceResult {
  from: string[];
  direction: 'forward' | 'backward';
  store: GraphStore;
  quantities?: Promise<TraceQuantities>;
}

const quantitiesOf = (r: TraceRoot) => (r.quantities ??= r.store.traceQuantities(r.from, r.direction));

const Flow = builder.objectRef<FlowQuantity>('Flow').implement({
  description: 'One input -> output pair of an operation in the trace: how much of `from` the step that made `to` consumed.',
  fields: (t) => ({
    from: t.field({ type: Item, resolve: (f) => ({ id: f.from }) }),
    operation: t.exposeID('operation'),
    to: t.field({ type: Item, resolve: (f) => ({ id: f.to }) }),
    qty: t.exposeFloat('qty', { nullable: true, description: 'Quantity of `from` consumed (null when the event gave none).' }),
    uom: t.exposeString('uom', { nullable: true }),
    outQty: t.exposeFloat('outQty', { nullable: true, description: 'Quantity of `to` produced.' }),
    outUom: t.exposeString('outUom', { nullable: true }),
  }),
});

export const ShipmentUnitsRef = builder.objectRef<ShipmentUnits>('ShipmentUnits').implement({
  description: 'How many units of a trace or recall left in one shipment (counted through cases and pallets).',
  fields: (t) => ({
    shipment: t.field({ type: Shipment, resolve: (s) => ({ id: s.shipment }) }),
    customer: t.field({ type: Party, nullable: true, resolve: (s) => (s.customer ? { id: s.customer } : null) }),
    units: t.exposeInt('units'),
  }),
});

const EventRef = builder.objectRef<Named>('TraceEvent').implement({
  description: 'An event that makes up a trace: its EPCIS eventID when it came from EPCIS, else its canonical eventId.',
  fields: (t) => ({ id: t.exposeID('id') }),
});

const Trace = builder.objectRef<TraceRoot>('Trace').implement({
  description: 'Everything a trace reached. `units` never holds containers: they are in `containers`.',
  fields: (t) => ({
    lots: t.field({ type: [Item], resolve: (r) => named(r.lots) }),
    units: t.field({ type: [Item], resolve: (r) => named(r.units) }),
    containers: t.field({ type: [Item], resolve: (r) => named(r.containers) }),
    shipments: t.field({ type: [Shipment], resolve: (r) => named(r.shipments) }),
    customers: t.field({ type: [Party], resolve: (r) => named(r.customers) }),
    flows: t.field({
      type: [Flow],
      description: 'Quantities: every input -> output pair of the operations the trace passes through.',
      resolve: async (r) => (await quantitiesOf(r)).flows,
    }),
    shipmentUnits: t.field({
      type: [ShipmentUnitsRef],
      description: 'Units of a forward trace per shipment and customer (empty for a backward trace).',
      resolve: async (r) => (await quantitiesOf(r)).shipments,
    }),
    events: t.field({
      type: [EventRef],
      description: 'The live events that make up the trace (see README, "Traceback events").',
      resolve: async (r) => named(await r.store.traceEvents(r.from, r.direction)),
    }),
  }),
});

/** Checks the ids and normalises them once, here at the boundary (Digital Link -> EPC URN). */
export function traceIds(raw: readonly string[]): string[] {
  if (raw.length === 0) throw new TracegraphError('BAD_INPUT', '`from` is empty: give at least one lot or unit id');
  if (raw.length > MAX_TRACE_IDS)
    throw new TracegraphError(
      'BAD_INPUT',
      `\`from\` has ${raw.length} ids; at most ${MAX_TRACE_IDS} per request (split the list over several requests)`,
    );
  return raw.map((id, i) => {
    const s = String(id).trim();
    if (s === '') throw new TracegraphError('BAD_INPUT', `from[${i}] is empty: give a lot or unit id`);
    if (s.length > MAX_ID_LENGTH)
      throw new TracegraphError('BAD_INPUT', `from[${i}] is ${s.length} characters long; an id has at most ${MAX_ID_LENGTH}`);
    return normaliseId(s);
  });
}

const FROM_DESCRIPTION = `1 to ${MAX_TRACE_IDS} lot or unit ids: EPC URNs, GS1 Digital Link URIs or plant ids`;

builder.queryFields((t) => {
  const traceField = (
    description: string,
    direction: TraceRoot['direction'],
    trace: (store: GraphStore, ids: string[]) => Promise<TraceResult>,
  ) =>
    t.field({
      type: Trace,
      description,
      authScopes: { readTrace: true },
      args: { from: t.arg.idList({ required: true, description: FROM_DESCRIPTION }) },
      resolve: async (_root, args, ctx) => {
        const from = traceIds(args.from);
        return { ...(await trace(ctx.store, from)), from, direction, store: ctx.store };
      },
    });
  return {
    traceForward: traceField(
      'Every lot and unit made from the given ones, the shipments that carried them and their customers.',
      'forward',
      (store, ids) => store.traceForward(ids),
    ),
    traceBackward: traceField(
      'Every lot and unit the given ones were made from (and the contents of a container).',
      'backward',
      (store, ids) => store.traceBackward(ids),
    ),
  };
});
