/**
 * Typed GraphQL operations: `graphql(...)` reads the operation against the schema type in
 * graphql-env.d.ts (printed by `npm run schema`), so a field that does not exist or a wrong
 * variable is a type error, without a code generation step per operation.
 */
import { initGraphQLTada } from 'gql.tada';
import type { introspection } from './graphql-env.d.ts';

export const graphql = initGraphQLTada<{
  introspection: introspection;
  scalars: { ID: string };
}>();

export type { FragmentOf, ResultOf, VariablesOf } from 'gql.tada';
