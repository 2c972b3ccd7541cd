/** Every query meant for Neo4j passes Neo4j's own parser and semantic checks (no server needed). */
import { lintCypherQuery } from '@neo4j-cypher/language-support';
import { describe, expect, it } from 'vitest';
import { queryFiles, statements } from '../../cypher/queries.ts';

/** Placeholders take these values in the adapter; lint each file with a representative fill. */
const FILL = { Label: 'Party', From: 'Operation', Rel: 'ON', To: 'Equipment' };

describe('Neo4j query files', () => {
  const files = queryFiles('neo4j');

  it('there are query files to check', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  for (const name of files) {
    it(`${name}.cypher is valid Neo4j Cypher`, () => {
      for (const text of statements('neo4j', name, FILL)) {
        const problems = lintCypherQuery(text, {}).diagnostics.filter(
          (d) => d.severity === 1 && !/^Parameter \$\w+ is not defined/.test(String(d.message)),
        );
        expect(
          problems.map((p) => p.message),
          text,
        ).toEqual([]);
      }
    });
  }

  it('the linter catches Kuzu-only syntax (so the check above can fail)', () => {
    const d = lintCypherQuery('MATCH (a)-[:INPUT_TO* SHORTEST 1..3]->(b) RETURN b', {}).diagnostics;
    expect(d.some((x) => String(x.message).includes('SHORTEST'))).toBe(true);
  });
});
