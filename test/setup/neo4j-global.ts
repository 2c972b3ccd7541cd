// Vitest global setup: ONE real Neo4j 5.26 server for the whole run (see bench/neo4j/launch.js).
//
// Register in vitest.config.ts:   test: { globalSetup: ['test/setup/neo4j-global.ts'] }
// Use in a test:
//   import { inject } from 'vitest';
//   const uri = inject('neo4jUri');                 // '' when Neo4j is unavailable / switched off
//   describe.skipIf(!uri)('neo4j', () => { ... neo4j.driver(uri) ... });   // auth is off
//
// Environment:
//   TRACEGRAPH_TEST_NEO4J=off        start nothing; neo4jUri '' (tests skip)
//   TRACEGRAPH_TEST_NEO4J_URI=bolt://host:port   use an already running server instead
//   TRACEGRAPH_TEST_NEO4J_PASSWORD   its password for user neo4j (provided as neo4jPassword)
//   CI=true                          a Neo4j that cannot be had fails the run instead of skipping
//
// The server gets a free port and a temporary data directory, removed at teardown.

import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { neo4jAvailability, startNeo4j, type Neo4jServer } from '../../bench/neo4j/server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** bolt://127.0.0.1:PORT of the shared test server, or '' when there is none (see neo4jSkipReason). */
    neo4jUri: string;
    /** One line saying why there is no server; '' when neo4jUri is set. */
    neo4jSkipReason: string;
    /** Password for user neo4j; '' = auth disabled (always so for the server started here). */
    neo4jPassword: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const ci = process.env.CI === 'true';
  const provide = (uri: string, skipReason: string, password = ''): void => {
    project.provide('neo4jUri', uri);
    project.provide('neo4jSkipReason', skipReason);
    project.provide('neo4jPassword', password);
  };
  const skip = (why: string): (() => Promise<void>) => {
    const line = `neo4j: tests that need Neo4j are skipped: ${why}`;
    process.stderr.write(`${line}\n`);
    provide('', line);
    return async () => {};
  };

  if (process.env.TRACEGRAPH_TEST_NEO4J === 'off') return skip('TRACEGRAPH_TEST_NEO4J=off');

  const external = process.env.TRACEGRAPH_TEST_NEO4J_URI;
  if (external) {
    provide(external, '', process.env.TRACEGRAPH_TEST_NEO4J_PASSWORD ?? '');
    return async () => {};
  }

  const avail = await neo4jAvailability();
  if (!avail.ok) {
    if (ci) throw new Error(`neo4j: CI=true but Neo4j cannot be started: ${avail.why}`);
    return skip(avail.why);
  }

  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tracegraph-neo4j-'));
  let server: Neo4jServer;
  try {
    server = await startNeo4j({
      dataDir,
      // only the one-time Maven progress; the JVM's own stderr is in the error if start-up fails
      log: (line) => {
        if (/^neo4j: (resolving|Maven|\d+ jars)/.test(line)) process.stderr.write(`${line}\n`);
      },
    });
  } catch (e) {
    await fs.rm(dataDir, { recursive: true, force: true });
    const why = e instanceof Error ? e.message : String(e);
    if (ci) throw new Error(`neo4j: CI=true but Neo4j did not start: ${why}`);
    return skip(why.split('\n')[0] ?? why);
  }
  process.stderr.write(`neo4j: test server ${server.uri} ready in ${(server.startMs / 1000).toFixed(1)} s\n`);
  provide(server.uri, '');

  return async () => {
    await server.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  };
}
