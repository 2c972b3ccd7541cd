/**
 * The MQTT worker against a real Mosquitto, a real Pipeline and the embedded store: what it takes,
 * what it dead-letters, and that it loses nothing across a broker restart or its own reconnect.
 */
import { readFileSync } from 'node:fs';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphStore } from '../../cypher/port.ts';
import { startMqttWorker, type MqttWorker } from '../../ingest/mqtt/worker.ts';
import { listDeadLetters } from '../../ingest/pipeline/dead-letters.ts';
import { Pipeline } from '../../ingest/pipeline/pipeline.ts';
import { backends, tempDir } from '../helpers/stores.ts';
import { PLANT, scan } from '../pipeline/fixtures.ts';
import { Broker, haveMosquitto, MOSQUITTO } from './broker.ts';
import { fixture } from '../helpers/fixtures.ts';
import { waitFor } from '../helpers/wait.ts';

const GS1_964 = fixture('gs1-epcis/Example_9.6.4-TransformationEvent.jsonld');
const OPS = 'tracegraph/v1/site1/line1/st1/operation';
const SCANS = 'tracegraph/v1/site1/line1/st2/scan';
const EPCIS = 'tracegraph/v1/site1/epcis';
const GS1_XML_CORRECTION = fixture('gs1-epcis-xml/WithErrorDeclaration/ErrorDeclarationAndCorrectiveEvent.xml');
const LIMIT = 4096;

const missing = `${MOSQUITTO} not found: MQTT worker tests skipped (apt-get install mosquitto)`;
if (!haveMosquitto) {
  // In CI a missing broker is a broken setup, not a reason to go green.
  if (process.env.CI === 'true') it('mosquitto is installed', () => expect.fail(missing));
  else console.warn(missing);
}

const kuzu = backends().find((b) => b.name === 'kuzu')!;

describe.skipIf(!haveMosquitto)('MQTT worker with mosquitto and the embedded store', () => {
  let broker: Broker;
  let store: GraphStore;
  let dataDir: string;
  let pipeline: Pipeline;
  let worker: MqttWorker;
  let pub: MqttClient;
  const warnings: string[] = [];

  const start = () =>
    startMqttWorker({
      url: broker.url,
      pipeline,
      clientId: 'tracegraph-test-worker',
      maxMessageBytes: LIMIT,
      reconnectMinMs: 100,
      reconnectMaxMs: 400,
      warn: (m) => warnings.push(m),
    });
  const counts = (topic: string) => pipeline.counters[`mqtt:${topic}`] ?? { accepted: 0, rejected: 0, applied: 0, duplicates: 0 };
  const send = (topic: string, payload: unknown) =>
    pub.publishAsync(topic, typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload), {
      qos: 1,
    });

  beforeAll(async () => {
    broker = await Broker.start();
    store = await kuzu.open();
    dataDir = tempDir();
    pipeline = new Pipeline({ dataDir, store, warn: () => undefined, batchWindowMs: 20, retryMinMs: 10, retryMaxMs: 50 });
    await pipeline.start();
    worker = await start();
    // A persistent publisher session that reconnects: what it publishes while the broker is down
    // waits in its outgoing store and goes out after the restart (QoS 1).
    pub = await mqtt.connectAsync(broker.url, {
      protocolVersion: 5,
      clientId: 'tracegraph-test-publisher',
      clean: false,
      properties: { sessionExpiryInterval: 3600 },
      reconnectPeriod: 100,
    });
    pub.on('error', () => undefined);
  });

  afterAll(async () => {
    await pub?.endAsync(true);
    await worker?.close();
    await pipeline?.close();
    await broker?.stop();
    await kuzu.release();
  });

  it('takes canonical events, one or an array per message, into the graph', async () => {
    await send(OPS, PLANT[0]);
    await send(OPS, PLANT.slice(1));
    await waitFor('4 events accepted', () => counts(OPS).accepted === 4);
    await pipeline.flush();
    expect(counts(OPS)).toMatchObject({ accepted: 4, rejected: 0, applied: 4 });
    expect(await store.traceForward(['LOT-A'])).toMatchObject({
      units: ['PCB-1', 'PCB-2'],
      containers: ['CASE-1'],
      customers: ['Contoso'],
    });
  });

  it('takes an EPCIS 2.0 document published on the site epcis topic', async () => {
    await send(EPCIS, readFileSync(GS1_964, 'utf8'));
    await waitFor('the EPCIS events', () => counts(EPCIS).accepted > 0);
    await pipeline.flush();
    const t = await store.traceBackward(['urn:epc:id:sgtin:4012345.077889.25']);
    expect(t.lots).toEqual(
      expect.arrayContaining(['urn:epc:class:lgtin:4012345.011111.4444', 'urn:epc:class:lgtin:0614141.077777.987']),
    );
  });

  it('takes an EPCIS XML document on the same topic', async () => {
    const before = counts(EPCIS).accepted;
    await send(EPCIS, readFileSync(GS1_XML_CORRECTION, 'utf8'));
    await waitFor('the XML events', () => counts(EPCIS).accepted > before);
    await pipeline.flush();
    expect((await store.traceForward(['urn:epc:class:lgtin:4012345.022222.87545GHGH'])).units).toEqual([
      'urn:epc:id:sgtin:4012345.033333.AGHFG',
    ]);
  });

  it('dead-letters bad messages with the reason and keeps going', async () => {
    const { station: _s, ...noStation } = scan(1);
    await send(SCANS, '{"kind": "scan", ');
    await send(SCANS, { ...scan(2), kind: 'teleport' });
    await send(SCANS, noStation);
    await send(SCANS, { ...scan(3), eventTime: 12 });
    await send(SCANS, JSON.stringify({ ...scan(4), note: 'x'.repeat(LIMIT) }));
    await send(EPCIS, '{"type": "EPCISDocument", ');
    await send(EPCIS, { type: 'TeleportEvent', eventTime: '2026-03-01T08:00:00Z', eventTimeZoneOffset: '+00:00' });
    await send(SCANS, scan(5));
    await waitFor('the valid scan after the bad ones', () => counts(SCANS).accepted === 1);
    await waitFor('the bad EPCIS documents', () => counts(EPCIS).rejected === 2);
    await pipeline.flush();
    const letters = listDeadLetters(dataDir).map((d) => [d.source.replace('mqtt:', ''), d.reason]);
    expect(letters).toEqual([
      [SCANS, expect.stringMatching(/^not valid JSON: /)],
      [SCANS, expect.stringMatching(/^kind: unknown kind "teleport"/)],
      [SCANS, expect.stringMatching(/^station: /)],
      [SCANS, expect.stringMatching(/^eventTime: /)],
      [SCANS, expect.stringMatching(new RegExp(`^message of \\d+ bytes exceeds the limit of ${LIMIT}$`))],
      [EPCIS, expect.stringMatching(/invalid JSON at line 1/)],
      [EPCIS, expect.stringMatching(/TeleportEvent/)],
    ]);
    expect(counts(SCANS)).toMatchObject({ accepted: 1, rejected: 5, applied: 1 });
    expect(warnings).toEqual([]);
  });

  it('applies the same message delivered twice once', async () => {
    const topic = 'tracegraph/v1/site1/line1/st3/scan';
    await send(topic, scan(10));
    await send(topic, scan(10));
    await waitFor('both deliveries', () => counts(topic).accepted === 2);
    await pipeline.flush();
    expect(counts(topic)).toMatchObject({ accepted: 2, applied: 1, duplicates: 1 });
  });

  it('loses nothing when the broker restarts mid-stream', async () => {
    const topic = 'tracegraph/v1/site1/line1/st4/scan';
    await send(topic, [scan(20), scan(21)]);
    await waitFor('the first part', () => counts(topic).accepted === 2);
    await broker.stop();
    await waitFor('the worker to notice', () => !worker.client.connected);
    // Published while the broker is down: kept by the publisher's session, sent after the restart.
    const queued = send(topic, [scan(22), scan(23)]);
    await broker.restart();
    await queued;
    await send(topic, [scan(24), scan(25)]);
    await waitFor('the events after the restart', () => counts(topic).accepted === 6);
    await pipeline.flush();
    expect(counts(topic)).toMatchObject({ accepted: 6, applied: 6 });
    expect(worker.client.connected).toBe(true);
  });

  it('gets the messages queued for its session while it was away', async () => {
    const topic = 'tracegraph/v1/site1/line1/st5/scan';
    await worker.close();
    for (let i = 30; i < 35; i++) await send(topic, scan(i));
    expect(counts(topic).accepted).toBe(0);
    worker = await start();
    await waitFor('the queued messages', () => counts(topic).accepted === 5);
    await pipeline.flush();
    expect(counts(topic)).toMatchObject({ accepted: 5, applied: 5 });
  });
});
