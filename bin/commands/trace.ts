import { normaliseId } from '../../core/ids.ts';
import type { FlowQuantity, GraphStore, ShipmentUnits, TraceQuantities, TraceResult } from '../../cypher/port.ts';
import { withGraph } from '../common.ts';
import { out, printJson } from '../output.ts';
import type { RemoteServer } from '../remote.ts';

function print(direction: string, ids: string[], t: TraceResult, events?: string[]): Promise<void> {
  const lines = [`${direction} trace from ${ids.join(', ')}`];
  const sections: [string, string[]][] = [
    ['lots', t.lots],
    ['units', t.units],
    ['containers', t.containers],
    ['shipments', t.shipments],
    ['customers', t.customers],
    ...(events ? ([['events', events]] as [string, string[]][]) : []),
  ];
  for (const [name, list] of sections) {
    lines.push(`${name} (${list.length})`);
    for (const id of list.slice(0, 50)) lines.push(`  ${id}`);
    if (list.length > 50) lines.push(`  ... ${list.length - 50} more (use --json for all)`);
  }
  return out(lines.join('\n') + '\n');
}

interface Answer {
  trace: TraceResult;
  quantities?: TraceQuantities;
  events?: string[];
}

async function fromStore(store: GraphStore, direction: 'forward' | 'backward', ids: string[], want: Want): Promise<Answer> {
  const trace = direction === 'forward' ? await store.traceForward(ids) : await store.traceBackward(ids);
  return {
    trace,
    events: want.events ? await store.traceEvents(ids, direction) : undefined,
    quantities: want.quantities ? await store.traceQuantities(ids, direction) : undefined,
  };
}

type Named = { id: string }[];
interface RemoteTrace {
  t: Record<keyof TraceResult, Named> & {
    flows?: (Omit<FlowQuantity, 'from' | 'to'> & { from: { id: string }; to: { id: string } })[];
    shipmentUnits?: { shipment: { id: string }; customer: { id: string } | null; units: number }[];
    events?: Named;
  };
}

/** The same question over GraphQL, the answer in the store's shapes (field order included). */
async function fromServer(server: RemoteServer, direction: 'forward' | 'backward', ids: string[], want: Want): Promise<Answer> {
  const field = direction === 'forward' ? 'traceForward' : 'traceBackward';
  const { t } = await server.query<RemoteTrace>(
    `query ($from: [ID!]!, $quantities: Boolean!, $events: Boolean!) {
      t: ${field}(from: $from) {
        lots { id } units { id } containers { id } shipments { id } customers { id }
        flows @include(if: $quantities) { from { id } operation to { id } qty uom outQty outUom }
        shipmentUnits @include(if: $quantities) { shipment { id } customer { id } units }
        events @include(if: $events) { id }
      }
    }`,
    { from: ids, quantities: want.quantities, events: want.events },
  );
  const list = (xs: Named) => xs.map((x) => x.id);
  return {
    trace: {
      lots: list(t.lots),
      units: list(t.units),
      containers: list(t.containers),
      shipments: list(t.shipments),
      customers: list(t.customers),
    },
    events: t.events && list(t.events),
    quantities: t.flows &&
      t.shipmentUnits && {
        flows: t.flows.map((f): FlowQuantity => ({
          from: f.from.id,
          operation: f.operation,
          to: f.to.id,
          qty: f.qty,
          uom: f.uom,
          outQty: f.outQty,
          outUom: f.outUom,
        })),
        shipments: t.shipmentUnits.map((x): ShipmentUnits => ({
          shipment: x.shipment.id,
          customer: x.customer?.id ?? null,
          units: x.units,
        })),
      },
  };
}

interface Want {
  quantities: boolean;
  events: boolean;
}

export async function trace(
  direction: 'forward' | 'backward',
  raw: string[],
  opts: { data?: string; json?: boolean; events?: boolean },
): Promise<void> {
  const ids = raw.map(normaliseId);
  // Quantities only in JSON: how much of each item went into each output, and units per shipment.
  const want: Want = { quantities: !!opts.json, events: !!opts.events };
  const {
    trace: t,
    quantities: q,
    events,
  } = await withGraph(
    opts,
    (store) => fromStore(store, direction, ids, want),
    (server) => fromServer(server, direction, ids, want),
  );
  if (Object.values(t).every((list: string[]) => list.length === 0))
    process.stderr.write(
      `tracegraph: nothing reached ${direction} from ${ids.join(', ')}: the id is unknown (ids are case-sensitive) or nothing links to it yet\n`,
    );
  if (opts.json) await printJson({ ...t, flows: q!.flows, shipmentUnits: q!.shipments, ...(events ? { events } : {}) });
  else await print(direction, ids, t, events);
}
