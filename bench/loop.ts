/**
 * `tracegraph bench --sections loop`: the quality loop's latencies on a real Mosquitto and the
 * embedded store, in one process (one clock).
 *
 * Alarms: a station publishes readings of one parameter (QoS 1) alternately outside and inside its
 * spec, so every second reading raises an alarm and the next clears it, over a background of
 * in-spec readings of other equipment. Timed from the publish to `alarmRaised` on the live bus and
 * to the alarm's message on `tracegraph/v1/<site>/<line>/alarms`, p50 and p99, with readings judged
 * when durable in the event log (the monitor's `onDurable`) and, for comparison, after the graph
 * commit (`onCommitted` only).
 *
 * Interlock: a plant of boards with operations, inspections and a few holds; N stations at once,
 * each asking one question after another, over HTTP (POST /interlock) and over MQTT 5
 * request/response. p50 and p99 per request.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { createApiServer } from '../api/server.ts';
import { loopServices } from '../domain/loop/services.ts';
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

export interface LoopBenchOptions {
  /** Alarms raised per figure (as many clears between them). */
  alarms: number;
  /** Background readings per second of other equipment while alarms are timed. */
  backgroundPerSecond: number;
  /** Concurrent stations asking the interlock. */
  stations: number;
  /** Interlock requests per station. */
  requestsPerStation: number;
}

export interface Percentiles {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

export interface LoopBenchResult {
  alarms: { judged: 'durable' | 'committed'; toLog: Percentiles; toBus: Percentiles; toMqtt: Percentiles }[];
  interlock: { via: 'http' | 'mqtt'; stations: number; perSecond: number; latency: Percentiles }[];
}

function log(line: string) {
  process.stderr.write(line + '\n');
}

export function percentiles(xs: number[]): Percentiles {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
  return { n: s.length, p50: at(0.5), p99: at(0.99), max: s.at(-1) ?? NaN };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function benchAlarms(work: string, judged: 'durable' | 'committed', o: LoopBenchOptions) {
  const dir = join(work, `alarms-${judged}`);
  const broker = await Broker.start({ dir: join(dir, 'broker') });
  const store = await KuzuStore.open({ dataDir: join(dir, 'graph'), bufferMb: 256 });
  const live = createLiveBus();
  const closers: (() => Promise<unknown>)[] = [];
  const sent = new Map<string, number>();
  const toLog: number[] = [];
  try {
    await store.saveSpec({
      parameter: 'zone3_temp',
      equipmentId: 'OVEN-B',
      recipeId: null,
      lsl: 215,
      usl: 225,
      target: 220,
      uom: 'Cel',
      changedBy: 'bench',
      changedAt: new Date().toISOString(),
      reason: 'bench',
    });
    const monitor = await Monitor.start({ store, ...liveMonitorHooks(live), tickMs: 0, warn: log });
    closers.push(() => monitor.close());
    const pipeline = new Pipeline({
      dataDir: join(dir, 'graph'),
      store,
      warn: log,
      onDurable: (events) => {
        const now = performance.now();
        for (const e of events) {
          const t = sent.get(e.eventId);
          if (t !== undefined) toLog.push(now - t);
        }
        if (judged === 'durable') monitor.onDurable(events);
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
    const watcher = await mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: `bench-board-${judged}` });
    closers.push(() => watcher.endAsync());
    watcher.on('message', (_t, payload) => {
      const m = JSON.parse(payload.toString()) as { transition: string; alarm: Alarm };
      const t = sent.get(m.alarm.readingEventId);
      if (m.transition === 'raised' && t !== undefined) toMqtt.push(performance.now() - t);
    });
    await watcher.subscribeAsync('tracegraph/v1/site1/line1/alarms', { qos: 1 });
    const station = await mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: `bench-oven-${judged}` });
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
          equipmentId: 'OVEN-B',
          parameter: 'zone3_temp',
          value,
          uom: 'Cel',
        });
        if (i > 0 && value === 229) sent.set(id, performance.now());
        await station.publishAsync('tracegraph/v1/site1/line1/OVEN-B/reading', JSON.stringify(e), { qos: 1 });
        await sleep(40);
      }
    }
    for (let i = 0; (toBus.length < o.alarms || toMqtt.length < o.alarms) && i < 200; i++) await sleep(50);
    stop = true;
    await background;
    log(`bench loop: ${toBus.length} alarms timed, judged when ${judged}`);
    return { judged, toLog: percentiles(toLog), toBus: percentiles(toBus), toMqtt: percentiles(toMqtt) };
  } finally {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    await store.close();
    await broker.stop();
  }
}

const board = (n: number) => `urn:epc:id:sgtin:4012345.022222.${n}`;

async function benchInterlock(work: string, o: LoopBenchOptions): Promise<LoopBenchResult['interlock']> {
  const dir = join(work, 'interlock');
  const broker = await Broker.start({ dir: join(dir, 'broker') });
  const store = await KuzuStore.open({ dataDir: join(dir, 'graph'), bufferMb: 256 });
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
    const api = await createApiServer({ store, port: 0, dataDir: dir, loop });
    closers.push(() => api.close());
    const responder = await startInterlockResponder({ url: broker.url, check: (r) => loop.interlock.check(r), warn: log });
    closers.push(() => responder.close());
    const url = api.url.replace(/\/graphql$/, '/interlock');
    const out: LoopBenchResult['interlock'] = [];

    let denied = 0;
    const run = async (via: 'http' | 'mqtt', ask: (station: number, i: number) => Promise<void>) => {
      const times: number[] = [];
      denied = 0;
      const start = performance.now();
      await Promise.all(
        Array.from({ length: o.stations }, async (_, s) => {
          for (let i = 0; i < o.requestsPerStation; i++) {
            const t = performance.now();
            await ask(s, i);
            times.push(performance.now() - t);
          }
        }),
      );
      const seconds = (performance.now() - start) / 1000;
      out.push({ via, stations: o.stations, perSecond: times.length / seconds, latency: percentiles(times) });
      log(
        `bench loop: interlock over ${via}: ${times.length} requests from ${o.stations} stations in ${seconds.toFixed(1)} s, ${denied} denied`,
      );
    };
    const body = (s: number, i: number) =>
      JSON.stringify({ item: board((s * 131 + i * 7) % boards), step: 'final-assembly', station: 'ASSY', operator: `OP-${s}` });

    await run('http', async (s, i) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: body(s, i),
      });
      if (res.status !== 200) throw new Error(`interlock answered ${res.status}`);
      if (!((await res.json()) as { allow: boolean }).allow) denied++;
    });

    const clients: MqttClient[] = await Promise.all(
      Array.from({ length: o.stations }, (_, s) =>
        mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: `bench-station-${s}` }),
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
    await run('mqtt', async (s, i) => {
      const corr = `${s}:${i}`;
      const answered = new Promise<void>((resolve) => waiting.set(corr, resolve));
      await clients[s]!.publishAsync(`tracegraph/v1/site1/line1/S${s}/interlock/req`, body(s, i), {
        qos: 1,
        properties: { correlationData: Buffer.from(corr), responseTopic: `tracegraph/v1/site1/line1/S${s}/interlock/res` },
      });
      await answered;
      waiting.delete(corr);
    });
    return out;
  } finally {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    await store.close();
    await broker.stop();
  }
}

export async function runLoopBench(o: LoopBenchOptions): Promise<LoopBenchResult> {
  const work = mkdtempSync(join(tmpdir(), 'tracegraph-bench-loop-'));
  try {
    const alarms = [await benchAlarms(work, 'durable', o), await benchAlarms(work, 'committed', o)];
    const interlock = await benchInterlock(work, o);
    const result = { alarms, interlock };
    process.stdout.write(`\n${reportLoop(result, o)}\n`);
    return result;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function reportLoop(r: LoopBenchResult, o: LoopBenchOptions): string {
  const ms = (x: number) => (x < 10 ? x.toFixed(1) : x.toFixed(0));
  const p = (x: Percentiles) => `${ms(x.p50)} / ${ms(x.p99)}`;
  return [
    `Quality loop: MQTT reading -> alarm (${o.alarms} alarms, ${o.backgroundPerSecond} background readings/s; p50 / p99 ms)`,
    '',
    '| readings judged | -> in the event log | -> alarmRaised (bus) | -> alarm on MQTT |',
    '|---|---|---|---|',
    ...r.alarms.map(
      (a) =>
        `| when ${a.judged === 'durable' ? 'in the event log' : 'committed to the graph'} | ${p(a.toLog)} | ${p(a.toBus)} | ${p(a.toMqtt)} |`,
    ),
    '',
    `(load average during the run: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} on ${cpus().length} cores)`,
    '',
    `Interlock: ${o.stations} stations at once, ${o.requestsPerStation} requests each (p50 / p99 ms)`,
    '',
    '| via | p50 / p99 (ms) | max (ms) | requests/s |',
    '|---|---|---|---|',
    ...r.interlock.map(
      (i) =>
        `| ${i.via === 'http' ? 'POST /interlock' : 'MQTT 5 request/response'} | ${p(i.latency)} | ${ms(i.latency.max)} | ${i.perSecond.toFixed(0)} |`,
    ),
  ].join('\n');
}
