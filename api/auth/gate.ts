/**
 * The front door of /graphql: every request is authenticated before its query is even parsed,
 * and one without a valid principal is answered 401 UNAUTHENTICATED, unless all it asks is the
 * `login` mutation. GraphiQL's page is served before this point, so a browser still gets it.
 */
import { Kind, OperationTypeNode, parse, type DocumentNode, type ExecutionResult, type GraphQLError } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { sessionOf, type Authenticator } from './authenticate.ts';
import type { Principal } from '../../domain/auth/roles.ts';

/** True when the operation to run is a mutation selecting only `login` (and perhaps __typename). */
export function isLoginOnly(query: string | undefined, operationName: string | null | undefined): boolean {
  if (!query || query.length > 4096) return false;
  let doc: DocumentNode;
  try {
    doc = parse(query, { maxTokens: 200 });
  } catch {
    return false;
  }
  const ops = doc.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const op = operationName ? ops.find((o) => o.name?.value === operationName) : ops.length === 1 ? ops[0] : undefined;
  if (op?.operation !== OperationTypeNode.MUTATION) return false;
  return op.selectionSet.selections.every(
    (s) => s.kind === Kind.FIELD && (s.name.value === 'login' || s.name.value === '__typename'),
  );
}

/**
 * graphql-js ends some validation messages with ` Did you mean "x"?`: to an anonymous caller that
 * would spell out field and argument names, the schema they may not introspect.
 */
function withoutSuggestions(e: Error): Error {
  const message = e.message.replace(/ Did you mean .*\?$/s, '');
  if (message === e.message) return e;
  const g = e as Partial<GraphQLError>;
  return createGraphQLError(message, { nodes: g.nodes, source: g.source, positions: g.positions, extensions: g.extensions });
}

/** Authenticates each request; `principalOf(request)` gives the context factory the result. */
export function useAuthGate(auth: Authenticator): {
  plugin: Plugin;
  principalOf: (request: Request) => Principal | null;
  /** The signed-in session (an opaque id of its credential), when there is a principal. */
  sessionOf: (request: Request) => string | undefined;
} {
  const principals = new WeakMap<Request, Principal>();
  const sessions = new WeakMap<Request, string>();
  const plugin: Plugin = {
    async onParams({ request, params, setResult, context }) {
      const address = (context as { clientAddress?: string }).clientAddress;
      const header = request.headers.get('authorization');
      const result = await auth.authenticate(header, address);
      if (result.principal) {
        principals.set(request, result.principal);
        const session = sessionOf(header);
        if (session) sessions.set(request, session);
        return;
      }
      const limited = result.retryAfterSeconds !== undefined;
      if (!limited && isLoginOnly(params.query, params.operationName)) return;
      setResult({
        errors: [
          createGraphQLError(result.reason, {
            extensions: limited
              ? {
                  code: 'TOO_MANY_ATTEMPTS',
                  http: { status: 429, headers: { 'retry-after': String(result.retryAfterSeconds) } },
                }
              : {
                  code: 'UNAUTHENTICATED',
                  http: { status: 401, headers: { 'www-authenticate': 'Bearer realm="tracegraph"' } },
                },
          }),
        ],
      });
    },
    // At the very end, after yoga's validation cache: a cached result is shared by every caller.
    onResultProcess({ request, result, setResult }) {
      if (principals.has(request) || Symbol.asyncIterator in result) return;
      const strip = (r: ExecutionResult): ExecutionResult =>
        r.errors?.length ? { ...r, errors: r.errors.map(withoutSuggestions) as GraphQLError[] } : r;
      setResult(Array.isArray(result) ? result.map(strip) : strip(result as ExecutionResult));
    },
  };
  return { plugin, principalOf: (request) => principals.get(request) ?? null, sessionOf: (request) => sessions.get(request) };
}
