/**
 * The front door of /graphql: every request is authenticated before its query is even parsed,
 * and one without a valid principal is answered 401 UNAUTHENTICATED, unless all it asks is the
 * `login` mutation. GraphiQL's page is served before this point, so a browser still gets it.
 */
import { Kind, OperationTypeNode, parse, type DocumentNode } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { Authenticator } from './authenticate.ts';
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

/** Authenticates each request; `principalOf(request)` gives the context factory the result. */
export function useAuthGate(auth: Authenticator): { plugin: Plugin; principalOf: (request: Request) => Principal | null } {
  const principals = new WeakMap<Request, Principal>();
  const plugin: Plugin = {
    async onParams({ request, params, setResult }) {
      const result = await auth.authenticate(request.headers.get('authorization'));
      if (result.principal) return void principals.set(request, result.principal);
      if (isLoginOnly(params.query, params.operationName)) return;
      setResult({
        errors: [
          createGraphQLError(result.reason, {
            extensions: {
              code: 'UNAUTHENTICATED',
              http: { status: 401, headers: { 'www-authenticate': 'Bearer realm="tracegraph"' } },
            },
          }),
        ],
      });
    },
  };
  return { plugin, principalOf: (request) => principals.get(request) ?? null };
}
