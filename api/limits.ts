/**
 * Limits on what one GraphQL request may ask for, checked before anything runs: tokens while
 * parsing (a 1 MiB body of `{a a a ...}` is otherwise a million-node AST), then the depth of the
 * deepest selection and the number of selections with fragments expanded (aliases repeat a field
 * as often as the body allows). GraphiQL's own introspection query fits well inside all three.
 *
 * Then cost: each field that runs graph queries (a trace, a recall scope, a genealogy, a history)
 * weighs what it does (FIELD_COSTS), counted as often as aliases and fragments repeat it. A request
 * may cost at most `maxCost` (checked while validating), and each user at most `maxCostPerMinute`
 * (a bucket that refills continuously, charged when an operation runs): 660 aliases of
 * `traceForward` fit the token and selection limits but are 660 traces.
 */
import {
  getNamedType,
  isObjectType,
  Kind,
  parse,
  type DocumentNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';

export interface QueryLimits {
  maxDepth: number;
  maxSelections: number;
  maxTokens: number;
  /** Cost of one request (FIELD_COSTS summed over every selection). */
  maxCost: number;
  /** Cost one user may spend per minute, all their keys and tokens together; 0: no such limit (the bench). */
  maxCostPerMinute: number;
}

export const DEFAULT_LIMITS: QueryLimits = {
  maxDepth: 15,
  maxSelections: 2000,
  maxTokens: 10_000,
  maxCost: 1000,
  maxCostPerMinute: 20_000,
};

/**
 * What a field costs, by `Type.field`; fields not named cost nothing (they read what their parent
 * loaded). A trace is one reachability query over the part of the graph it reaches; a recall scope
 * is a trace plus stock, shipments and a naive comparison; histories and genealogies are a handful
 * of queries each.
 */
export const FIELD_COSTS: Readonly<Record<string, number>> = {
  'Query.traceForward': 50,
  'Query.traceBackward': 50,
  'Trace.flows': 20,
  'Trace.shipmentUnits': 20,
  'Trace.events': 20,
  'Query.recallScope': 100,
  'Query.massBalance': 50,
  'Query.genealogy': 50,
  'Query.equipmentCorrelation': 50,
  'Query.qualityStats': 50,
  'Query.unitHistory': 20,
  'Query.unitHistoryByBarcode': 20,
  'Query.unit': 20,
  'Query.lot': 20,
  'Query.auditTrail': 10,
  'Query.recalls': 10,
  'Query.lots': 10,
  'Query.materials': 10,
  'Query.equipment': 10,
  'Query.operators': 10,
  'Query.customers': 10,
  'Query.shipments': 10,
  'Query.recallList': 10,
  'Query.storeStats': 20,
  'Mutation.createRecall': 100,
  'Mutation.placeHold': 50,
};

// No HTTP status of our own: yoga answers validation errors 400 (200 to clients asking for plain
// application/json, as the GraphQL-over-HTTP spec says), and these should look the same.
const tooComplex = (message: string) => createGraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX' } });

interface Measure {
  depth: number;
  selections: number;
}

/** Depth and selection count of a selection set, fragments expanded (a fragment cycle counts once; validation rejects it anyway). */
function measure(
  set: SelectionSetNode,
  fragment: (name: string) => FragmentDefinitionNode | null | undefined,
  visiting: Set<string>,
  budget: number,
): Measure {
  let depth = 0;
  let selections = 0;
  for (const sel of set.selections) {
    if (selections > budget) break; // already over: stop walking a hostile document
    let inner: Measure | undefined;
    if (sel.kind === Kind.FIELD) {
      selections++;
      inner = sel.selectionSet ? measure(sel.selectionSet, fragment, visiting, budget - selections) : { depth: 0, selections: 0 };
      inner = { depth: inner.depth + 1, selections: inner.selections };
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      inner = measure(sel.selectionSet, fragment, visiting, budget - selections);
    } else {
      const name = sel.name.value;
      const def = fragment(name);
      if (!def || visiting.has(name)) continue;
      visiting.add(name);
      inner = measure(def.selectionSet, fragment, visiting, budget - selections);
      visiting.delete(name);
    }
    depth = Math.max(depth, inner.depth);
    selections += inner.selections;
  }
  return { depth, selections };
}

/**
 * The cost of a selection set on `type`, fragments expanded as often as they are spread (a cycle
 * counts once; validation rejects it anyway). Only for documents within maxSelections: the walk
 * visits every selection as often as it is used.
 */
function costOf(
  set: SelectionSetNode,
  type: GraphQLObjectType | undefined,
  schema: GraphQLSchema,
  fragment: (name: string) => FragmentDefinitionNode | null | undefined,
  visiting: Set<string>,
): number {
  let cost = 0;
  const typeNamed = (name: string) => {
    const t = schema.getType(name);
    return isObjectType(t) ? t : undefined;
  };
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      const field = type?.getFields()[sel.name.value];
      if (type) cost += FIELD_COSTS[`${type.name}.${sel.name.value}`] ?? 0;
      if (sel.selectionSet) {
        const inner = field ? getNamedType(field.type) : undefined;
        cost += costOf(sel.selectionSet, isObjectType(inner) ? inner : undefined, schema, fragment, visiting);
      }
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      const on = sel.typeCondition ? typeNamed(sel.typeCondition.name.value) : type;
      cost += costOf(sel.selectionSet, on, schema, fragment, visiting);
    } else {
      const name = sel.name.value;
      const def = fragment(name);
      if (!def || visiting.has(name)) continue;
      visiting.add(name);
      cost += costOf(def.selectionSet, typeNamed(def.typeCondition.name.value), schema, fragment, visiting);
      visiting.delete(name);
    }
  }
  return cost;
}

function rootType(schema: GraphQLSchema, op: OperationDefinitionNode): GraphQLObjectType | undefined {
  const t =
    op.operation === 'query'
      ? schema.getQueryType()
      : op.operation === 'mutation'
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  return t ?? undefined;
}

/** The cost of the operation a request runs (FIELD_COSTS), for a document that passed validation. */
export function operationCost(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const ops: OperationDefinitionNode[] = [];
  for (const d of document.definitions) {
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    else if (d.kind === Kind.OPERATION_DEFINITION) ops.push(d);
  }
  const op = operationName ? ops.find((o) => o.name?.value === operationName) : ops[0];
  if (!op) return 0;
  return costOf(op.selectionSet, rootType(schema, op), schema, (n) => fragments.get(n), new Set());
}

export function complexityRule(limits: QueryLimits) {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(op: OperationDefinitionNode) {
      const m = measure(op.selectionSet, (n) => context.getFragment(n), new Set(), limits.maxSelections);
      const name = op.name ? `operation ${op.name.value}` : 'the operation';
      if (m.selections <= limits.maxSelections) {
        const schema = context.getSchema();
        const cost = costOf(op.selectionSet, rootType(schema, op), schema, (n) => context.getFragment(n), new Set());
        if (cost > limits.maxCost)
          context.reportError(
            tooComplex(
              `${name} costs ${cost} (a trace costs ${FIELD_COSTS['Query.traceForward']}, a recall scope ${FIELD_COSTS['Query.recallScope']}); at most ${limits.maxCost} per request: split it into several requests`,
            ),
          );
      }
      if (m.depth > limits.maxDepth)
        context.reportError(
          tooComplex(`${name} is nested ${m.depth} levels deep; at most ${limits.maxDepth}: ask for less at once`),
        );
      if (m.selections > limits.maxSelections)
        context.reportError(
          tooComplex(
            `${name} selects more than ${limits.maxSelections} fields (aliases and fragments counted as often as they are used): split it`,
          ),
        );
      return false; // nothing below needs visiting by this rule
    },
  });
}

/**
 * What each user may still spend: a bucket of `perMinute` that refills continuously, so a burst up
 * to a minute's worth is fine and a steady stream is held to the rate. Bounded: full buckets are
 * dropped (a full bucket is what a new user gets anyway).
 */
export class CostBudget {
  private readonly buckets = new Map<string, { level: number; at: number }>();

  constructor(
    readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Charges `cost` to `user`; when it does not fit, nothing is charged and the wait is returned. */
  charge(user: string, cost: number): { ok: true } | { ok: false; left: number; retryAfterSeconds: number } {
    if (this.perMinute <= 0 || cost <= 0) return { ok: true };
    const now = this.now();
    const rate = this.perMinute / 60_000;
    const b = this.buckets.get(user);
    const level = b ? Math.min(this.perMinute, b.level + (now - b.at) * rate) : this.perMinute;
    if (cost > level) {
      const retryAfterSeconds = Math.max(1, Math.ceil((Math.min(cost, this.perMinute) - level) / rate / 1000));
      return { ok: false, left: Math.floor(level), retryAfterSeconds };
    }
    if (this.buckets.size > 10_000) this.forgetFull(now, rate);
    this.buckets.set(user, { level: level - cost, at: now });
    return { ok: true };
  }

  private forgetFull(now: number, rate: number): void {
    for (const [user, b] of this.buckets) if (b.level + (now - b.at) * rate >= this.perMinute) this.buckets.delete(user);
  }
}

export function useQueryLimits(limits: QueryLimits = DEFAULT_LIMITS): Plugin {
  const budget = new CostBudget(limits.maxCostPerMinute);
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const user = (args.contextValue as { principal?: { name: string } | null }).principal?.name;
      if (user === undefined) return;
      const cost = operationCost(args.schema, args.document, args.operationName);
      const charged = budget.charge(user, cost);
      if (charged.ok) return;
      setResultAndStopExecution({
        errors: [
          createGraphQLError(
            `this operation costs ${cost}, and user ${user} has ${charged.left} of ${limits.maxCostPerMinute} per minute left: try again in ${charged.retryAfterSeconds} s`,
            {
              extensions: {
                code: 'QUERY_TOO_COMPLEX',
                http: { status: 429, headers: { 'retry-after': String(charged.retryAfterSeconds) } },
              },
            },
          ),
        ],
      });
    },
    onParse({ setParseFn }) {
      setParseFn((source, options) => {
        try {
          return parse(source, { ...options, maxTokens: limits.maxTokens });
        } catch (e) {
          if (e instanceof Error && /contains more th\w* \d+ tokens/.test(e.message))
            throw tooComplex(
              `the query has more than ${limits.maxTokens} tokens: pass long lists as variables or split the query`,
            );
          throw e;
        }
      });
    },
    // Checked on its own before graphql-js's rules, which it then skips when over a limit: some of
    // those (overlapping fields) take time quadratic in the number of aliases of one field.
    onValidate({ params, validateFn, setResult }) {
      const errors = validateFn(params.schema, params.documentAST, [complexityRule(limits)]);
      if (errors.length) setResult(errors);
    },
  };
}
