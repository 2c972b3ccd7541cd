/**
 * The PostgreSQL side of the bench: a throw-away PostgreSQL server, the flow edges of a plant
 * loaded into plain tables, and forward/backward traces as recursive CTEs. It answers "what
 * would a relational database do on the same edges", the yardstick for the graph backends.
 *
 * Edges are item -> item (each input of an operation -> each of its outputs), which gives the
 * same reachability as item -> operation -> item with one join per hop instead of two.
 */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { CanonicalEvent } from '../core/events.ts';
import { isContainerId, kindFromId } from '../core/ids.ts';
import type { TraceResult } from '../cypher/port.ts';

const run = promisify(execFile);

export interface PgServer {
  port: number;
  dir: string;
  client: pg.Client;
  stop(): Promise<void>;
}

/** Where initdb/pg_ctl live: Debian's versioned directory, else whatever pg_config says. */
export function pgBinDir(): string | undefined {
  const candidates = ['/usr/lib/postgresql/15/bin'];
  try {
    const versions = fs.readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
  } catch {
    // no Debian layout
  }
  for (const dir of candidates) if (fs.existsSync(path.join(dir, 'initdb'))) return dir;
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (fs.existsSync(path.join(dir, 'initdb'))) return dir;
  } catch {
    // no pg_config on the PATH
  }
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * initdb + pg_ctl start in a fresh temp directory, on a free loopback port, then connect.
 * PostgreSQL refuses to run as root, so as root the server runs as the `postgres` OS user
 * (created if missing) and the directory is handed to it.
 */
export async function startPostgres(): Promise<PgServer> {
  const bin = pgBinDir();
  if (!bin) throw new Error('PostgreSQL server binaries not found: install postgresql (Debian: apt-get install postgresql-15)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracegraph-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const as = (cmd: string, args: string[]) => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
    return run(file, argv, { encoding: 'utf8', cwd: dir }).catch((e: { stderr?: string; message: string }) => {
      throw new Error(`${path.basename(cmd)} failed: ${(e.stderr || e.message).trim()} (log: ${dir}/server.log)`);
    });
  };
  const pgCtl = path.join(bin, 'pg_ctl');
  // If this process dies without stop(), do not leave a postmaster holding 256 MB behind.
  const onExit = () => {
    try {
      execFileSync(
        asRoot ? 'runuser' : pgCtl,
        [...(asRoot ? ['-u', 'postgres', '--', pgCtl] : []), 'stop', '-m', 'immediate', '-D', data],
        {
          stdio: 'ignore',
        },
      );
    } catch {
      // not running
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    if (asRoot) {
      const id = await run('id', ['-u', 'postgres']).catch(async () => {
        await run('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
        return run('id', ['-u', 'postgres']);
      });
      const gid = await run('id', ['-g', 'postgres']);
      fs.chownSync(dir, Number(id.stdout.trim()), Number(gid.stdout.trim()));
    }
    const port = await freePort();
    await as(path.join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
    // Bench settings: the data is rebuilt from events on every run, so durability buys nothing:
    // fsync, synchronous_commit and full_page_writes are off. Only loopback, socket in our dir.
    const conf = [
      `port = ${port}`,
      `listen_addresses = '127.0.0.1'`,
      `unix_socket_directories = '${dir}'`,
      `shared_buffers = 256MB`,
      `work_mem = 64MB`,
      `maintenance_work_mem = 512MB`,
      `max_wal_size = 4GB`,
      `fsync = off`,
      `synchronous_commit = off`,
      `full_page_writes = off`,
      // Recursive CTE row estimates are wild guesses that can cross jit_above_cost; compiling
      // would cost more than a trace that takes milliseconds.
      `jit = off`,
    ];
    fs.appendFileSync(path.join(data, 'postgresql.conf'), conf.join('\n') + '\n');
    process.once('exit', onExit);
    await as(pgCtl, ['start', '-w', '-t', '60', '-D', data, '-l', path.join(dir, 'server.log')]);
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    await client.connect();
    let stopped = false;
    return {
      port,
      dir,
      client,
      async stop() {
        if (stopped) return;
        stopped = true;
        process.removeListener('exit', onExit);
        await client.end().catch(() => undefined);
        await as(pgCtl, ['stop', '-w', '-m', 'fast', '-D', data]);
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    process.removeListener('exit', onExit);
    onExit();
    throw e;
  }
}

type Kind = 'lot' | 'unit' | 'container';

export interface LoadStats {
  events: number;
  items: number;
  flows: number;
  shipped: number;
  ms: number;
  /** read: events -> CSV files (includes producing the events); copy; index: keys and indexes. */
  phases: { readMs: number; copyMs: number; indexMs: number; vacuumMs: number };
}

/** COPY takes no parameters: the file name goes in as an SQL string literal. */
const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** A CSV field: quoted only when it has to be (ids are free text from the plant). */
const csv = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** Appends lines to a file through a 1 MB buffer: a write call per row would dominate the load. */
class CsvFile {
  readonly path: string;
  rows = 0;
  private fd: number;
  private chunk: string[] = [];
  private size = 0;
  constructor(dir: string, name: string) {
    this.path = path.join(dir, name);
    this.fd = fs.openSync(this.path, 'w', 0o644);
  }
  line(s: string): void {
    this.chunk.push(s);
    this.rows++;
    if ((this.size += s.length) > 1 << 20) this.flush();
  }
  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }
  private flush(): void {
    if (this.chunk.length === 0) return; // an empty line would be a row of NULLs to COPY
    fs.writeSync(this.fd, this.chunk.join('\n') + '\n');
    this.chunk = [];
    this.size = 0;
  }
}

/**
 * Rebuilds the bench tables from events: items get integer ids here, edges go to CSV files and
 * the server reads them with `COPY ... FROM '<file>'` (the fastest path without pg-copy-streams;
 * it needs a superuser on the same machine, which the bench server is). Indexes come after the
 * data, which is faster than maintaining them row by row.
 */
export async function loadPostgres(
  client: pg.Client,
  events: Iterable<CanonicalEvent>,
  onProgress?: (events: number) => void,
): Promise<LoadStats> {
  const t0 = performance.now();
  // World-readable, because the server may run as another OS user (postgres) than we do.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracegraph-pgload-'));
  fs.chmodSync(dir, 0o755);
  const ids = new Map<string, number>();
  const kinds: (Kind | undefined)[] = [];
  /** Item id for a key; `kind` is what an event says outright (a container stays a container). */
  const item = (key: string, kind?: Kind): number => {
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = ids.size + 1));
    if (kind && kinds[id] !== 'container') kinds[id] = kind;
    return id;
  };
  const flow = new CsvFile(dir, 'flow.csv');
  const shipped = new CsvFile(dir, 'shipped.csv');
  const customerOf = new Map<string, string>();
  /** `child,parent` pairs whose latest pack event was a `remove` (the generator emits none). */
  const unpacked = new Set<string>();
  const seen = new Set<string>();
  let n = 0;
  try {
    for (const e of events) {
      if (++n % 10_000 === 0) onProgress?.(n);
      // Idempotency and error declarations, as the graph stores treat them.
      if (seen.has(e.eventId) || e.errorDeclaration) continue;
      seen.add(e.eventId);
      switch (e.kind) {
        case 'receive':
          item(e.lot, 'lot');
          break;
        case 'operation': {
          const ins = e.inputs.map((i) => item(i.id));
          for (const o of e.outputs) {
            const out = item(o.id, o.type);
            for (const i of ins) flow.line(`${i},${out}`);
          }
          break;
        }
        case 'pack': {
          const parent = item(e.parent, 'container');
          for (const c of e.children) {
            const pair = `${item(c)},${parent}`;
            if (e.action === 'remove') unpacked.add(pair);
            else {
              unpacked.delete(pair);
              flow.line(pair);
            }
          }
          break;
        }
        case 'ship':
          customerOf.set(e.shipmentId, e.customer);
          for (const i of e.items) shipped.line(`${item(i)},${csv(e.shipmentId)}`);
          break;
        default:
          break; // readings, scans, inspections, maintenance: not material flow
      }
    }
    onProgress?.(n);
    flow.close();
    shipped.close();
    const items = new CsvFile(dir, 'item.csv');
    // Nothing said what it is: trust the id (SSCC, sgtin, lgtin), else it is a countable unit.
    for (const [key, id] of ids) {
      const kind = kinds[id] ?? (isContainerId(key) ? 'container' : (kindFromId(key) ?? 'unit'));
      items.line(`${id},${csv(key)},${kind}`);
    }
    items.close();
    const customers = new CsvFile(dir, 'shipment_customer.csv');
    for (const [s, c] of customerOf) customers.line(`${csv(s)},${csv(c)}`);
    customers.close();

    const readMs = performance.now() - t0;

    // Unlogged: bench tables are rebuilt from events every run, WAL would only slow the load.
    await client.query(`
      DROP TABLE IF EXISTS flow, shipped, shipment_customer, item;
      CREATE UNLOGGED TABLE item (id serial, key text NOT NULL, kind text NOT NULL);
      CREATE UNLOGGED TABLE flow (src int NOT NULL, dst int NOT NULL);
      CREATE UNLOGGED TABLE shipped (item int NOT NULL, shipment text NOT NULL);
      CREATE UNLOGGED TABLE shipment_customer (shipment text NOT NULL, customer text NOT NULL);
      COPY item (id, key, kind) FROM ${literal(items.path)} WITH (FORMAT csv);
      COPY flow FROM ${literal(flow.path)} WITH (FORMAT csv);
      COPY shipped FROM ${literal(shipped.path)} WITH (FORMAT csv);
      COPY shipment_customer FROM ${literal(customers.path)} WITH (FORMAT csv);
    `);
    const copyMs = performance.now() - t0 - readMs;
    // (src, dst) and (dst, src): each hop is then an index-only scan.
    await client.query(`
      ALTER TABLE item ADD PRIMARY KEY (id), ADD UNIQUE (key),
        ADD CHECK (kind IN ('lot', 'unit', 'container'));
      SELECT setval('item_id_seq', (SELECT coalesce(max(id), 0) + 1 FROM item), false);
      CREATE INDEX flow_src ON flow (src, dst);
      CREATE INDEX flow_dst ON flow (dst, src);
      CREATE INDEX shipped_item ON shipped (item);
      ALTER TABLE shipment_customer ADD PRIMARY KEY (shipment);
    `);
    // A pack `remove` undoes the `add` before it: the child is no longer in that container.
    for (const pair of unpacked) {
      const [src, dst] = pair.split(',').map(Number);
      await client.query('DELETE FROM flow WHERE src = $1 AND dst = $2', [src, dst]);
    }
    const indexMs = performance.now() - t0 - readMs - copyMs;
    // VACUUM too: it sets the visibility map, so index-only scans on flow skip the heap.
    await client.query('VACUUM ANALYZE item, flow, shipped, shipment_customer');
    const vacuumMs = performance.now() - t0 - readMs - copyMs - indexMs;
    const ms = performance.now() - t0;
    return {
      events: n,
      items: ids.size,
      flows: flow.rows,
      shipped: shipped.rows,
      ms,
      phases: { readMs, copyMs, indexMs, vacuumMs },
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * One round trip per trace. `UNION` (not `UNION ALL`) makes the recursion stop at items it has
 * already reached, so the cost is linear in the part of the graph reached, not in the number of
 * paths (and rework loops terminate). Start ids appear only when reached again by >= 1 hop.
 *
 * The planner cannot estimate a recursive CTE (it guessed 57,000 rows for 3,500), and with a
 * plain join it then hashed all of `item` (~500 ms at 1 M items, 20x the trace itself). Passing
 * the reached ids as an array (`= ANY(ARRAY(...))`) makes every lookup an index scan.
 */
const traceSql = (from: 'src' | 'dst', to: 'src' | 'dst') => `
  WITH RECURSIVE
    start AS (SELECT id FROM item WHERE key = ANY($1::text[])),
    reach (id) AS (
      SELECT f.${to} FROM start s JOIN flow f ON f.${from} = s.id
      UNION
      SELECT f.${to} FROM reach r JOIN flow f ON f.${from} = r.id),
    ships AS (
      SELECT DISTINCT shipment FROM shipped
      WHERE item = ANY(ARRAY(SELECT id FROM start UNION ALL SELECT id FROM reach)))
  SELECT kind, key FROM item WHERE id = ANY(ARRAY(SELECT id FROM reach))
  UNION ALL SELECT 'shipment', shipment FROM ships
  UNION ALL SELECT DISTINCT 'customer', customer FROM shipment_customer
    WHERE shipment = ANY(ARRAY(SELECT shipment FROM ships))`;
const FORWARD = traceSql('src', 'dst');
const BACKWARD = traceSql('dst', 'src');

async function trace(client: pg.Client, name: string, text: string, ids: readonly string[]): Promise<TraceResult> {
  const r: TraceResult = { lots: [], units: [], containers: [], shipments: [], customers: [] };
  if (ids.length === 0) return r;
  // Named: parsed and planned once per connection. Array rows: no per-row object to build.
  const res = await client.query<[string, string]>({ name, text, values: [ids], rowMode: 'array' });
  const into: Record<string, string[]> = {
    lot: r.lots,
    unit: r.units,
    container: r.containers,
    shipment: r.shipments,
    customer: r.customers,
  };
  for (const [kind, key] of res.rows) into[kind]?.push(key);
  return r;
}

/** Every lot/unit/container downstream of `ids`, and the shipments and customers they went to. */
export function traceForwardPg(client: pg.Client, ids: readonly string[]): Promise<TraceResult> {
  return trace(client, 'tracegraph_trace_forward', FORWARD, ids);
}

/** Everything upstream of `ids` (a container's contents too), and shipments that carried them. */
export function traceBackwardPg(client: pg.Client, ids: readonly string[]): Promise<TraceResult> {
  return trace(client, 'tracegraph_trace_backward', BACKWARD, ids);
}
