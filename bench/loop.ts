/**
 * `tracegraph bench --sections loop`: the quality loop's latencies on a real Mosquitto and the
 * embedded store, in one process (one clock).
 *
 * With `units`, the store first holds the synthetic plant of that many units (the traces section's
 * generator), so that writes and lookups run against a store of that size.
 *
 * Alarms: a station publishes readings of one parameter (QoS 1) alternately outside and inside its
 * spec, so every second reading raises an alarm and the next clears it, over a background of
 * in-spec readings of other equipment. Timed from the publish to `alarmRaised` on the live bus and
 * to the alarm's message on `tracegraph/v1/<site>/<line>/alarms`, p50 and p99, for three ways of
 * working: judged when durable in the event log and announced at once (the default), judged when
 * durable but announced once the graph has it (`announce: 'stored'`, for workers sharing topics),
 * and judged after the graph commit (`onCommitted` only).
 *
 * Interlock: 2,000 boards with operations, inspections and a few holds; N stations at once, each
 * asking one question after another, over HTTP (POST /interlock) and over MQTT 5
 * request/response, with the item's progress read from the store's in-memory indexes (the default)
 * and, for comparison, by Cypher queries on the store's connection. p50 and p99 per request.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { createApiServer } from '../api/server.ts';
import { loopServices } from '../domain/loop/services.ts';
import { openPlant } from './plant.ts';
import { Interlock } from '../domain/loop/interlock.ts';
import { CanonicalEvent } from '../core/events.ts';
import { KuzuStore } from '../cypher/kuzu/adapter.ts';
import { AuditTrail } from '../domain/audit/trail.ts';
import { UserStore } from '../domain/auth/users.ts';
import { createLiveBus, liveMonitorHooks, type Alarm } from '../domain/live/bus.ts';
import { seedQualityConfig } from '../domain/loop/config.ts';
import { Monitor } from '../ingest/monitor/monitor.ts';
import { startAlarmPublisher } from '../ingest/mqtt/alarm-publisher.ts';
import { startInterlockResponder } from '../ingest/mqtt/interlock-responder.ts';
import { startMqttWorker } from '../ingest/mqtt/worker.ts';
import { allCommitted, Pipeline } from '../ingest/pipeline/pipeline.ts';
import { Broker } from './mosquitto.ts';
import { withoutNagle } from '../ingest/mqtt/no-delay.ts';
import { percentiles, type Percentiles } from './stats.ts';

export interface LoopBenchOptions {
  /** Alarms raised per figure (as many clears between them). */
  alarms: number;
  /** Background readings per second of other equipment while alarms are timed. */
  backgroundPerSecond: number;
  /** Concurrent stations asking the interlock. */
  stations: number;
  /** Interlock requests per station. */
  requestsPerStation: number;
  /** Units of the synthetic plant loaded into the store first (0: none). */
  units?: number;
  /** Where loaded plants are kept between runs (bench/plant.ts). */
  plantCache?: string;
  /** Interlock: the paced run's interval per station (default 1000 ms); a back-to-back run comes first. */
  paceMs?: number;
  /** Only one half (for a quick look); default both. */
  only?: 'alarms' | 'interlock';
}

export type AlarmVariant = 'judged' | 'stored' | 'committed';

export interface LoopBenchResult {
  units: number;
  alarms: { variant: AlarmVariant; toLog: Percentiles; toBus: Percentiles; toMqtt: Percentiles }[];
  interlock: {
    via: 'http' | 'mqtt';
    progress: 'memory' | 'cypher';
    /** 0: each station asks back to back; else once every paceMs. */
    paceMs: number;
    stations: number;
    perSecond: number;
    denied: number;
    latency: Percentiles;
  }[];
  /** Seconds to load the interlock's in-memory indexes (first question). */
  warmSeconds: number;
}

function log(line: string) {
  process.stderr.write(line + '\n');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function benchAlarms(work: string, store: KuzuStore, judged: AlarmVariant, o: LoopBenchOptions) {
  const dir = join(work, `alarms-${judged}`);
  const broker = await Broker.start({ dir: join(dir, 'broker') });
  const oven = `OVEN-${judged}`;
  const live = createLiveBus();
  const closers: (() => Promise<unknown>)[] = [];
  const sent = new Map<string, number>();
  const toLog: number[] = [];
  try {
    await store.saveSpec({
      parameter: 'zone3_temp',
      equipmentId: oven,
      recipeId: null,
      lsl: 215,
      usl: 225,
      target: 220,
      uom: 'Cel',
      changedBy: 'bench',
      changedAt: new Date().toISOString(),
      reason: 'bench',
    });
    const monitor = await Monitor.start({
      store,
      ...liveMonitorHooks(live),
      tickMs: 0,
      warn: log,
      announce: judged === 'judged' ? 'judged' : 'stored',
    });
    closers.push(() => monitor.close());
    const pipeline = new Pipeline({
      dataDir: join(dir, 'log'),
      store,
      warn: log,
      onDurable: (events) => {
        const now = performance.now();
        for (const e of events) {
          const t = sent.get(e.eventId);
          if (t !== undefined) toLog.push(now - t);
        }
        if (judged !== 'committed') monitor.onDurable(events);
      },
      onCommitted: allCommitted(monitor.onCommitted),
    });
    await pipeline.start();
    closers.push(() => pipeline.close());
    const worker = await startMqttWorker({ url: broker.url, pipeline, clientId: `bench-loop-${judged}`, warn: log });
    closers.push(() => worker.close());
    const publisher = await startAlarmPublisher({ url: broker.url, site: 'site1', bus: live, lineOf: () => 'line1', warn: log });
    closers.push(() => publisher.close());

    const toBus: number[] = [];
    const toMqtt: number[] = [];
    const raised = live.subscribe('alarmRaised');
    void (async () => {
      for await (const a of raised as AsyncIterable<Alarm>) {
        const t = sent.get(a.readingEventId);
        if (t !== undefined) toBus.push(performance.now() - t);
      }
    })();
    closers.push(async () => raised.return?.());
    const watcher = withoutNagle(await mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: `bench-board-${judged}` }));
    closers.push(() => watcher.endAsync());
    watcher.on('message', (_t, payload) => {
      const m = JSON.parse(payload.toString()) as { transition: string; alarm: Alarm };
      const t = sent.get(m.alarm.readingEventId);
      if (m.transition === 'raised' && t !== undefined) toMqtt.push(performance.now() - t);
    });
    await watcher.subscribeAsync('tracegraph/v1/site1/line1/alarms', { qos: 1 });
    const station = withoutNagle(await mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: `bench-oven-${judged}` }));
    closers.push(() => station.endAsync());

    let stop = false;
    const background = (async () => {
      let n = 0;
      const every = 1000 / Math.max(o.backgroundPerSecond, 1);
      while (!stop && o.backgroundPerSecond > 0) {
        const e = {
          kind: 'reading',
          eventId: `bg-${judged}-${++n}`,
          eventTime: new Date().toISOString(),
          equipmentId: `OVEN-${n % 20}`,
          parameter: 'zone1_temp',
          value: 150 + (n % 7) / 10,
        };
        await station.publishAsync('tracegraph/v1/site1/line1/OVEN-BG/reading', JSON.stringify(e), { qos: 1 });
        await sleep(every);
      }
    })();
    // A warm-up pair, untimed, then the timed ones.
    for (let i = 0; i <= o.alarms; i++) {
      for (const value of [229, 221]) {
        const id = `rd-${judged}-${i}-${value}`;
        const e = CanonicalEvent.parse({
          kind: 'reading',
          eventId: id,
          eventTime: new Date().toISOString(),
          equipmentId: oven,
          parameter: 'zone3_temp',
          value,
          uom: 'Cel',
        });
        if (i > 0 && value === 229) sent.set(id, performance.now());
        await station.publishAsync(`tracegraph/v1/site1/line1/${oven}/reading`, JSON.stringify(e), { qos: 1 });
        await sleep(40);
      }
    }
    for (let i = 0; (toBus.length < o.alarms || toMqtt.length < o.alarms) && i < 200; i++) await sleep(50);
    stop = true;
    await background;
    log(`bench loop: ${toBus.length} alarms timed (${judged})`);
    return { variant: judged, toLog: percentiles(toLog), toBus: percentiles(toBus), toMqtt: percentiles(toMqtt) };
  } finally {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    await broker.stop();
  }
}

/**
 * POST with node:http (fetch's pool in the same process as the server left some requests waiting
 * seconds). A kept-alive socket the server closed just as it was reused is retried once, as Node's
 * documentation advises (`reusedSocket`).
 */
function post(
  agent: http.Agent,
  url: string,
  key: string,
  body: string,
  retry = true,
): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${key}`,
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (retry && req.reusedSocket && e.code === 'ECONNRESET') resolve(post(agent, url, key, body, false));
      else reject(e);
    });
    req.end(body);
  });
}

const board = (n: number) => `urn:epc:id:sgtin:4012345.022222.${n}`;

async function benchInterlock(
  work: string,
  store: KuzuStore,
  o: LoopBenchOptions,
): Promise<Pick<LoopBenchResult, 'interlock' | 'warmSeconds'>> {
  const dir = join(work, 'interlock');
  const broker = await Broker.start({ dir: join(dir, 'broker') });
  const closers: (() => Promise<unknown>)[] = [];
  try {
    const boards = 2000;
    const t0 = Date.now() - 3_600_000;
    const at = (s: number) => new Date(t0 + s * 1000).toISOString();
    const events = [];
    for (let n = 0; n < boards; n++) {
      for (const [k, step] of ['print', 'reflow'].entries())
        events.push({
          kind: 'operation',
          eventId: `${step}-${n}`,
          eventTime: at(n + k),
          operationId: `${step}:${n}`,
          step,
          station: step,
          equipmentId: step.toUpperCase(),
          inputs: [{ id: board(n) }],
          outputs: [],
        });
      events.push({
        kind: 'inspection',
        eventId: `aoi-${n}`,
        eventTime: at(n + 2),
        id: board(n),
        result: n % 17 === 0 ? 'fail' : 'pass',
      });
    }
    // Maintained an hour ago: most answers allow; held boards and failed inspections are refused.
    events.push({
      kind: 'maintenance',
      eventId: 'pm-assy',
      eventTime: at(0),
      equipmentId: 'ASSY-1',
      type: 'maintenance',
      startTime: at(0),
      endTime: at(60),
    });
    await store.applyEvents(events.map((e) => CanonicalEvent.parse(e)));
    for (let h = 0; h < 20; h++)
      await store.placeHold({ id: `H-B-${h}`, items: [board(h * 97)], reason: 'bench', by: 'bench', at: at(0) });
    const audit = new AuditTrail(dir);
    const loop = loopServices(store, audit, dir);
    await seedQualityConfig(
      { config: loop.config, audit },
      {
        routings: [
          {
            product: '4012345.022222',
            steps: [{ step: 'print' }, { step: 'reflow' }, { step: 'aoi', inspection: true }, { step: 'final-assembly' }],
          },
        ],
        stations: [{ id: 'ASSY', step: 'final-assembly', equipmentId: 'ASSY-1' }],
        equipment: [{ id: 'ASSY-1', maintenanceIntervalDays: 30 }],
      },
      'bench',
    );
    const key = await new UserStore(dir, audit).add({ name: 'station', role: 'operator', by: 'bench' });
    // The same check with the item's progress read by Cypher queries on the store's one connection.
    const cypher = {
      config: loop.config,
      interlock: new Interlock({
        store: { itemProgress: (id) => store.itemProgressInCypher(id), qualityFacts: (a, b) => store.qualityFacts(a, b) },
        audit,
        config: () => loop.config.current().config,
      }),
    };
    const warm = performance.now();
    await loop.interlock.check({ item: board(0), step: 'final-assembly', station: 'ASSY' });
    await cypher.interlock.check({ item: board(0), step: 'final-assembly', station: 'ASSY' });
    const warmSeconds = (performance.now() - warm) / 1000;
    log(`bench loop: interlock indexes loaded in ${warmSeconds.toFixed(1)} s`);
    const out: LoopBenchResult['interlock'] = [];

    let denied = 0;
    /** Each station asks back to back (pace 0: the most the server answers), or once every `pace` ms. */
    const run = async (
      via: 'http' | 'mqtt',
      progress: 'memory' | 'cypher',
      ask: (station: number, i: number) => Promise<void>,
    ) => {
      for (const pace of [0, o.paceMs ?? 1000]) {
        const times: number[] = [];
        denied = 0;
        const start = performance.now();
        await Promise.all(
          Array.from({ length: o.stations }, async (_, s) => {
            // Paced stations start spread over one interval, as stations on a line do.
            if (pace) await sleep((pace * s) / o.stations);
            for (let i = 0; i < o.requestsPerStation; i++) {
              const t = performance.now();
              await ask(s, i);
              const took = performance.now() - t;
              times.push(took);
              if (pace) await sleep(Math.max(0, pace - took));
            }
          }),
        );
        const seconds = (performance.now() - start) / 1000;
        out.push({
          via,
          progress,
          paceMs: pace,
          stations: o.stations,
          perSecond: times.length / seconds,
          denied,
          latency: percentiles(times),
        });
        log(
          `bench loop: interlock over ${via} (${progress}, ${pace ? `every ${pace} ms` : 'back to back'}): ${times.length} requests from ${o.stations} stations in ${seconds.toFixed(1)} s, ${denied} denied`,
        );
      }
    };
    const body = (s: number, i: number) =>
      JSON.stringify({ item: board((s * 131 + i * 7) % boards), step: 'final-assembly', station: 'ASSY', operator: `OP-${s}` });

    for (const progress of ['memory', 'cypher'] as const) {
      const api = await createApiServer({ store, port: 0, dataDir: dir, loop: progress === 'memory' ? loop : cypher });
      const url = api.url.replace(/\/graphql$/, '/interlock');
      // A station keeps its connection open (as a PLC's HTTP client does): one keep-alive socket each.
      const agent = new http.Agent({ keepAlive: true, maxSockets: o.stations });
      try {
        await run('http', progress, async (s, i) => {
          const res = await post(agent, url, key, body(s, i));
          if (res.status !== 200) throw new Error(`interlock answered ${res.status}`);
          if (!(JSON.parse(res.body) as { allow: boolean }).allow) denied++;
        });
      } finally {
        agent.destroy();
        await api.close();
      }
    }

    const clients: MqttClient[] = await Promise.all(
      Array.from({ length: o.stations }, (_, s) =>
        mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: `bench-station-${s}` }).then(withoutNagle),
      ),
    );
    closers.push(() => Promise.all(clients.map((c) => c.endAsync())));
    const waiting = new Map<string, () => void>();
    await Promise.all(
      clients.map(async (c, s) => {
        c.on('message', (_t, payload, packet) => {
          if (!(JSON.parse(payload.toString()) as { allow: boolean }).allow) denied++;
          waiting.get(packet.properties?.correlationData?.toString() ?? '')?.();
        });
        await c.subscribeAsync(`tracegraph/v1/site1/line1/S${s}/interlock/res`, { qos: 1 });
      }),
    );
    for (const progress of ['memory', 'cypher'] as const) {
      const responder = await startInterlockResponder({
        url: broker.url,
        check: (r) => (progress === 'memory' ? loop : cypher).interlock.check(r),
        warn: log,
      });
      try {
        await run('mqtt', progress, async (s, i) => {
          const corr = `${progress}:${s}:${i}`;
          const answered = new Promise<void>((resolve) => waiting.set(corr, resolve));
          await clients[s]!.publishAsync(`tracegraph/v1/site1/line1/S${s}/interlock/req`, body(s, i), {
            qos: 1,
            properties: { correlationData: Buffer.from(corr), responseTopic: `tracegraph/v1/site1/line1/S${s}/interlock/res` },
          });
          await answered;
          waiting.delete(corr);
        });
      } finally {
        await responder.close();
      }
    }
    return { interlock: out, warmSeconds };
  } finally {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    await broker.stop();
  }
}

export async function runLoopBench(o: LoopBenchOptions): Promise<LoopBenchResult> {
  const work = mkdtempSync(join(tmpdir(), 'tracegraph-bench-loop-'));
  const units = o.units ?? 0;
  try {
    const graph = join(work, 'graph');
    const store =
      units > 0
        ? (await openPlant(graph, { units, seed: 1 }, { cache: o.plantCache, name: 'bench loop' })).store
        : await KuzuStore.open({ dataDir: graph, bufferMb: 256 });
    try {
      const alarms = [];
      if (o.only !== 'interlock')
        for (const v of ['judged', 'stored', 'committed'] as const) alarms.push(await benchAlarms(work, store, v, o));
      const result =
        o.only === 'alarms'
          ? { units, alarms, interlock: [], warmSeconds: 0 }
          : { units, alarms, ...(await benchInterlock(work, store, o)) };
      process.stdout.write(`\n${reportLoop(result, o)}\n`);
      return result;
    } finally {
      await store.close();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const VARIANT: Record<AlarmVariant, string> = {
  judged: 'judged in the event log, announced at once',
  stored: 'judged in the event log, announced once stored',
  committed: 'judged once committed to the graph',
};

export function reportLoop(r: LoopBenchResult, o: LoopBenchOptions): string {
  const ms = (x: number) => (x < 10 ? x.toFixed(1) : x.toFixed(0));
  const p = (x: Percentiles) => `${ms(x.p50)} / ${ms(x.p99)}`;
  return [
    `Quality loop${r.units ? ` on a store holding the ${r.units.toLocaleString('en')}-unit plant` : ''}: MQTT reading -> alarm (${o.alarms} alarms, ${o.backgroundPerSecond} background readings/s; p50 / p99 ms)`,
    '',
    '| readings | -> in the event log | -> alarmRaised (bus) | -> alarm on MQTT |',
    '|---|---|---|---|',
    ...r.alarms.map((a) => `| ${VARIANT[a.variant]} | ${p(a.toLog)} | ${p(a.toBus)} | ${p(a.toMqtt)} |`),
    '',
    `(load average during the run: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} on ${cpus().length} cores)`,
    '',
    `Interlock: ${o.stations} stations at once, ${o.requestsPerStation} requests each (p50 / p99 ms; in-memory indexes loaded in ${r.warmSeconds.toFixed(1)} s)`,
    '',
    '| via | item progress from | each station asks | p50 / p99 (ms) | max (ms) | requests/s | denied |',
    '|---|---|---|---|---|---|---|',
    ...r.interlock.map(
      (i) =>
        `| ${i.via === 'http' ? 'POST /interlock' : 'MQTT 5 request/response'} | ${i.progress === 'memory' ? 'in-memory indexes' : 'Cypher queries'} | ${i.paceMs ? `every ${i.paceMs} ms` : 'back to back'} | ${p(i.latency)} | ${ms(i.latency.max)} | ${i.perSecond.toFixed(0)} | ${i.denied} |`,
    ),
  ].join('\n');
}
