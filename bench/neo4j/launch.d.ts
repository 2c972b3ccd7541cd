// Types for launch.js (the plain-JS implementation shared by neo4j-server.js, server.ts and the
// vitest global setup).

export interface StartOptions {
  /** Bolt port on 127.0.0.1; a free one is chosen when omitted. */
  port?: number;
  /** Neo4j home: the store goes to DIR/data, logs to DIR/logs. Created when missing; kept on stop. */
  dataDir: string;
  /** Password for user `neo4j`; omitted or '' = auth disabled. */
  password?: string;
  /** JVM -Xmx (default env NEO4J_HEAP or '1g'). */
  heap?: string;
  /** Page cache size (default env NEO4J_PAGECACHE or '512m'). */
  pagecache?: string;
  /** How long to wait for `verifyConnectivity()` (default 180 000 ms). */
  timeoutMs?: number;
  /** Extra Neo4j settings `key=value`, validated strictly (a misspelt key stops start-up). */
  conf?: string[];
  /** Receives progress lines (Maven) and the launcher's stderr; default: dropped. */
  log?: (line: string) => void;
}

export interface Neo4jServer {
  /** `bolt://127.0.0.1:PORT` */
  uri: string;
  port: number;
  /** Absolute data directory (Neo4j home). */
  dataDir: string;
  /** PID of the JVM. */
  pid: number;
  /** Milliseconds from spawning the JVM until the driver connected. */
  startMs: number;
  /** SIGTERM, waits for a clean shutdown (SIGKILL after 60 s). Idempotent. */
  stop(): Promise<void>;
  /** Resolves with the JVM's exit code (128+signal when killed) whenever it exits. */
  exited: Promise<number | null>;
}

export type Availability = { ok: true } | { ok: false; why: string };

export const NEO4J_VERSION: string;
export function cacheDir(): string;
export function findJava():
  { ok: true; java: string; javac: string | null; home: string; major: number } | { ok: false; why: string };
export function neo4jAvailability(): Promise<Availability>;
export function ensureJars(opts?: { log?: (line: string) => void }): Promise<string>;
export function freePort(): Promise<number>;
export function startNeo4j(opts: StartOptions): Promise<Neo4jServer>;
