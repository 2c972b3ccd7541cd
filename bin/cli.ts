/**
 * The `tracegraph` command line: every command, its flags and its help, in one place. Every
 * command has --help; data-producing commands have --json; errors are one line on stderr and a
 * non-zero exit.
 *
 * Only commander and the flag parsers load up front: each action imports its implementation
 * (bin/commands/*) when it runs, so `--help`, `--version` and a one-off trace do not pay for
 * node-opcua, the API server or the MQTT client.
 */
import { Argument, Command, CommanderError, Option } from 'commander';
import { isTracegraphError, TracegraphError } from '../core/errors.ts';
import { ROLES } from '../domain/auth/roles.ts';
import type { BenchFlags } from './commands/bench.ts';
import type { DemoFlags } from './commands/demo.ts';
import type { IngestFlags } from './commands/ingest.ts';
import type { LsFlags } from './commands/ls.ts';
import { dataOption, jsonOption, LIST_KINDS, nonNegativeInt, portNumber, positiveInt, type ListKind } from './options.ts';
import { exitAfterOutput } from './output.ts';
import { HeldByServer } from './remote.ts';
import { reportCommand } from './commands/report.ts';

type DataFlags = { data?: string; json?: boolean };
import { loadConfig } from '../core/config.ts';
import { setProgressBars } from '../core/progress.ts';
import { setProfiling } from '../cypher/profile.ts';

const program = new Command('tracegraph')
  .description('Graph-based traceability and quality control for manufacturing')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  // Commander's own exits (--help, --version, a usage error) throw instead, so that they leave
  // through the same flush as the commands. Subcommands inherit this.
  .exitOverride()
  .addHelpText(
    'after',
    `
Backends: the embedded graph (Kuzu) under --data DIR / TRACEGRAPH_DATA (default ./data);
Neo4j 5 when TRACEGRAPH_NEO4J_URI is set (with TRACEGRAPH_NEO4J_USER / TRACEGRAPH_NEO4J_PASSWORD).
Every setting can also be given in tracegraph.config.json (or the file TRACEGRAPH_CONFIG names);
docs/configuration.md lists them.

Examples:
  tracegraph seed --units 10000
  tracegraph import epcis shipment.jsonld
  tracegraph trace forward LOT-R-000001 --json
  tracegraph trace backward urn:epc:id:sgtin:4012345.077889.25

Beside a running \`tracegraph serve\` or demo on the same data directory, the commands ask it
(docs/operations.md, "The CLI beside a running server"). Exit status: 0 done, 1 failed, 3 the graph
is held by a running server and the command cannot work through it (the message says what to run).`,
  );

function speedNumber(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n > 20)
    throw new TracegraphError('BAD_INPUT', `--speed must be above 0 and at most 20, got ${v}`);
  return n;
}

program
  .command('demo')
  .description(
    'run a live demo plant: simulated PLC (OPC UA) and stations (MQTT) -> ingest workers -> embedded graph -> GraphQL API (until Ctrl-C)',
  )
  .addOption(new Option('--port <port>', 'API port (0 picks a free one)').default(4000).argParser(portNumber))
  .addOption(
    new Option(
      '--mqtt-port <port>',
      'embedded MQTT broker port (default 1883, or a free one when 1883 is taken; 0 picks a free one)',
    ).argParser(portNumber),
  )
  .addOption(new Option('--data <dir>', 'where the demo keeps its graph, event log and simulator state').default('./data/demo'))
  .addOption(
    new Option('--speed <x>', 'simulated clock multiplier (1: a unit every 2 s; up to 5 every PLC cycle is seen)')
      .default(1)
      .argParser(speedNumber),
  )
  .addOption(
    new Option(
      '--drift-after <seconds>',
      'when to drift the oven zone 3 temperature of REFLOW-1 out of spec: an SPC signal, a spec alarm, the boards reflowed meanwhile held, the AOI interlock denied (docs/quality-loop.md)',
    )
      .default(90)
      .argParser(positiveInt),
  )
  .addOption(new Option('--no-drift', 'run the plant in spec throughout (no drift)'))
  .addHelpText('after', '\nThe development API key is TRACEGRAPH_DEV_KEY when set, else a random one printed at start.')
  // The process exits once an action resolves, so long-running ones resolve only after shutdown.
  .action(async (opts: DemoFlags) => (await import('./commands/demo.ts')).demo(opts));

program
  .command('ingest')
  .description(
    'run the ingest workers: MQTT events and EPCIS documents, OPC UA tags -> event log -> graph (until Ctrl-C or SIGTERM)',
  )
  .addOption(new Option('--mqtt-url <url>', 'broker, e.g. mqtt://broker:1883 (env TRACEGRAPH_MQTT_URL)'))
  .addOption(new Option('--client-id <id>', 'stable MQTT client id (env TRACEGRAPH_MQTT_CLIENT_ID)'))
  .addOption(new Option('--group <name>', 'share the topics with other workers of this group (MQTT 5 $share)'))
  .addOption(
    new Option(
      '--opcua-config <file>',
      'OPC UA mapping file: servers, node ids -> readings, operations, scans (env TRACEGRAPH_OPCUA_CONFIG)',
    ),
  )
  .addOption(
    new Option(
      '--metrics-port <port>',
      'serve Prometheus metrics at http://HOST:PORT/metrics (env TRACEGRAPH_METRICS_PORT; default: off)',
    ).argParser(portNumber),
  )
  .addOption(new Option('--metrics-host <host>', 'address for --metrics-port (env TRACEGRAPH_METRICS_HOST, default 127.0.0.1)'))
  .addOption(
    new Option(
      '--connections <n>',
      'MQTT connections splitting the stream, each with its own persistent session (env TRACEGRAPH_MQTT_CONNECTIONS, default 1)',
    ).argParser(positiveInt),
  )
  .addOption(dataOption())
  .addHelpText(
    'after',
    '\nCredentials and TLS: TRACEGRAPH_MQTT_USER, TRACEGRAPH_MQTT_PASSWORD, TRACEGRAPH_MQTT_CA/_CERT/_KEY (files),\nor the "mqtt" section of tracegraph.config.json. OPC UA security mode, user and password are in the mapping file\n(example: examples/opcua-mapping.json); the client certificate is kept under <data>/pki.\nNot beside a running server that holds the embedded graph (exit 3): events go in over its EPCIS capture.',
  )
  .action(async (opts: IngestFlags) => (await import('./commands/ingest.ts')).ingest(opts));

const importer = program
  .command('import')
  .description('import events from files (EPCIS documents in JSON/JSON-LD or XML, or JSON lines)');
for (const [kind, description, what] of [
  [
    'epcis',
    'import EPCIS documents: 2.0 JSON / JSON-LD, 2.0 XML or 1.x XML (EPCISDocument, EPCISQueryDocument, bare events)',
    'EPCIS documents',
  ],
  ['events', 'import canonical events, one JSON object per line (the wire form in docs/events-and-model.md)', 'JSON-lines files'],
] as const)
  importer
    .command(kind)
    .description(description)
    .argument('<files...>', what)
    .addOption(dataOption())
    .addOption(jsonOption())
    .addHelpText(
      'after',
      kind === 'epcis'
        ? "\nBeside a running server on the same data directory, each file is sent to its EPCIS capture\n(POST /epcis/capture) and the capture awaited: the same summary, the server's capture limit."
        : '\nNot beside a running server that holds the graph (exit 3): it takes EPCIS documents only (import epcis).',
    )
    .action(async (files: string[], opts: DataFlags) => (await import('./commands/import.ts')).importFiles(kind, files, opts));

const tracer = program
  .command('trace')
  .description('trace lots and units through every transformation, split, merge, rework and packing level');
for (const [direction, what] of [
  ['forward', 'every lot and unit made from the given ones, the shipments that carried them and their customers'],
  ['backward', 'every lot and unit the given ones were made from'],
] as const)
  tracer
    .command(direction)
    .description(what)
    .argument('<ids...>', 'lot or unit ids (EPC URN, GS1 Digital Link or plant id)')
    .addOption(dataOption())
    .addOption(jsonOption())
    .option('--events', 'also list the ids of the events that make up the trace (EPCIS eventIDs where there are)')
    .action(async (ids: string[], opts: DataFlags & { events?: boolean }) =>
      (await import('./commands/trace.ts')).trace(direction, ids, opts),
    );

program
  .command('seed')
  .description('write a deterministic synthetic plant (suppliers, mixing, splits, merges, assembly, rework, packing, shipping)')
  .requiredOption('--units <n>', 'finished units to make', positiveInt)
  .option('--seed <n>', 'random seed (same seed, same plant)', positiveInt, 1)
  .addOption(dataOption())
  .addOption(jsonOption())
  .addHelpText('after', '\nNot beside a running server that holds the graph (exit 3): seed another --data directory.')
  .action(async (opts: DataFlags & { units: number; seed: number }) => (await import('./commands/seed.ts')).seed(opts));

program
  .command('stats')
  .description('count the nodes and relationships in the graph')
  .addOption(dataOption())
  .addOption(jsonOption())
  .action(async (opts: DataFlags) => (await import('./commands/stats.ts')).stats(opts));

program
  .command('ls')
  .description('list lots, materials, equipment, operators, customers, shipments or recalls by id prefix, in id order')
  .addArgument(new Argument('<what>', 'what to list').choices(LIST_KINDS))
  .option('--prefix <text>', 'only ids (for materials: names) starting with this; case-sensitive')
  .option('--material <text>', 'lots: whose material contains this (case-insensitive)')
  .option('--supplier <text>', 'lots: whose supplier contains this (case-insensitive)')
  .option('--supplier-lot <text>', "lots: whose supplier's own lot number contains this (case-insensitive)")
  .option('--customer <id>', 'shipments: to this customer only')
  .addOption(new Option('--status <status>', 'recalls: in this status only').choices(['draft', 'approved', 'closed']))
  .option('--limit <n>', 'at most this many', positiveInt, 50)
  .option('--after <key>', 'start after this id (the last one of the list before)')
  .addOption(dataOption())
  .addOption(jsonOption())
  .addHelpText(
    'after',
    `
Prints one line each; when more follow, stderr says how to go on (--after). With --json:
{"nodes":[...],"endCursor":"<last key>","hasNextPage":true|false}. Works beside a running
\`tracegraph serve\` or demo on the same data directory (it asks that server).

Examples:
  tracegraph ls lots --prefix LOT-R-00001
  tracegraph ls lots --material "solder paste" --supplier-lot SL-46448
  tracegraph ls shipments --customer CUST-0042 --json
  tracegraph ls equipment`,
  )
  .action(async (what: ListKind, opts: LsFlags) => (await import('./commands/ls.ts')).ls(what, opts));

program
  .command('bench')
  .description(
    'load a synthetic plant into Kuzu, Neo4j and PostgreSQL side by side and time traces; then time MQTT -> graph ingest',
  )
  .option('--units <n>', 'finished units in the plant', positiveInt, 1_000_000)
  .option('--runs <n>', 'traces per measurement', positiveInt, 20)
  .option('--stores <list>', 'comma-separated: kuzu,neo4j,postgres', 'kuzu,neo4j,postgres')
  .option('--out <file>', 'also write the trace results as JSON here')
  .option(
    '--sections <list>',
    'comma-separated: traces,ingest,audit,report,loop,capture',
    'traces,ingest,audit,report,loop,capture',
  )
  .option('--ingest-events <n>', 'events per ingest run', positiveInt, 50_000)
  .option('--per-message <list>', 'events per MQTT message, one ingest figure each', '1,100')
  .option('--connections <n>', 'MQTT connections of the ingest worker (shared subscription)', positiveInt, 8)
  .option('--group <name>', 'the ingest worker joins this MQTT 5 shared subscription group (with its safety net)')
  .option('--ingest-runs <n>', 'ingest runs per figure (the median is quoted)', positiveInt, 3)
  .option(
    '--recall-clients <n>',
    'concurrent HTTP clients timing recallScope on the embedded store (0: skip)',
    nonNegativeInt,
    20,
  )
  .option('--recall-requests <n>', 'recallScope requests in all', positiveInt, 200)
  .option(
    '--genealogy-baseline-runs <n>',
    'genealogies also built with one Kuzu query per item, to compare (minutes each on a large plant; 0: none)',
    nonNegativeInt,
    2,
  )
  .option(
    '--plant-cache <dir>',
    'keep each loaded embedded plant in DIR and copy it from there on later runs (sections traces, loop and report)',
  )
  .option('--audit-entries <n>', 'entries in the audit trail the audit section pages through', positiveInt, 200_000)
  .option('--report-units <n>', 'units of the plant (and of the recall) the report section renders', positiveInt, 10_000)
  .option(
    '--report-fsma-units <n>',
    "units of the plant whose supplier lot the report section's FSMA spreadsheet traces (0: skip)",
    (v: string) => (v === '0' ? 0 : positiveInt(v)),
    1_000_000,
  )
  .option('--loop-alarms <n>', 'alarms timed from MQTT reading to alarm, per figure (section loop)', positiveInt, 200)
  .option('--loop-stations <n>', 'stations asking the interlock at once (section loop)', positiveInt, 100)
  .option('--loop-requests <n>', 'interlock requests per station (section loop)', positiveInt, 20)
  .option(
    '--loop-units <n>',
    'units of the synthetic plant loaded into the store first (section loop; 0: none)',
    nonNegativeInt,
    0,
  )
  .option(
    '--capture-runs <n>',
    'runs of each large EPCIS capture (~50 MB JSON-LD with 25,000 and with 125,000 events, ~20 MB XML) posted to a fresh `tracegraph serve` while /healthz is timed (section capture)',
    positiveInt,
    3,
  )
  .action(async (opts: BenchFlags) => (await import('./commands/bench.ts')).bench(opts));

program
  .command('serve')
  .description(
    'serve the GraphQL API (POST /graphql, GraphiQL on GET /graphql unless NODE_ENV=production, WebSocket and SSE ' +
      'subscriptions), EPCIS 2.0 REST (POST /epcis/capture, GET /epcis/events), GET /healthz and GET /metrics; ' +
      'requests need `Authorization: Bearer <api key>` (tracegraph user add; TRACEGRAPH_DEV_KEY sets an admin key for development)',
  )
  .addOption(new Option('--port <port>', 'TCP port (0 picks a free one)').default(4000).argParser(portNumber))
  // Loopback by default: listening on a network is a deliberate --host.
  .addOption(new Option('--host <host>', 'address to listen on').default('127.0.0.1'))
  .addOption(dataOption())
  .action(async (opts: { port: number; host: string; data?: string }) => (await import('./commands/serve.ts')).serve(opts));

program
  .command('replay')
  .description('rebuild the graph from the event log (<data>/log); events already in the graph are skipped')
  .addOption(dataOption())
  .addOption(jsonOption())
  .addHelpText(
    'after',
    '\nBeside the demo (which applies the log itself) there is nothing to do; beside `serve`, exit 3\nwith how to replay a copy of the log into another data directory.',
  )
  .action(async (opts: DataFlags) => (await import('./commands/replay.ts')).replay(opts));

program
  .command('deadletters')
  .description('list the messages and events the ingest pipeline rejected, with the reason')
  .addOption(dataOption())
  .addOption(jsonOption())
  .action(async (opts: DataFlags) => (await import('./commands/deadletters.ts')).deadletters(opts));

const user = program.command('user').description('manage API users: add (prints a key), list, revoke');
user
  .command('add')
  .description('add a user with a role and print its API key (shown once; works at once, also while `serve` runs)')
  .requiredOption('--name <name>', 'user name (letters, digits, . _ @ -)')
  .addOption(new Option('--role <role>', 'role').choices([...ROLES]).makeOptionMandatory())
  .option('--password <password>', 'a password for signatures and login (visible in the process list: prefer --password-stdin)')
  .option('--password-stdin', 'read the password from the first line of stdin')
  .addOption(dataOption())
  .addOption(jsonOption())
  .addHelpText(
    'after',
    `
Roles: ${ROLES.join(', ')} (README has the matrix of what each may do).
Without a password the user can call the API with its key but cannot sign (release holds,
approve recalls, change specs, sign reports).

Example:
  printf '%s\\n' "$PW" | tracegraph user add --name alice --role quality --password-stdin`,
  )
  .action(async (opts: DataFlags & { name: string; role: string; password?: string; passwordStdin?: boolean }) =>
    (await import('./commands/user.ts')).userAdd(opts),
  );
user
  .command('list')
  .description('list users: name, role, key label, whether they can sign, when added and revoked')
  .addOption(dataOption())
  .addOption(jsonOption())
  .action(async (opts: DataFlags) => (await import('./commands/user.ts')).userList(opts));
user
  .command('revoke')
  .description('revoke a user: its key and login tokens stop working at the next request')
  .requiredOption('--name <name>', 'user name')
  .addOption(dataOption())
  .addOption(jsonOption())
  .action(async (opts: DataFlags & { name: string }) => (await import('./commands/user.ts')).userRevoke(opts));

program
  .command('audit')
  .description('the audit trail: verify its hash chain')
  .command('verify')
  .description('check every entry of the audit trail against the one before it; name the first that breaks the chain')
  .addOption(dataOption())
  .addOption(jsonOption())
  .addHelpText(
    'after',
    `
Prints "ok: N entries" and the hash of the last one (keep it elsewhere: removing entries from
the end leaves a shorter, valid chain), or the first broken entry with the reason, exit status 1.
With --json: {"ok":true,"entries":N,"lastHash":"..."} or {"ok":false,"entries":N,"brokenAt":{"seq":S,"line":L,"reason":"..."}}.`,
  )
  .action(async (opts: DataFlags) => (await import('./commands/audit.ts')).auditVerify(opts));

// Its subcommands load pdfkit and the store only when they run.
program.addCommand(reportCommand());

let debug = false;
try {
  // Validated before any command runs: a bad file or variable is one line, whatever the command.
  const config = loadConfig();
  debug = config.debug;
  setProfiling(config.profile);
  setProgressBars(!config.noProgress);
  await program.parseAsync(process.argv);
} catch (e) {
  // Commander has already printed the help, the version or the usage error.
  if (e instanceof CommanderError) process.exitCode = e.exitCode;
  else {
    const msg = isTracegraphError(e) ? e.message : e instanceof Error ? e.message : String(e);
    process.stderr.write(`tracegraph: ${msg}\n`);
    if (debug && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    process.exitCode = e instanceof HeldByServer ? e.exitStatus : 1;
  }
}
// Exit once the output is out, rather than letting native destructors race Node's shutdown (Kuzu
// 0.11 can crash there after a clean close; see kuzu#5545).
await exitAfterOutput(typeof process.exitCode === 'number' ? process.exitCode : 0);
