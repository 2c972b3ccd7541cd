import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMetricsServer } from '../../api/metrics.ts';
import { metrics } from '../../ingest/pipeline/metrics.ts';
import type { Config, MqttConfig } from '../../core/config.ts';
import { TracegraphError } from '../../core/errors.ts';
import { describeStore } from '../../cypher/open-store.ts';
import { startMqttWorkers, type MqttWorkers } from '../../ingest/mqtt/workers.ts';
import { loadOpcuaMapping } from '../../ingest/opcua/config.ts';
import { Monitor } from '../../ingest/monitor/monitor.ts';
import { Pipeline } from '../../ingest/pipeline/pipeline.ts';
import { loopServices } from '../../domain/loop/services.ts';
import { AuditTrail } from '../../domain/audit/trail.ts';
import { createLiveBus, liveMonitorHooks } from '../../domain/live/bus.ts';
import { lineOf } from '../../domain/loop/config.ts';
import { startAlarmPublisher } from '../../ingest/mqtt/alarm-publisher.ts';
import { startInterlockResponder } from '../../ingest/mqtt/interlock-responder.ts';
import { heldBy, shutdownSignal, withGraph } from '../common.ts';
import { HeldByServer, type RemoteServer } from '../remote.ts';
import type { GraphStore } from '../../cypher/port.ts';
import { out } from '../output.ts';

export interface IngestFlags {
  mqttUrl?: string;
  clientId?: string;
  group?: string;
  data?: string;
  opcuaConfig?: string;
  metricsPort?: number;
  metricsHost?: string;
  connections?: number;
}

/** How long a stop waits for logged events to reach the graph before leaving them to the next start. */
const STOP_FLUSH_MS = 30_000;

function tlsOf(m: MqttConfig) {
  const read = (f?: string) => (f ? readFileSync(f) : undefined);
  return m.caFile || m.certFile || m.keyFile ? { ca: read(m.caFile), cert: read(m.certFile), key: read(m.keyFile) } : undefined;
}

/** Runs the ingest workers until SIGINT or SIGTERM; resolves only after the pipeline has written what it logged. */
export async function ingest(opts: IngestFlags): Promise<void> {
  await withGraph(opts, (store, config) => run(store, config, opts), besideServer);
}

/** An ingest worker writes the graph, so it cannot share an embedded one: say where events go instead. */
async function besideServer(server: RemoteServer, config: Config): Promise<never> {
  await server.ping();
  throw new HeldByServer(
    `${heldBy(server, config)}, and an ingest worker writes the graph from its own process. ` +
      (server.appliesEventLog
        ? 'That server ingests itself (the demo): publish to its MQTT broker, or send EPCIS documents with `tracegraph import epcis FILE`'
        : 'Beside it, events go in over its EPCIS capture (`tracegraph import epcis FILE`, POST /epcis/capture); ' +
          'a worker for MQTT and OPC UA runs on a data directory of its own, or with Neo4j, which workers and servers share'),
  );
}

async function run(store: GraphStore, config: Config, opts: IngestFlags): Promise<void> {
  const mqtt = config.mqtt;
  if (!mqtt && !config.opcua)
    throw new TracegraphError(
      'CONFIG',
      'no broker: give --mqtt-url mqtt://HOST:PORT or set TRACEGRAPH_MQTT_URL (for OPC UA alone: --opcua-config FILE or TRACEGRAPH_OPCUA_CONFIG)',
    );
  // Validated before anything starts, so a typo in the mapping is one message, not a half-started worker.
  const mapping = config.opcua ? loadOpcuaMapping(config.opcua.mappingFile) : undefined;
  const stop = shutdownSignal();
  // Alarms go to the graph (the `alarms` query of a `serve` on the same store lists them) and,
  // with a broker, to MQTT; this process has no API: specs changed elsewhere are reloaded within a minute.
  const audit = new AuditTrail(config.dataDir);
  const loop = loopServices(store, audit, config.dataDir);
  const quality = () => loop.config.current().config;
  const live = createLiveBus();
  // Workers sharing the topics (a group) see different readings of one excursion: announcing only
  // what the store took keeps one alarm across them; alone, an alarm is announced as it is judged.
  const announce = (opts.group ?? mqtt?.group) ? 'stored' : 'judged';
  const monitor = await Monitor.start({ store, ...liveMonitorHooks(live), config: quality, audit, announce });
  const pipeline = new Pipeline({
    dataDir: config.dataDir,
    store,
    observer: metrics,
    onDurable: monitor.onDurable,
    onCommitted: monitor.onCommitted,
  });
  const unwatch = metrics.watch(pipeline);
  const { reapplied } = await pipeline.start();
  const metricsPort = opts.metricsPort ?? config.metrics.port;
  const metricsServer =
    metricsPort === undefined
      ? undefined
      : await startMetricsServer({ port: metricsPort, host: opts.metricsHost ?? config.metrics.host });
  if (metricsServer) process.stderr.write(`metrics at ${metricsServer.url}\n`);
  if (reapplied) process.stderr.write(`re-applied ${reapplied} logged event(s) the graph did not have yet\n`);
  let opcua: { ready: Promise<void>; close(): Promise<void> } | undefined;
  if (mapping) {
    // Loaded only when asked for: node-opcua takes seconds to import.
    const { startOpcuaWorker } = await import('../../ingest/opcua/worker.ts');
    opcua = startOpcuaWorker({ config: mapping, pipeline, pkiDir: join(config.dataDir, 'pki') });
    const urls = mapping.endpoints.map((e) => e.url).join(', ');
    void out(`ingesting from OPC UA ${urls} into ${describeStore(config)}\n`);
  }
  let worker: MqttWorkers | undefined;
  const loopClosers: (() => Promise<void>)[] = [];
  if (mqtt) {
    process.stderr.write(`connecting to ${mqtt.url} ...\n`);
    worker = await Promise.race([
      startMqttWorkers({
        url: mqtt.url,
        pipeline,
        clientId: opts.clientId ?? mqtt.clientId,
        group: opts.group ?? mqtt.group,
        username: mqtt.username,
        password: mqtt.password,
        tls: tlsOf(mqtt),
        maxMessageBytes: mqtt.maxMessageBytes,
        connections: opts.connections ?? mqtt.connections,
        stateFile: join(config.dataDir, 'mqtt-sessions.json'),
      }),
      stop.then(() => undefined),
    ]);
    if (worker) void out(`ingesting from ${mqtt.url} into ${describeStore(config)}\n`);
    if (worker) {
      const auth = { username: mqtt.username, password: mqtt.password };
      const id = opts.clientId ?? mqtt.clientId;
      const alarms = await startAlarmPublisher({
        url: mqtt.url,
        site: quality().site,
        bus: live,
        lineOf: (e) => lineOf(quality(), e),
        store,
        clientId: `${id}-alarms`,
        ...auth,
      });
      const responder = await startInterlockResponder({
        url: mqtt.url,
        check: (req) => loop.interlock.check(req),
        clientId: `${id}-interlock`,
        group: opts.group ?? mqtt.group,
        ...auth,
      });
      loopClosers.push(
        () => alarms.close(),
        () => responder.close(),
        () => loop.interlock.idle(),
      );
    }
  }
  // A server that is down is retried for ever; one that refuses us (credentials, security) stops the command.
  const never = new Promise<never>(() => undefined);
  const refused = opcua
    ? opcua.ready.then(
        () => never,
        (e: Error) => e,
      )
    : never;
  const ended = await Promise.race([stop, refused]);
  await worker?.close();
  await opcua?.close();
  const flushed = await Promise.race([
    pipeline.flush().then(() => true),
    new Promise<boolean>((r) => setTimeout(() => r(false), STOP_FLUSH_MS)),
  ]);
  await pipeline.close();
  await monitor.close();
  for (const c of loopClosers) await c().catch(() => undefined);
  unwatch();
  await metricsServer?.close();
  if (!flushed)
    process.stderr.write('stopped with events still to write: they are in the event log and are applied on the next start\n');
  if (ended instanceof Error) throw new TracegraphError('CONFIG', `OPC UA: ${ended.message.split('\n')[0]}`);
}
