/**
 * The live demo: the embedded graph, an in-process MQTT broker, the simulated plant (an OPC UA
 * PLC per line and MQTT stations), both ingest workers and the API, in one process. Everything
 * listens on loopback only.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { AuditTrail } from '../domain/audit/trail.ts';
import { createLiveBus, liveMonitorHooks, publishCommitted } from '../domain/live/bus.ts';
import { IngestMetrics } from '../ingest/pipeline/metrics.ts';
import { createApiServer, type ApiServer } from '../api/server.ts';
import { loadConfig } from '../core/config.ts';
import { TracegraphError } from '../core/errors.ts';
import { KuzuStore } from '../cypher/kuzu/adapter.ts';
import type { GraphStore, StoreStats } from '../cypher/port.ts';
import { startMqttWorker, type MqttWorker } from '../ingest/mqtt/worker.ts';
import { startOpcuaWorker, type OpcuaWorker } from '../ingest/opcua/worker.ts';
import { Monitor } from '../ingest/monitor/monitor.ts';
import { seedRoutingSpecs } from '../ingest/monitor/seed.ts';
import { allCommitted, Pipeline } from '../ingest/pipeline/pipeline.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from '../ingest/simulator/broker.ts';
import { startSimulatedPlant, type SimulatedPlant } from '../ingest/simulator/plant.ts';
import { defaultRouting } from '../ingest/simulator/routing.ts';

export interface DemoOptions {
  /** API port (0: a free one). */
  port: number;
  /** Broker port (0: a free one); with `mqttFallback` a busy port falls back to a free one. */
  mqttPort: number;
  mqttFallback?: boolean;
  dataDir: string;
  speed: number;
  /** Default: the `devKey` setting (TRACEGRAPH_DEV_KEY), else a random key. */
  devKey?: string;
  warn?: (message: string) => void;
}

export interface Demo {
  apiUrl: string;
  mqttUrl: string;
  opcuaEndpoints: string[];
  devKey: string;
  plant: SimulatedPlant;
  /** Checks committed readings against the specs (seeded from the plant's routing) and raises alarms. */
  monitor: Monitor;
  stats(): Promise<StoreStats>;
  /** Events accepted and dead-lettered so far (all sources). */
  counts(): { accepted: number; rejected: number };
  /** Stops the plant and the workers, writes what they logged to the graph, then closes everything. */
  close(): Promise<void>;
}

/** How long a stop waits for logged events to reach the graph (the rest is applied on the next start). */
const STOP_FLUSH_MS = 30_000;

export async function startDemo(o: DemoOptions): Promise<Demo> {
  const warn = o.warn ?? ((m) => process.stderr.write(`tracegraph demo: ${m}\n`));
  const devKey = o.devKey ?? loadConfig({ dataDir: o.dataDir }).devKey ?? `tg_dev_${randomBytes(18).toString('base64url')}`;
  const closers: (() => Promise<unknown>)[] = [];
  const closeAll = async () => {
    for (const c of closers.splice(0).reverse()) await c().catch((e: Error) => warn(`while stopping: ${e.message}`));
  };
  try {
    const store: GraphStore = await KuzuStore.open({ dataDir: o.dataDir });
    closers.push(() => store.close());
    // Its own registry (not the process's), so two demos in one process (tests) count apart.
    const metrics = new IngestMetrics();
    // Readings the pipeline commits reach `readings(equipmentId)` subscribers through this bus,
    // and the monitor, which raises alarms on it.
    const live = createLiveBus();
    const routing = defaultRouting();
    await seedRoutingSpecs(store, routing, new AuditTrail(o.dataDir));
    const monitor = await Monitor.start({ store, ...liveMonitorHooks(live), warn });
    closers.push(() => monitor.close());
    const pipeline = new Pipeline({
      dataDir: o.dataDir,
      store,
      warn,
      observer: metrics,
      onCommitted: allCommitted(publishCommitted(live), monitor.onCommitted),
    });
    const unwatch = metrics.watch(pipeline);
    closers.push(async () => unwatch());
    await pipeline.start();
    closers.push(async () => {
      const flushed = await Promise.race([
        pipeline.flush().then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), STOP_FLUSH_MS).unref()),
      ]);
      await pipeline.close();
      if (!flushed) warn('stopped with events still to write: they are in the event log and are applied on the next start');
    });
    let api: ApiServer;
    try {
      api = await createApiServer({ store, port: o.port, devKey, dataDir: o.dataDir, pipeline, metrics, live });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE')
        throw new TracegraphError('CONFIG', `port ${o.port} is in use: choose another --port (0 picks a free one)`);
      throw e;
    }
    closers.push(() => api.close());
    let broker: EmbeddedBroker;
    try {
      broker = await startEmbeddedBroker({ port: o.mqttPort, fallback: o.mqttFallback });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE')
        throw new TracegraphError('CONFIG', `MQTT port ${o.mqttPort} is in use: choose another --mqtt-port (0 picks a free one)`);
      throw e;
    }
    closers.push(() => broker.close());
    // aedes speaks MQTT 3.1.1: the worker keeps its session with clean: false under protocol 4.
    const mqtt: MqttWorker = await startMqttWorker({
      url: broker.url,
      pipeline,
      clientId: 'tracegraph-demo-ingest',
      protocolVersion: 4,
      warn,
    });
    const received = () => Object.values(pipeline.counters).reduce((n, c) => n + c.accepted + c.rejected, 0);
    closers.push(async () => {
      // The plant has stopped by now; let what the broker still holds for the worker arrive (the
      // embedded broker keeps nothing across a restart), then stop taking messages.
      for (let last = -1, i = 0; received() !== last && i < 20; i++) {
        last = received();
        await new Promise((r) => setTimeout(r, 250));
      }
      await mqtt.close();
    });
    const plant = await startSimulatedPlant({
      mqttUrl: broker.url,
      dir: join(o.dataDir, 'simulator'),
      speed: o.speed,
      routing,
      warn,
    });
    // Registered before the OPC UA worker so that it closes after it (closers run in reverse).
    closers.push(() => plant.close());
    const opcua: OpcuaWorker = startOpcuaWorker({ config: plant.opcuaConfig, pipeline, warn });
    closers.push(() => opcua.close());
    await opcua.ready;
    return {
      apiUrl: api.url,
      mqttUrl: broker.url,
      opcuaEndpoints: plant.opcuaEndpoints,
      devKey,
      plant,
      monitor,
      stats: () => store.stats(),
      counts: () =>
        Object.values(pipeline.counters).reduce(
          (t, c) => ({ accepted: t.accepted + c.accepted, rejected: t.rejected + c.rejected }),
          { accepted: 0, rejected: 0 },
        ),
      close: closeAll,
    };
  } catch (e) {
    await closeAll();
    throw e;
  }
}
