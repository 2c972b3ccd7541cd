/**
 * The one Pothos schema builder. Every feature file under api/schema/ adds its types and fields
 * to it, so the schema grows by adding files rather than by editing a central one.
 *
 * Authorization: every root field names the scopes it needs (`authScopes: { readTrace: true }`,
 * scopes and roles in auth/roles.ts). Query and Mutation require `authenticated` on every field
 * by default, so a field added without `authScopes` is still closed to anonymous callers (the
 * server also turns those away with 401 before parsing; this is the second line).
 */
import type { PendingAlarmWrites } from '../domain/loop/alarms.ts';
import type { ReportSigner } from '../reports/sign.ts';
import SchemaBuilder from '@pothos/core';
import ScopeAuthPlugin, { AuthScopeFailureType, type AuthFailure } from '@pothos/plugin-scope-auth';
import type { GraphStore } from '../cypher/port.ts';
import { TracegraphError } from '../core/errors.ts';
import { valueFromASTUntyped } from 'graphql';
import type { AuditTrail, JsonValue } from '../domain/audit/trail.ts';
import type { LiveBus } from '../domain/live/bus.ts';
import type { LoopServices } from '../domain/loop/services.ts';
import type { Authenticator } from './auth/authenticate.ts';
import { hasScope, rolesWith, SCOPES, type Principal, type Scope } from '../domain/auth/roles.ts';

/** What every resolver gets: the store is opened once by the server's owner, never per request. */
export interface ApiContext {
  store: GraphStore;
  /** Who is calling; null only for the unauthenticated `login` mutation. */
  principal: Principal | null;
  /** Users, keys, tokens and password checks (`auth.users` is the user file). */
  auth: Authenticator;
  /** The hash-chained audit trail of the data directory. */
  audit: AuditTrail;
  dataDir: string;
  /** The caller's address (the TCP peer), for the failed-login limits; undefined in bare-schema tests. */
  clientAddress?: string;
  /** The signed-in session (an opaque id of the key or token used): signatures' failed-password limits are per session. */
  session?: string;
  /** Subscriptions' events (api/live); the server always sets it, bare-schema tests may not. */
  live?: LiveBus;
  /** The quality loop: its versioned configuration and the interlock (the server always sets them). */
  loop?: LoopServices;
  /** Alarms this process announced before storing them (the demo's monitor); acknowledgements wait for their write. */
  alarmWrites?: PendingAlarmWrites;
  /** Signs the PDFs generateReport writes, when the server was given a certificate. */
  reportSigner?: ReportSigner;
}

/** The context inside a field that required a scope: a principal is certain there. */
export type AuthedContext = ApiContext & { principal: Principal };

/** Every scope a failed check asked for, to say in the error which ones were missing. */
function failedScopes(f: AuthFailure): string[] {
  switch (f.kind) {
    case AuthScopeFailureType.AuthScope:
      return [f.scope];
    case AuthScopeFailureType.AnyAuthScopes:
    case AuthScopeFailureType.AllAuthScopes:
      return f.failures.flatMap(failedScopes);
    default:
      return [];
  }
}

export const builder = new SchemaBuilder<{
  Context: ApiContext;
  AuthScopes: Record<Scope, boolean>;
  AuthContexts: Record<Scope, AuthedContext>;
  // IDs are strings in tracegraph (EPC URNs, Digital Links, plant ids); graphql-js coerces a
  // number given for an ID to its string form, so resolvers only ever see strings.
  Scalars: {
    ID: { Input: string; Output: string };
    // Structured values whose shape varies by kind (audit details): a client reads them as JSON,
    // not as a string of JSON it has to parse a second time.
    JSON: { Input: JsonValue; Output: JsonValue };
  };
  // Non-null unless a field says otherwise: the contract with clients (docs/api.md) is `Trace!`, `[Item!]!`, `ID!`.
  DefaultFieldNullability: false;
}>({
  defaultFieldNullability: false,
  plugins: [ScopeAuthPlugin],
  scopeAuth: {
    // Mutations and subscriptions too: a denied subscription never starts.
    authorizeOnSubscribe: true,
    authScopes: (ctx) =>
      Object.fromEntries(SCOPES.map((s) => [s, ctx.principal !== null && hasScope(ctx.principal.role, s)])) as Record<
        Scope,
        boolean
      >,
    unauthorizedError: (_parent, ctx, info, result) => {
      const field = `${info.parentType.name}.${info.fieldName}`;
      if (!ctx.principal) return new TracegraphError('UNAUTHENTICATED', `${field} needs authentication: send an API key`);
      const scopes = [...new Set(failedScopes(result.failure))] as Scope[];
      const who = scopes.length ? `; it needs ${scopes.map((s) => `${s} (roles ${rolesWith(s).join(', ')})`).join(' or ')}` : '';
      return new TracegraphError('FORBIDDEN', `role ${ctx.principal.role} may not use ${field}${who}`);
    },
  },
});

builder.queryType({ authScopes: { authenticated: true } });
// Declared here, once: feature files add to it with builder.mutationFields.
builder.mutationType({ authScopes: { authenticated: true } });

builder.scalarType('JSON', {
  description: 'Any JSON value: object, array, string, number, boolean or null.',
  serialize: (v) => v,
  parseValue: (v) => v as JsonValue,
  parseLiteral: (ast) => valueFromASTUntyped(ast) as JsonValue,
});
