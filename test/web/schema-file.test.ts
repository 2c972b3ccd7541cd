/**
 * The committed schema files are the schema the server builds: a change to a field shows up in
 * review as a change to schema.graphql, and the web app is typed against the same schema.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemaFiles } from '../../scripts/schema-files.ts';

describe('schema.graphql', () => {
  for (const { file, text } of schemaFiles()) {
    const name = relative(process.cwd(), file);
    it(`${name} matches the schema the server builds`, () => {
      const committed = readFileSync(file, 'utf8');
      expect(committed === text, `${name} differs from the built schema: run \`npm run schema\` and commit the result`).toBe(
        true,
      );
    });
  }

  it('has the fields the web app relies on', () => {
    const sdl = schemaFiles()[0]!.text;
    expect(sdl).toMatch(/resolveScan\(input: String!\): ScanResolution!/);
    expect(sdl).toMatch(/myScopes: \[String!\]!/);
  });
});
