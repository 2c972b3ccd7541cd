// The Neo4j test server itself: start, write, SIGTERM, restart on the same data, read back;
// authentication with a password. Each start is a JVM (~10-25 s here, ~0.5 GB resident).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import neo4j from 'neo4j-driver';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { NEO4J_VERSION, neo4jAvailability, startNeo4j, type Neo4jServer } from '../../bench/neo4j/server.ts';

const availability = await neo4jAvailability();
if (!availability.ok && process.env.CI === 'true') throw new Error(`CI=true but ${availability.why}`);
const TIMEOUT = 240_000;

function rssMiB(pid: number): number {
  const r = spawnSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' });
  return Math.round(Number(r.stdout.trim()) / 1024);
}

describe.skipIf(!availability.ok)(`Neo4j ${NEO4J_VERSION} test server`, () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });
  const tmpDir = async (): Promise<string> => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tracegraph-neo4j-test-'));
    cleanup.push(() => fs.rm(dir, { recursive: true, force: true }));
    return dir;
  };
  const start = async (opts: Parameters<typeof startNeo4j>[0]): Promise<Neo4jServer> => {
    const s = await startNeo4j(opts);
    cleanup.push(() => s.stop());
    console.info(`neo4j ${s.uri}: ready in ${(s.startMs / 1000).toFixed(1)} s, RSS ${rssMiB(s.pid)} MiB`);
    return s;
  };

  it(
    'keeps data across a SIGTERM and a restart on the same data directory',
    async () => {
      const dataDir = await tmpDir();
      const first = await start({ dataDir });
      expect(first.uri).toMatch(/^bolt:\/\/127\.0\.0\.1:\d+$/);
      let driver = neo4j.driver(first.uri);
      try {
        await driver.executeQuery('CREATE (:Probe {id: $id, at: datetime()})', { id: 'p-1' });
        const v = await driver.executeQuery('CALL dbms.components() YIELD versions RETURN versions[0] AS v');
        expect(v.records[0]?.get('v')).toBe(NEO4J_VERSION);
      } finally {
        await driver.close();
      }
      await first.stop();
      expect(await first.exited).toBe(143); // 128 + SIGTERM, after the shutdown hook ran

      const second = await start({ dataDir, port: first.port });
      driver = neo4j.driver(second.uri);
      try {
        const r = await driver.executeQuery('MATCH (p:Probe {id: $id}) RETURN count(p) AS n', { id: 'p-1' });
        expect(r.records[0]?.get('n').toNumber()).toBe(1);
      } finally {
        await driver.close();
      }
    },
    TIMEOUT,
  );

  it(
    'rejects a wrong password and accepts the right one',
    async () => {
      const password = 'tracegraph-secret';
      const server = await start({ dataDir: await tmpDir(), password });

      const wrong = neo4j.driver(server.uri, neo4j.auth.basic('neo4j', 'not-the-password'));
      try {
        await expect(wrong.verifyConnectivity()).rejects.toMatchObject({
          code: 'Neo.ClientError.Security.Unauthorized',
        });
      } finally {
        await wrong.close();
      }

      const none = neo4j.driver(server.uri);
      try {
        await expect(none.verifyConnectivity()).rejects.toMatchObject({
          code: 'Neo.ClientError.Security.Unauthorized',
        });
      } finally {
        await none.close();
      }

      const right = neo4j.driver(server.uri, neo4j.auth.basic('neo4j', password));
      try {
        const r = await right.executeQuery('RETURN 1 AS one');
        expect(r.records[0]?.get('one').toNumber()).toBe(1);
      } finally {
        await right.close();
      }
    },
    TIMEOUT,
  );
});

// Uses the shared server of test/setup/neo4j-global.ts when vitest.config.ts registers it.
const sharedUri = inject('neo4jUri');
describe.skipIf(!sharedUri)('shared Neo4j test server (global setup)', () => {
  it('answers a query', async () => {
    const password = inject('neo4jPassword');
    const driver = neo4j.driver(sharedUri, password ? neo4j.auth.basic('neo4j', password) : undefined);
    try {
      const r = await driver.executeQuery('RETURN 42 AS answer');
      expect(r.records[0]?.get('answer').toNumber()).toBe(42);
    } finally {
      await driver.close();
    }
  });
});
