/** What only the Neo4j adapter has: plans that never enumerate paths, and clear connection errors. */
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { Neo4jStore } from '../../cypher/neo4j/adapter.ts';
import { rmSync } from 'node:fs';
import { backends, tempDir } from '../helpers/stores.ts';
import { startNeo4j } from '../../bench/neo4j/server.ts';

const neo4j = backends().find((b) => b.name === 'neo4j')!;

describe.skipIf(neo4j.skip)('Neo4j adapter', () => {
  afterAll(() => neo4j.release());

  for (const direction of ['forward', 'backward'] as const) {
    it(`the ${direction} trace plan is a pruning breadth-first expansion, never path enumeration`, async () => {
      const store = (await neo4j.open()) as Neo4jStore;
      const ops = await store.explainTrace(direction);
      // Neo4j 5.26 names it e.g. `VarLengthExpand(Pruning,BFS,All)@neo4j` (All: expand-all, not expand-into).
      expect(ops.some((o) => o.startsWith('VarLengthExpand(Pruning,BFS'))).toBe(true);
      expect(ops.some((o) => o.startsWith('VarLengthExpand(All)'))).toBe(false);
    });
  }

  it('names the URI when the server cannot be reached', async () => {
    await expect(Neo4jStore.open({ uri: 'bolt://127.0.0.1:1', timeoutMs: 5000 })).rejects.toThrow(
      /cannot reach Neo4j at bolt:\/\/127\.0\.0\.1:1/,
    );
  });

  it('says the credentials are wrong, naming the URI, and works with the right ones', { timeout: 240_000 }, async () => {
    const dir = tempDir('tracegraph-neo4j-auth-');
    const server = await startNeo4j({ dataDir: dir, password: 'right-secret' });
    try {
      await expect(Neo4jStore.open({ uri: server.uri, password: 'wrong' })).rejects.toThrow(
        new RegExp(`Neo4j at ${server.uri} refused the credentials`),
      );
      const ok = await Neo4jStore.open({ uri: server.uri, password: 'right-secret' });
      expect((await ok.stats()).events).toBe(0);
      await ok.close();
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('creates its constraints idempotently on every start', async () => {
    const a = await Neo4jStore.open({ uri: inject('neo4jUri'), password: inject('neo4jPassword') || undefined });
    await a.close();
    const b = await Neo4jStore.open({ uri: inject('neo4jUri'), password: inject('neo4jPassword') || undefined });
    await b.close();
  });
});
