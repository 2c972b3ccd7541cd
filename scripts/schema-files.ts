/**
 * The two files printed from the GraphQL schema and committed: `schema.graphql` (for review) and
 * `web/src/graphql-env.d.ts` (the schema as a TypeScript type, which gql.tada reads to type every
 * operation of the web app; no code generation per operation).
 */
import { fileURLToPath } from 'node:url';
import { introspectionFromSchema, lexicographicSortSchema } from 'graphql';
import { outputIntrospectionFile } from '@gql.tada/internal';
import { buildSchema } from '../api/schema/index.ts';
import { printedSchema, SCHEMA_FILE } from '../api/web/schema-file.ts';

export const INTROSPECTION_FILE = fileURLToPath(new URL('../web/src/graphql-env.d.ts', import.meta.url));

export function schemaFiles(): { file: string; text: string }[] {
  const introspection = introspectionFromSchema(lexicographicSortSchema(buildSchema()), { descriptions: false });
  return [
    { file: SCHEMA_FILE, text: printedSchema() },
    { file: INTROSPECTION_FILE, text: outputIntrospectionFile(introspection, { fileType: '.d.ts', shouldPreprocess: true }) },
  ];
}
