/**
 * The one Pothos schema builder. Every feature file under api/schema/ adds its types and fields
 * to it, so the schema grows by adding files rather than by editing a central one.
 */
import SchemaBuilder from '@pothos/core';
import type { GraphStore } from '../cypher/port.ts';

/** What every resolver gets: the store is opened once by the server's owner, never per request. */
export interface ApiContext {
  store: GraphStore;
}

export const builder = new SchemaBuilder<{
  Context: ApiContext;
  // IDs are strings in tracegraph (EPC URNs, Digital Links, plant ids); graphql-js coerces a
  // number given for an ID to its string form, so resolvers only ever see strings.
  Scalars: { ID: { Input: string; Output: string } };
  // Non-null unless a field says otherwise: the contract in DESIGN.md is `Trace!`, `[Item!]!`, `ID!`.
  DefaultFieldNullability: false;
}>({ defaultFieldNullability: false });

builder.queryType({});
builder.mutationType({});
