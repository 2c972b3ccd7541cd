/** Traces: `traceForward` / `traceBackward` from a set of lots and units (names fixed by DESIGN.md). */
import { TracegraphError } from '../../core/errors.ts';
import { normaliseId } from '../../core/ids.ts';
import type { GraphStore, TraceResult } from '../../cypher/port.ts';
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
const Shipment = builder.objectRef<Named>('Shipment').implement({
  description: 'A shipment: its desadv business transaction when it has one, else its shipmentId.',
  fields: (t) => ({ id: t.exposeID('id') }),
});
const Party = builder.objectRef<Named>('Party').implement({
  description: 'A supplier or customer.',
  fields: (t) => ({ id: t.exposeID('id') }),
});

const named = (ids: string[]): Named[] => ids.map((id) => ({ id }));

const Trace = builder.objectRef<TraceResult>('Trace').implement({
  description: 'Everything a trace reached. `units` never holds containers: they are in `containers`.',
  fields: (t) => ({
    lots: t.field({ type: [Item], resolve: (r) => named(r.lots) }),
    units: t.field({ type: [Item], resolve: (r) => named(r.units) }),
    containers: t.field({ type: [Item], resolve: (r) => named(r.containers) }),
    shipments: t.field({ type: [Shipment], resolve: (r) => named(r.shipments) }),
    customers: t.field({ type: [Party], resolve: (r) => named(r.customers) }),
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
  const traceField = (description: string, trace: (store: GraphStore, ids: string[]) => Promise<TraceResult>) =>
    t.field({
      type: Trace,
      description,
      authScopes: { readTrace: true },
      args: { from: t.arg.idList({ required: true, description: FROM_DESCRIPTION }) },
      resolve: (_root, args, ctx) => trace(ctx.store, traceIds(args.from)),
    });
  return {
    traceForward: traceField(
      'Every lot and unit made from the given ones, the shipments that carried them and their customers.',
      (store, ids) => store.traceForward(ids),
    ),
    traceBackward: traceField(
      'Every lot and unit the given ones were made from (and the contents of a container).',
      (store, ids) => store.traceBackward(ids),
    ),
  };
});
