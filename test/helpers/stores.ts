/**
 * The backends a contract test runs against: the embedded store in a temp directory, and the
 * shared Neo4j test server (one per run, from the global setup). Test files run in parallel and
 * Neo4j Community has one database, so a Neo4j block holds a cross-process lock and starts from
 * an empty graph.
 */
import { mkdirSync, mkdtempSync, openSync, closeSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { KuzuStore } from '../../cypher/kuzu/adapter.ts';
import { Neo4jStore } from '../../cypher/neo4j/adapter.ts';
import type { GraphStore } from '../../cypher/port.ts';

export interface Backend {
  name: 'kuzu' | 'neo4j';
  /** Empty reason = available. */
  skip: string;
  open(): Promise<GraphStore>;
  /** Releases the backend (lock, temp dirs) once the block is done. */
  release(): Promise<void>;
  /** Environment for a child `tracegraph` process that should use this backend. */
  env(dataDir: string): NodeJS.ProcessEnv;
}

const made: string[] = [];

/** Removes the temp directories this test file made (test/setup/cleanup.ts calls it after each file). */
export function removeTempDirs(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}
process.on('exit', removeTempDirs);

/** A temp directory removed when the test file is done. */
export function tempDir(prefix = 'tracegraph-test-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

function kuzuBackend(): Backend {
  const dirs: string[] = [];
  const stores: GraphStore[] = [];
  return {
    name: 'kuzu',
    skip: '',
    async open() {
      const dir = tempDir();
      dirs.push(dir);
      const s = await KuzuStore.open({ dataDir: dir, bufferMb: 64 });
      stores.push(s);
      return s;
    },
    async release() {
      for (const s of stores.splice(0)) await s.close().catch(() => undefined);
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    },
    env: (dataDir) => ({ ...process.env, TRACEGRAPH_DATA: dataDir, TRACEGRAPH_NEO4J_URI: '' }),
  };
}

const LOCK = join(tmpdir(), 'tracegraph-test-neo4j.lock');

/** A lock file held by one test block at a time; a stale one (a killed run) expires. */
async function acquireLock(): Promise<() => void> {
  for (;;) {
    try {
      const fd = openSync(LOCK, 'wx');
      closeSync(fd);
      return () => rmSync(LOCK, { force: true });
    } catch {
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > 10 * 60_000) rmSync(LOCK, { force: true });
      } catch {
        // gone meanwhile
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function neo4jBackend(): Backend {
  const uri = inject('neo4jUri');
  const password = inject('neo4jPassword');
  const stores: GraphStore[] = [];
  let unlock: (() => void) | undefined;
  const opts = { uri, password: password || undefined };
  return {
    name: 'neo4j',
    skip: uri ? '' : inject('neo4jSkipReason'),
    async open() {
      unlock ??= await acquireLock();
      const s = await Neo4jStore.open(opts);
      await s.clear();
      stores.push(s);
      return s;
    },
    async release() {
      for (const s of stores.splice(0)) await s.close().catch(() => undefined);
      unlock?.();
      unlock = undefined;
    },
    env: (dataDir) => ({
      ...process.env,
      TRACEGRAPH_DATA: dataDir,
      TRACEGRAPH_NEO4J_URI: uri,
      ...(password ? { TRACEGRAPH_NEO4J_PASSWORD: password } : {}),
    }),
  };
}

export function backends(): Backend[] {
  mkdirSync(tmpdir(), { recursive: true });
  return [kuzuBackend(), neo4jBackend()];
}
