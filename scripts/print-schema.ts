/**
 * `npm run schema`: prints the GraphQL schema to `schema.graphql` and the typed introspection the
 * web app's gql.tada reads to `web/src/graphql-env.d.ts`, so that every schema change shows up in
 * review. test/web/schema-file.test.ts fails when either is stale.
 */
import { writeFileSync } from 'node:fs';
import { schemaFiles } from './schema-files.ts';

for (const { file, text } of schemaFiles()) {
  writeFileSync(file, text);
  process.stdout.write(`wrote ${file}\n`);
}
