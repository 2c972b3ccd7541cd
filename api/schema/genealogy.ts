/** `genealogy(id, direction, depth)` (a name clients depend on, docs/api.md): a bounded subgraph for Cytoscape. */
import {
  buildGenealogy,
  DEFAULT_DEPTH,
  DEFAULT_MAX_NODES,
  MAX_DEPTH,
  MAX_NODES,
  type Genealogy,
  type GenealogyEdge,
  type GenealogyNode,
} from '../../domain/analytics/genealogy.ts';
import { builder } from '../builder.ts';
import { ItemStatusEnum, parseItemId } from './history.ts';

const Direction = builder.enumType('GenealogyDirection', {
  description: "UP: what it was made from (and a container's contents); DOWN: where it went; BOTH: the two.",
  values: ['UP', 'DOWN', 'BOTH'] as const,
});

const Node = builder.objectRef<GenealogyNode>('GenealogyNode').implement({
  description: 'A Cytoscape node: `data: { id, label, kind, status }`.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Unique in this graph: item:, op:, shipment: or party: and the ref' }),
    ref: t.exposeID('ref', { description: 'The id tracegraph knows it by (for unitHistory, traces)' }),
    label: t.exposeString('label'),
    kind: t.exposeString('kind', { description: 'lot, unit, container, operation, shipment or customer' }),
    status: t.field({ type: [ItemStatusEnum], resolve: (n) => n.status }),
    level: t.exposeInt('level', { description: 'Flow steps from the starting item' }),
  }),
});

const Edge = builder.objectRef<GenealogyEdge>('GenealogyEdge').implement({
  description: 'A Cytoscape edge, in the direction material flows.',
  fields: (t) => ({
    id: t.exposeID('id'),
    source: t.exposeID('source'),
    target: t.exposeID('target'),
    kind: t.exposeString('kind', { description: 'INPUT_TO, OUTPUT, PACKED_IN, SHIPPED_IN or TO' }),
    qty: t.exposeFloat('qty', { nullable: true }),
    uom: t.exposeString('uom', { nullable: true }),
  }),
});

const Graph = builder.objectRef<Genealogy>('Genealogy').implement({
  fields: (t) => ({
    root: t.exposeID('root', { description: 'The node id of the starting item' }),
    nodes: t.field({ type: [Node], resolve: (g) => g.nodes }),
    edges: t.field({ type: [Edge], resolve: (g) => g.edges }),
    truncated: t.exposeBoolean('truncated'),
    message: t.exposeString('message', {
      nullable: true,
      description: 'When truncated: which bound cut the graph and how to widen it',
    }),
  }),
});

builder.queryFields((t) => ({
  genealogy: t.field({
    authScopes: { readTrace: true },
    type: Graph,
    description: 'The lots, units, containers, operations, shipments and customers around one item, as a bounded graph.',
    args: {
      id: t.arg.id({ required: true }),
      direction: t.arg({ type: Direction, defaultValue: 'BOTH' }),
      depth: t.arg.int({ defaultValue: DEFAULT_DEPTH, description: `Flow steps from the item, 1 to ${MAX_DEPTH}` }),
      maxNodes: t.arg.int({ defaultValue: DEFAULT_MAX_NODES, description: `At most this many nodes, 1 to ${MAX_NODES}` }),
    },
    resolve: (_r, args, ctx) =>
      buildGenealogy(
        ctx.store,
        parseItemId(args.id),
        args.direction ?? 'BOTH',
        args.depth ?? DEFAULT_DEPTH,
        args.maxNodes ?? DEFAULT_MAX_NODES,
      ),
  }),
}));
