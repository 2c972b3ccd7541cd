#!/usr/bin/env node
// `npm run neo4j -- --port 7687 --data ./data/neo4j [--password PW]`
// Runs a real Neo4j 5.26 Community server in the foreground (see launch.js) and prints
// `bolt://127.0.0.1:PORT` on stdout once a driver can connect. Ctrl-C / SIGTERM stop it cleanly.

import { neo4jAvailability, NEO4J_VERSION, cacheDir, startNeo4j } from './launch.js';

const HELP = `usage: npm run neo4j -- [options]

Starts a Neo4j ${NEO4J_VERSION} Community server (Bolt only, 127.0.0.1) in the foreground.
Prints bolt://127.0.0.1:PORT on stdout once a driver can connect; progress and errors go to stderr.
SIGINT/SIGTERM shut it down cleanly (the data stays).

  --port P          Bolt port (default 7687)
  --data DIR        Neo4j home: store in DIR/data, logs in DIR/logs (default ./data/neo4j)
  --password PW     password for user neo4j (or env NEO4J_PASSWORD); none = auth disabled
  --heap SIZE       JVM max heap (default env NEO4J_HEAP or 1g)
  --pagecache SIZE  page cache (default env NEO4J_PAGECACHE or 512m)
  --conf key=value  any other Neo4j setting (repeatable; misspelt keys stop start-up)
  --timeout SEC     how long to wait for the server (default 180)
  --help            this text

Needs a JDK 17 or 21 and, the first time, Maven (jars cached in ${cacheDir()}/lib,
root overridable with TRACEGRAPH_NEO4J_CACHE).`;

function parse(argv) {
  const o = { port: 7687, data: './data/neo4j', password: process.env.NEO4J_PASSWORD, conf: [], timeout: 180 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.indexOf('=');
    const [flag, inline] = a.startsWith('--') && eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      const v = argv[++i];
      if (v === undefined) die(`${flag} needs a value`, 2);
      return v;
    };
    switch (flag) {
      case '--help':
      case '-h':
        process.stdout.write(`${HELP}\n`);
        process.exit(0);
        break;
      case '--port': {
        const p = Number(value());
        if (!Number.isInteger(p) || p < 1 || p > 65535) die(`--port wants 1..65535`, 2);
        o.port = p;
        break;
      }
      case '--data':
        o.data = value();
        break;
      case '--password':
        o.password = value();
        break;
      case '--heap':
        o.heap = value();
        break;
      case '--pagecache':
        o.pagecache = value();
        break;
      case '--conf':
        o.conf.push(value());
        break;
      case '--timeout':
        o.timeout = Number(value());
        if (!(o.timeout > 0)) die('--timeout wants seconds > 0', 2);
        break;
      default:
        die(`unknown argument ${a} (see --help)`, 2);
    }
  }
  return o;
}

function die(msg, code = 1) {
  process.stderr.write(`neo4j: ${msg}\n`);
  process.exit(code);
}

const opts = parse(process.argv.slice(2));
const avail = await neo4jAvailability();
if (!avail.ok) die(avail.why);

let server;
let stopping = false;
const onSignal = (sig) => {
  if (stopping) return;
  stopping = true;
  process.stderr.write(`neo4j: ${sig}, shutting down\n`);
  if (server) server.stop();
  // while still starting, startNeo4j's exit handler terminates the JVM when we exit
  else process.exit(sig === 'SIGINT' ? 130 : 143);
};
process.on('SIGINT', () => onSignal('SIGINT'));
process.on('SIGTERM', () => onSignal('SIGTERM'));
// Under `npm run neo4j`, a SIGTERM to npm kills npm's `sh -c` but never reaches us: when that parent
// goes away (we are re-parented), stop as if we had been sent SIGTERM.
if (process.env.npm_lifecycle_event) {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) onSignal('SIGTERM (npm parent gone)');
  }, 500).unref();
}

try {
  server = await startNeo4j({
    port: opts.port,
    dataDir: opts.data,
    password: opts.password,
    heap: opts.heap,
    pagecache: opts.pagecache,
    conf: opts.conf,
    timeoutMs: opts.timeout * 1000,
    log: (line) => process.stderr.write(`${line}\n`),
  });
} catch (e) {
  // the launcher's stderr was already shown above: only the first line of the summary
  die((e instanceof Error ? e.message : String(e)).split('\n')[0].replace(/^neo4j: /, ''));
}
process.stdout.write(`${server.uri}\n`);
if (stopping) server.stop();
const code = await server.exited;
// 143/130 after our own SIGTERM/SIGINT is a clean stop
process.exit(stopping && (code === 143 || code === 130 || code === 0) ? 0 : (code ?? 1));
