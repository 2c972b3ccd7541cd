/** The GraphQL schema: one file per feature registers itself on the builder; this builds it once. */
import type { GraphQLSchema } from 'graphql';
import { builder } from '../builder.ts';
import './trace.ts';
import './auth.ts';
import './audit.ts';
import './recall.ts';
import './holds.ts';
import './live.ts';
import './history.ts';
import './item.ts';
import './genealogy.ts';
import './quality.ts';
import './monitor.ts';
import './loop.ts';
import './reports.ts';
import './scan.ts';
import './session.ts';
import './audit-verify.ts';
import './listing.ts';

let schema: GraphQLSchema | undefined;

export function buildSchema(): GraphQLSchema {
  schema ??= builder.toSchema({ sortSchema: false });
  return schema;
}
