/**
 * `tracegraph ls lots|materials|equipment|operators|customers|shipments|recalls`: finding ids by
 * prefix (and lots by material, supplier, supplier lot), in key order, from the store or from the
 * server holding it (the GraphQL listing fields, api/schema/listing.ts).
 */
import { TracegraphError } from '../../core/errors.ts';
import type { GraphStore, Listed, LotFilter, RecallStatus } from '../../cypher/port.ts';
import { withGraph } from '../common.ts';
import type { ListKind } from '../options.ts';
import { out, printJson } from '../output.ts';
import type { RemoteServer } from '../remote.ts';

/** The server's largest page (api/schema/listing.ts MAX_LIST_PAGE); longer lists take several. */
const PAGE = 500;

export interface LsFlags {
  prefix?: string;
  material?: string;
  supplier?: string;
  supplierLot?: string;
  customer?: string;
  status?: RecallStatus;
  after?: string;
  limit: number;
  data?: string;
  json?: boolean;
}

type Row = Record<string, string | number | null>;

interface Kind {
  /** The GraphQL field and what to select of each node. */
  field: string;
  selection: string;
  /** The key pages are ordered and resumed by. */
  key: string;
  /** Flags only this kind takes. */
  flags: (keyof LsFlags)[];
  local(store: GraphStore, f: LotFilter & { customer?: string; status?: RecallStatus }): Promise<Listed<unknown>>;
  line(r: Row): string;
}

const pad = (v: string | number | null | undefined, n: number) => String(v ?? '-').padEnd(n);

const KINDS: Record<ListKind, Kind> = {
  lots: {
    field: 'lots',
    selection: 'id material qty uom supplier supplierLot',
    key: 'id',
    flags: ['material', 'supplier', 'supplierLot'],
    local: (s, f) => s.listLots(f),
    line: (r) =>
      `${pad(r.id, 16)} ${pad(r.material, 24)} ${pad(r.qty === null ? null : `${r.qty} ${r.uom ?? ''}`.trim(), 12)} ${pad(r.supplier, 16)} ${r.supplierLot ?? '-'}`,
  },
  materials: {
    field: 'materials',
    selection: 'material lots',
    key: 'material',
    flags: [],
    local: (s, f) => s.listMaterials(f),
    line: (r) => `${pad(r.material, 32)} ${r.lots} lot(s)`,
  },
  equipment: {
    field: 'equipment',
    selection: 'id',
    key: 'id',
    flags: [],
    local: (s, f) => s.listEquipment(f),
    line: (r) => `${r.id}`,
  },
  operators: {
    field: 'operators',
    selection: 'id',
    key: 'id',
    flags: [],
    local: (s, f) => s.listOperators(f),
    line: (r) => `${r.id}`,
  },
  customers: {
    field: 'customers',
    selection: 'id shipments',
    key: 'id',
    flags: [],
    local: (s, f) => s.listCustomers(f),
    line: (r) => `${pad(r.id, 24)} ${r.shipments} shipment(s)`,
  },
  shipments: {
    field: 'shipments',
    selection: 'id eventTime customer',
    key: 'id',
    flags: ['customer'],
    local: (s, f) => s.listShipments(f),
    line: (r) => `${pad(r.id, 24)} ${pad(r.eventTime, 26)} ${r.customer ?? '-'}`,
  },
  recalls: {
    field: 'recallList',
    selection: 'id name status createdAt',
    key: 'id',
    flags: ['status'],
    local: (s, f) => s.listRecallPage(f),
    line: (r) => `${pad(r.id, 24)} ${pad(r.status, 9)} ${pad(r.createdAt, 26)} ${r.name}`,
  },
};

const FILTER_FLAGS: (keyof LsFlags)[] = ['material', 'supplier', 'supplierLot', 'customer', 'status'];
const flagName = (k: string) => '--' + k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

/** GraphQL variable types of the filters. */
const VAR_TYPES: Record<string, string> = {
  material: 'String',
  supplier: 'String',
  supplierLot: 'String',
  customer: 'ID',
  status: 'RecallStatus',
};

type Fetch = (page: { first: number; after?: string }) => Promise<Listed<Row>>;

async function fromServer(
  server: RemoteServer,
  kind: Kind,
  filters: Record<string, string>,
  page: { first: number; after?: string; prefix?: string },
) {
  const vars = Object.keys(filters);
  const decl = ['$prefix: String', '$first: Int', '$after: String', ...vars.map((v) => `$${v}: ${VAR_TYPES[v]}`)].join(', ');
  const args = ['prefix: $prefix', 'first: $first', 'after: $after', ...vars.map((v) => `${v}: $${v}`)].join(', ');
  const r = await server.query<{ page: Listed<Row> }>(
    `query (${decl}) { page: ${kind.field}(${args}) { nodes { ${kind.selection} } hasNextPage } }`,
    { ...filters, ...page },
  );
  return r.page;
}

/** Up to `limit` rows from `after` on, a page of at most PAGE at a time. */
async function collect(fetch: Fetch, limit: number, after: string | undefined, key: string): Promise<Listed<Row>> {
  const nodes: Row[] = [];
  let cursor = after;
  for (;;) {
    const p = await fetch({ first: Math.min(PAGE, limit - nodes.length), after: cursor });
    nodes.push(...p.nodes);
    if (!p.hasNextPage || nodes.length >= limit || !p.nodes.length) return { nodes, hasNextPage: p.hasNextPage };
    cursor = String(p.nodes[p.nodes.length - 1]![key]);
  }
}

export async function ls(what: ListKind, opts: LsFlags): Promise<void> {
  const kind = KINDS[what];
  const filters: Record<string, string> = {};
  for (const f of FILTER_FLAGS) {
    const v = opts[f];
    if (v === undefined) continue;
    if (!kind.flags.includes(f))
      throw new TracegraphError(
        'BAD_INPUT',
        `${flagName(f)} does not apply to \`ls ${what}\`${kind.flags.length ? ` (it takes ${kind.flags.map(flagName).join(', ')})` : ''}`,
      );
    filters[f] = String(v);
  }
  const prefix = opts.prefix;
  const list = await withGraph(
    opts,
    (store) =>
      collect((p) => kind.local(store, { ...filters, ...p, prefix }) as Promise<Listed<Row>>, opts.limit, opts.after, kind.key),
    (server) => collect((p) => fromServer(server, kind, filters, { ...p, prefix }), opts.limit, opts.after, kind.key),
  );
  const last = list.nodes[list.nodes.length - 1];
  const endCursor = last === undefined ? null : String(last[kind.key]);
  if (opts.json) return printJson({ nodes: list.nodes, endCursor, hasNextPage: list.hasNextPage });
  if (!list.nodes.length) {
    process.stderr.write(
      `tracegraph: no ${what}${prefix ? ` starting with ${JSON.stringify(prefix)}` : ''}${Object.keys(filters).length ? ' matching the filters' : ''}\n`,
    );
    return;
  }
  await out(list.nodes.map(kind.line).join('\n') + '\n');
  if (list.hasNextPage)
    process.stderr.write(`tracegraph: more after ${endCursor}: add --after ${JSON.stringify(endCursor)} (or a larger --limit)\n`);
}
