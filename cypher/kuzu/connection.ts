/**
 * The one Kuzu database and connection a store owns: opening it with the schema, prepared
 * statements, and the queue every use of the connection goes through.
 */
import kuzu from 'kuzu';
import { TracegraphError } from '../../core/errors.ts';
import { PROFILE, profile } from '../profile.ts';
import { query, statements } from '../queries.ts';
import { CsvStage } from './csv-stage.ts';

export type Row = Record<string, kuzu.KuzuValue>;
export type Params = Record<string, kuzu.KuzuValue>;

const closedHandles: unknown[] = [];
export const DEFAULT_BUFFER_MB = 1024;
/**
 * The smallest buffer pool a store opens with, whatever it is asked for. A COPY into a node table
 * whose last node group (131,072 rows) is partly filled needs, until its commit, about 3 times the
 * bytes of the rows already in that group: ~220 MiB for a full group of ~620-byte events. Below
 * that the commit fails ("buffer pool is full"), and a failed commit leaves some of its keys in
 * Kuzu's primary-key index (see write.ts). With 64 MiB that happened at ~38,000 events.
 */
export const MIN_BUFFER_MB = 256;
const poolBytes = (bufferMb: number) => Math.max(bufferMb, MIN_BUFFER_MB) * 1024 * 1024;
/** 1 TiB of address space: far beyond any plant's graph, and 8 times less than Kuzu's default. */
const MAX_DB_SIZE = 2 ** 40;
/**
 * Kuzu checkpoints when its WAL passes this size. Its 16 MiB default made every large batch
 * commit pay for a checkpoint whose cost grows with the database; 512 MiB keeps them rare.
 */
const CHECKPOINT_BYTES = 512 * 2 ** 20;

/** A path inside a single-quoted Cypher string (EXPORT and IMPORT take no parameters). */
export function cypherString(path: string): string {
  return path.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}

export class KuzuConnection {
  private readonly db: kuzu.Database;
  private readonly conn: kuzu.Connection;
  private readonly prepared = new Map<string, kuzu.PreparedStatement>();
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Where rows wait as CSV files on their way into and out of Kuzu (load.ts). */
  readonly stage = new CsvStage();

  private constructor(
    readonly path: string,
    bufferMb: number,
  ) {
    // Kuzu's defaults take 80% of RAM for its buffer pool and reserve 8 TiB of address space per
    // database; both are capped so that a test process can hold many stores at once.
    this.db = new kuzu.Database(path, poolBytes(bufferMb), true, false, MAX_DB_SIZE, true, CHECKPOINT_BYTES);
    this.conn = new kuzu.Connection(this.db);
  }

  /** Opens (or creates) the database at `path` and makes sure its schema is there. */
  static async open(path: string, dataDir: string, bufferMb: number): Promise<KuzuConnection> {
    let db: KuzuConnection;
    try {
      db = new KuzuConnection(path, bufferMb);
      await db.db.init();
      await db.conn.init();
    } catch (e) {
      throw new TracegraphError(
        'STORE_UNAVAILABLE',
        `cannot open the embedded graph in ${dataDir} (${(e as Error).message.split('\n')[0]}); is another tracegraph process using it?`,
        { cause: e },
      );
    }
    for (const s of statements('kuzu', 'schema')) await db.run(s);
    // Traces must reach any depth: Kuzu stops variable-length patterns at 30 hops unless told.
    await db.run('CALL var_length_extend_max_depth=1000000');
    return db;
  }

  /**
   * Fills a new database at `path` from an EXPORT DATABASE directory (before `open`, which would
   * create the schema first: IMPORT needs an empty database).
   */
  static async importInto(path: string, dir: string, bufferMb: number): Promise<void> {
    const db = new kuzu.Database(path, poolBytes(bufferMb), true, false, MAX_DB_SIZE, true, CHECKPOINT_BYTES);
    const conn = new kuzu.Connection(db);
    try {
      const r = await conn.query(query('kuzu', 'import-database', { Dir: cypherString(dir) }));
      for (const x of Array.isArray(r) ? r : [r]) x.close();
    } finally {
      await conn.close();
      await db.close();
      closedHandles.push(conn, db);
    }
  }

  /** Runs one statement; `params` are trimmed to those the statement names. */
  async run(text: string, params?: Params): Promise<Row[]> {
    let ps = this.prepared.get(text);
    if (!ps) {
      ps = await this.conn.prepare(text);
      if (!ps.isSuccess()) throw new TracegraphError('STORE_QUERY', `Kuzu rejected a query: ${ps.getErrorMessage()}`);
      this.prepared.set(text, ps);
    }
    const used: Params = {};
    if (params) for (const m of text.matchAll(/\$(\w+)/g)) used[m[1]!] = params[m[1]!] ?? null;
    const t0 = PROFILE ? performance.now() : 0;
    const result = await this.conn.execute(ps, used);
    if (PROFILE) profile(text, performance.now() - t0);
    const all = Array.isArray(result) ? result : [result];
    const rows = all[all.length - 1]?.getAllSync() ?? [];
    // Results must be closed before the connection is, or Kuzu may crash at close (kuzu#5313).
    for (const r of all) r.close();
    return rows;
  }

  /** Runs a statement that takes no parameters and returns nothing (transaction control). */
  async raw(text: string): Promise<void> {
    const t0 = PROFILE ? performance.now() : 0;
    const r = await this.conn.query(text);
    if (PROFILE) profile(text, performance.now() - t0);
    for (const x of Array.isArray(r) ? r : [r]) x.close();
  }

  /**
   * Serialises every use of the connection: Kuzu has one writer and we keep one connection.
   *
   * Each call starts on a later turn of the event loop (setImmediate), not straight after the one
   * before it: much of a call is synchronous work (a recall scope from the in-memory index runs
   * ~30 ms without awaiting anything real), and chained back to back the whole queue ran in one
   * turn, so requests on other sockets were only read when it ran dry, in the kernel's order. Under
   * 20 concurrent HTTP clients a request on a newly opened connection waited several seconds behind
   * those on warm ones. Yielding between calls lets the server read and enqueue every request that
   * has arrived, so calls are served in arrival order (FIFO).
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new TracegraphError('STORE_UNAVAILABLE', 'the graph store is closed'));
    const turn = () => new Promise<void>((resolve) => setImmediate(resolve)).then(fn);
    const next = this.queue.then(turn, turn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Closes the connection and the database after every queued call; later calls are refused. */
  close(): Promise<void> {
    return this.exclusive(async () => {
      this.closed = true;
      this.prepared.clear();
      this.stage.dispose();
      await this.conn.close();
      await this.db.close();
      // Kuzu 0.11's finalizers can crash when GC collects a closed database (kuzu#5881): keep
      // closed handles reachable for the life of the process instead.
      closedHandles.push(this.conn, this.db);
    });
  }
}
