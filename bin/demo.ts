/**
 * The live demo: the embedded graph, an in-process MQTT broker, the simulated plant (an OPC UA
 * PLC per line and MQTT stations), both ingest workers and the API, in one process. Everything
 * listens on loopback only.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuditTrail } from '../domain/audit/trail.ts';
import { createLiveBus, liveMonitorHooks, publishCommitted, type LiveBus } from '../domain/live/bus.ts';
import { IngestMetrics } from '../ingest/pipeline/metrics.ts';
import { createApiServer, type ApiServer } from '../api/server.ts';
import { loadConfig } from '../core/config.ts';
import { TracegraphError } from '../core/errors.ts';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../core/private-files.ts';
import { KuzuStore } from '../cypher/kuzu/adapter.ts';
import type { GraphStore, HoldRecord, StoreStats } from '../cypher/port.ts';
import { startMqttWorker, type MqttWorker } from '../ingest/mqtt/worker.ts';
import { startOpcuaWorker, type OpcuaWorker } from '../ingest/opcua/worker.ts';
import { Monitor } from '../ingest/monitor/monitor.ts';
import { demoQualityConfig, seedDemoControlLimits, seedRoutingSpecs } from '../ingest/monitor/seed.ts';
import { loopServices } from '../domain/loop/services.ts';
import { dueKindOf } from '../domain/loop/equipment.ts';
import { seedQualityConfig, lineOf, type QualityConfig } from '../domain/loop/config.ts';
import { startAlarmPublisher } from '../ingest/mqtt/alarm-publisher.ts';
import { startInterlockResponder } from '../ingest/mqtt/interlock-responder.ts';
import mqtt from 'mqtt';
import { allCommitted, Pipeline, type CommittedHook } from '../ingest/pipeline/pipeline.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from '../ingest/simulator/broker.ts';
import { startSimulatedPlant, type SimulatedPlant } from '../ingest/simulator/plant.ts';
import { defaultRouting } from '../ingest/simulator/routing.ts';
import { withoutNagle } from '../ingest/mqtt/no-delay.ts';

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
  /** Told what the quality loop does (alarms, holds, the AOI interlock), one line each. */
  onLoop?: (line: string) => void;
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

/**
 * Tells the person watching the demo what the loop does: alarms raised, escalated and cleared,
 * holds placed and grown; and, for the first board an alarm holds, asks the AOI station's interlock
 * over MQTT (as the AOI scanner would) and reports the answer.
 */
async function narrateLoop(live: LiveBus, url: string, site: string, say: (line: string) => void): Promise<() => Promise<void>> {
  const station = withoutNagle(await mqtt.connectAsync(url, { protocolVersion: 4, clientId: 'tracegraph-demo-aoi-station' }));
  const res = `tracegraph/v1/${site}/line1/line1-AOI/interlock/res`;
  await station.subscribeAsync(res, { qos: 1 });
  station.on('message', (_t, payload) => {
    const a = JSON.parse(payload.toString()) as {
      allow: boolean;
      reasons: { code: string; message: string }[];
      correlationId?: string;
    };
    say(
      `AOI interlock for ${a.correlationId}: ${a.allow ? 'allowed' : `DENIED (${a.reasons.map((r) => `${r.code}: ${r.message}`).join('; ')})`}`,
    );
  });
  const asked = new Set<string>();
  const subs = [
    live.subscribe('alarmRaised'),
    live.subscribe('alarmChanged'),
    live.subscribe('alarmCleared'),
    live.subscribe('holdChanged'),
  ] as const;
  // A hold grows with every board made from held material: one line per hold and status, then at
  // most one every HOLD_LINE_MS with its latest size, so the console stays readable.
  const holdLines = new Map<string, { status: string; at: number; timer?: NodeJS.Timeout }>();
  const sayHold = (h: HoldRecord) => {
    const line = () => say(`HOLD ${h.id} ${h.status}: ${h.items.length} item(s), ${h.reason}`);
    const last = holdLines.get(h.id);
    const now = Date.now();
    clearTimeout(last?.timer);
    if (!last || last.status !== h.status || now - last.at >= HOLD_LINE_MS) {
      line();
      holdLines.set(h.id, { status: h.status, at: now });
    } else {
      last.timer = setTimeout(
        () => {
          line();
          holdLines.set(h.id, { status: h.status, at: Date.now() });
        },
        HOLD_LINE_MS - (now - last.at),
      ).unref();
    }
  };
  const loops = [
    (async () => {
      for await (const a of subs[0]) say(`ALARM ${a.severity} ${a.rule} ${a.id}: ${a.message}`);
    })(),
    (async () => {
      for await (const a of subs[1]) if (a.escalatedAt) say(`ESCALATED ${a.id}: unacknowledged since ${a.raisedAt}`);
    })(),
    (async () => {
      for await (const a of subs[2])
        // A due-date alarm is cleared by a record, not by a reading: it has no value to show.
        say(
          a.rule === 'calibration' || a.rule === 'maintenance'
            ? `cleared ${a.id} (${a.equipmentId} ${a.rule} recorded)`
            : `cleared ${a.id} (${a.rule} ${a.parameter} on ${a.equipmentId}) at ${a.clearValue}`,
        );
    })(),
    (async () => {
      for await (const h of subs[3]) {
        sayHold(h);
        const board = h.items.find((i) => i.includes('.022222.'));
        if (h.status === 'active' && board && !asked.has(h.id)) {
          asked.add(h.id);
          await station.publishAsync(
            `tracegraph/v1/${site}/line1/line1-AOI/interlock/req`,
            JSON.stringify({ item: board, step: 'aoi', station: 'line1-AOI', correlationId: board }),
            { qos: 1 },
          );
        }
      }
    })(),
  ];
  return async () => {
    for (const { timer } of holdLines.values()) clearTimeout(timer);
    for (const s of subs) await s.return?.();
    await Promise.allSettled(loops);
    await station.endAsync();
  };
}

/**
 * The records the monitor's due dates look for (each equipment's calibration and maintenance with
 * an interval): `recorded` resolves once every one has been committed. Judged before the simulated
 * plant's opening records are in, every start raised "no calibration on record" alarms that cleared
 * seconds later.
 */
function awaitDueRecords(config: QualityConfig): { onCommitted: CommittedHook; recorded: Promise<void> } {
  const missing = new Set<string>();
  for (const e of config.equipment) {
    if (e.calibrationIntervalDays) missing.add(`${e.id}\u0000calibration`);
    if (e.maintenanceIntervalDays) missing.add(`${e.id}\u0000maintenance`);
  }
  let done!: () => void;
  const recorded = new Promise<void>((r) => (done = r));
  if (!missing.size) done();
  return {
    recorded,
    onCommitted(events) {
      if (!missing.size) return;
      for (const e of events) if (e.kind === 'maintenance') missing.delete(`${e.equipmentId}\u0000${dueKindOf(e.type)}`);
      if (!missing.size) done();
    },
  };
}

/** The due-date clock starts after this long even if some opening record never came. */
const OPENING_WAIT_MS = 30_000;

/**
 * The demo's development key, made on the first start and kept owner-only in `<data>/demo-dev-key`,
 * so that a key a user exported still works after a restart.
 */
export function keptDevKey(dataDir: string): string {
  const file = join(dataDir, DEV_KEY_FILE);
  const kept = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  if (/^tg_dev_[\w-]{24,}$/.test(kept)) return kept;
  const key = `tg_dev_${randomBytes(18).toString('base64url')}`;
  makePrivateDir(dataDir);
  writeFileSync(file, key + '\n', { mode: PRIVATE_FILE_MODE });
  chmodSync(file, PRIVATE_FILE_MODE); // a file that was there keeps its mode through writeFileSync
  return key;
}

const DEV_KEY_FILE = 'demo-dev-key';

/** The demo's console shows a growing hold at most this often. */
const HOLD_LINE_MS = 10_000;

/** How long a stop waits for logged events to reach the graph (the rest is applied on the next start). */
const STOP_FLUSH_MS = 30_000;

export async function startDemo(o: DemoOptions): Promise<Demo> {
  const warn = o.warn ?? ((m) => process.stderr.write(`tracegraph demo: ${m}\n`));
  const settings = loadConfig({ dataDir: o.dataDir });
  const devKey = o.devKey ?? settings.devKey ?? keptDevKey(o.dataDir);
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
    const audit = new AuditTrail(o.dataDir);
    await seedRoutingSpecs(store, routing, audit);
    const loop = loopServices(store, audit, o.dataDir);
    closers.push(() => loop.interlock.idle());
    await seedQualityConfig({ config: loop.config, audit }, demoQualityConfig(routing), 'demo start: the simulated plant');
    await seedDemoControlLimits(store, routing, audit);
    const config = () => loop.config.current().config;
    // Due dates are judged once the plant's opening calibration and maintenance are in the graph.
    const monitor = await Monitor.start({ store, ...liveMonitorHooks(live), config, audit, warn, tickMs: 0 });
    closers.push(() => monitor.close());
    const opening = awaitDueRecords(config());
    const pipeline = new Pipeline({
      dataDir: o.dataDir,
      store,
      warn,
      observer: metrics,
      // Readings are judged as soon as they are in the event log; holds follow committed operations.
      onDurable: monitor.onDurable,
      onCommitted: allCommitted(publishCommitted(live), monitor.onCommitted, opening.onCommitted),
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
      api = await createApiServer({
        store,
        port: o.port,
        devKey,
        dataDir: o.dataDir,
        pipeline,
        metrics,
        live,
        loop,
        // The CLI on this machine asks the demo while it holds the graph (api/local-access.ts).
        publishLocalAccess: true,
        reportSigning: settings.reportSigning,
        alarmWrites: monitor,
      });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE')
        throw new TracegraphError('CONFIG', `port ${o.port} is in use: choose another --port (0 picks a free one)`);
      throw e;
    }
    closers.push(() => api.close());
    // The first genealogy should not wait while the store reads its memory.
    const warming = store.warmUp().catch((e: Error) => warn(`reading the store into memory failed: ${e.message}`));
    closers.push(() => warming);
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
    // The loop on MQTT: alarms with retained state per equipment and parameter, the interlock as
    // request/response (aedes speaks 3.1.1: correlationId in the payload).
    const alarms = await startAlarmPublisher({
      url: broker.url,
      site: config().site,
      bus: live,
      lineOf: (e) => lineOf(config(), e),
      store,
      protocolVersion: 4,
      clientId: 'tracegraph-demo-alarms',
      warn,
    });
    closers.push(() => alarms.close());
    const responder = await startInterlockResponder({
      url: broker.url,
      check: (req) => loop.interlock.check(req),
      protocolVersion: 4,
      clientId: 'tracegraph-demo-interlock',
      warn,
    });
    closers.push(() => responder.close());
    if (o.onLoop) closers.push(await narrateLoop(live, broker.url, routing.site, o.onLoop));
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
    void Promise.race([opening.recorded, new Promise((r) => setTimeout(r, OPENING_WAIT_MS).unref())]).then(() =>
      monitor.startClock(),
    );
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
