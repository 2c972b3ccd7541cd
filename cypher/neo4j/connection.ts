/**
 * The driver a Neo4j store owns: opening it (connectivity, credentials, schema), sessions, managed
 * transactions, and errors made readable.
 */
import neo4j, { type Driver, type ManagedTransaction } from 'neo4j-driver';
import type { Neo4jConfig } from '../../core/config.ts';
import { TracegraphError } from '../../core/errors.ts';
import { statements } from '../queries.ts';

export type Neo4jOptions = Neo4jConfig;
export type Params = Record<string, unknown>;

export class Neo4jConnection {
  private readonly database: string;
  private readonly timeoutMs: number;

  private constructor(
    private readonly driver: Driver,
    private readonly opts: Neo4jOptions,
  ) {
    this.database = opts.database ?? 'neo4j';
    this.timeoutMs = opts.timeoutMs ?? 60_000;
  }

  /** Connects, checks the credentials and makes sure the schema is there. */
  static async open(opts: Neo4jOptions): Promise<Neo4jConnection> {
    const auth = opts.password !== undefined ? neo4j.auth.basic(opts.user ?? 'neo4j', opts.password) : undefined;
    let driver: Driver;
    try {
      driver = neo4j.driver(opts.uri, auth, {
        maxConnectionPoolSize: opts.maxPoolSize ?? 50,
        connectionAcquisitionTimeout: opts.timeoutMs ?? 60_000,
        maxTransactionRetryTime: opts.timeoutMs ?? 60_000,
        disableLosslessIntegers: true,
        logging: { level: 'error', logger: () => undefined },
      });
    } catch (e) {
      throw new TracegraphError('CONFIG', `TRACEGRAPH_NEO4J_URI ${opts.uri} is not a Neo4j URI (${(e as Error).message})`, {
        cause: e,
      });
    }
    try {
      await driver.verifyConnectivity({ database: opts.database ?? 'neo4j' });
    } catch (e) {
      await driver.close();
      const code = (e as { code?: string }).code ?? '';
      if (code.includes('Unauthorized') || code.includes('Security'))
        throw new TracegraphError(
          'STORE_AUTH',
          `Neo4j at ${opts.uri} refused the credentials (check TRACEGRAPH_NEO4J_USER / TRACEGRAPH_NEO4J_PASSWORD)`,
          { cause: e },
        );
      throw new TracegraphError(
        'STORE_UNAVAILABLE',
        `cannot reach Neo4j at ${opts.uri}: ${(e as Error).message.split('\n')[0]}`,
        {
          cause: e,
        },
      );
    }
    const conn = new Neo4jConnection(driver, opts);
    const s = conn.session('WRITE');
    try {
      for (const text of statements('neo4j', 'schema')) await s.run(text);
    } catch (e) {
      await driver.close();
      throw wrapError(e, opts.uri);
    } finally {
      await s.close();
    }
    return conn;
  }

  session(mode: 'READ' | 'WRITE' = 'WRITE') {
    return this.driver.session({
      database: this.database,
      defaultAccessMode: mode === 'READ' ? neo4j.session.READ : neo4j.session.WRITE,
    });
  }

  /** One managed transaction (the driver retries it on transient errors), errors made readable. */
  async tx<T>(mode: 'READ' | 'WRITE', work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
    const s = this.session(mode);
    try {
      return await (mode === 'READ'
        ? s.executeRead(work, { timeout: this.timeoutMs })
        : s.executeWrite(work, { timeout: this.timeoutMs }));
    } catch (e) {
      throw wrapError(e, this.opts.uri);
    } finally {
      await s.close();
    }
  }

  /** The rows of one read query, as plain objects. */
  async rows(text: string, params: Params = {}): Promise<Record<string, unknown>[]> {
    return this.tx('READ', async (tx) =>
      (await tx.run(text, params)).records.map((r) => r.toObject() as Record<string, unknown>),
    );
  }

  close(): Promise<void> {
    return this.driver.close();
  }
}

function wrapError(e: unknown, uri: string): TracegraphError {
  if (e instanceof TracegraphError) return e;
  const code = (e as { code?: string }).code ?? '';
  const msg = (e as Error).message?.split('\n')[0] ?? String(e);
  if (code === 'ServiceUnavailable' || code === 'SessionExpired')
    return new TracegraphError('STORE_UNAVAILABLE', `Neo4j at ${uri} is unavailable: ${msg}`, { cause: e });
  if (code.includes('Unauthorized') || code.includes('Security'))
    return new TracegraphError('STORE_AUTH', `Neo4j at ${uri} refused the credentials`, { cause: e });
  return new TracegraphError('STORE_QUERY', `Neo4j query failed (${code}): ${msg}`, { cause: e });
}
