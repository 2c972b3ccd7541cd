/**
 * Every GraphQL example in the README and docs/ is checked against the built schema, so a renamed
 * field or argument breaks a test before it breaks a reader's first query.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, specifiedRules, validate, LoneAnonymousOperationRule } from 'graphql/index.js';
import { describe, expect, it } from 'vitest';
import { buildSchema } from '../../api/schema/index.ts';

const root = join(import.meta.dirname, '..', '..');
const documents = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

function graphqlBlocks(file: string): { line: number; source: string }[] {
  const text = readFileSync(join(root, file), 'utf8');
  const blocks: { line: number; source: string }[] = [];
  const fence = /^```graphql\n([\s\S]*?)^```/gm;
  for (let m = fence.exec(text); m; m = fence.exec(text)) {
    blocks.push({ line: text.slice(0, m.index).split('\n').length, source: m[1] ?? '' });
  }
  return blocks;
}

// An example block may show a query and a mutation side by side without naming them.
const rules = specifiedRules.filter((r) => r !== LoneAnonymousOperationRule);

describe('GraphQL examples in the documentation', () => {
  const schema = buildSchema();
  const all = documents.flatMap((file) => graphqlBlocks(file).map((b) => ({ file, ...b })));

  it('finds examples to check', () => {
    expect(all.length).toBeGreaterThan(10);
  });

  it.each(all.map((b) => [`${b.file}:${b.line}`, b] as const))('%s is valid against the schema', (_where, b) => {
    const errors = validate(schema, parse(b.source), rules).map((e) => e.message);
    expect(errors).toEqual([]);
  });
});
