/**
 * Deeply nested EPCIS documents are refused at a small fixed depth, on every way in: HTTP capture
 * (a real API server), file import, and MQTT (a real Mosquitto, dead-lettered with the reason).
 * Without the limit, 10,000 nested XML elements held the parser for seconds and 10,000 nested
 * JSON objects overflowed the stack (an ImplementationException).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphStore } from '../../cypher/port.ts';
import { MAX_EPCIS_DEPTH } from '../../ingest/epcis/limits.ts';
import { importEpcisFile } from '../../ingest/files.ts';
import { startMqttWorker, type MqttWorker } from '../../ingest/mqtt/worker.ts';
import { listDeadLetters } from '../../ingest/pipeline/dead-letters.ts';
import { Pipeline } from '../../ingest/pipeline/pipeline.ts';
import { postCapture, startEpcisServer, waitForJob, type EpcisTestServer } from '../conformance/helpers/epcis-http.ts';
import { backends, tempDir } from '../helpers/stores.ts';
import { Broker, haveMosquitto } from '../mqtt/broker.ts';

const DEEP = 10_000;

/** An ObjectEvent whose user extension nests `levels` elements deep. */
function deepXml(levels: number): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" xmlns:ex="https://ns.example.com/epcis/" schemaVersion="2.0" creationDate="2024-01-01T00:00:00Z">',
    '<EPCISBody><EventList><ObjectEvent>',
    '<eventTime>2024-01-01T10:00:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset>',
    '<epcList><epc>urn:epc:id:sgtin:0614141.107346.1</epc></epcList><action>OBSERVE</action>',
    '<ex:a>'.repeat(levels),
    'x',
    '</ex:a>'.repeat(levels),
    '</ObjectEvent></EventList></EPCISBody></epcis:EPCISDocument>',
  ].join('');
}

/** The same as JSON-LD: an extension member that is an object nesting `levels` deep. */
function deepJson(levels: number): string {
  const event = {
    type: 'ObjectEvent',
    eventTime: '2024-01-01T10:00:00Z',
    eventTimeZoneOffset: '+00:00',
    epcList: ['urn:epc:id:sgtin:0614141.107346.1'],
    action: 'OBSERVE',
    'ex:deep': '@@',
  };
  const doc = JSON.stringify({
    '@context': ['https://ref.gs1.org/standards/epcis/epcis-context.jsonld', { ex: 'https://ns.example.com/epcis/' }],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2024-01-01T00:00:00Z',
    epcisBody: { eventList: [event] },
  });
  return doc.replace('"@@"', '{"ex:a":'.repeat(levels) + '"x"' + '}'.repeat(levels));
}

const limitMessage = new RegExp(`deeper than ${MAX_EPCIS_DEPTH} levels`);

describe('EPCIS capture over HTTP', () => {
  let srv: EpcisTestServer;
  beforeAll(async () => {
    srv = await startEpcisServer();
    // The first capture starts the parse worker thread (seconds from the TypeScript sources): not what is timed here.
    await waitForJob(srv.base, (await postCapture(srv.base, deepXml(2), 'application/xml')).location);
  });
  afterAll(async () => {
    await srv?.close();
  });

  it.each([
    ['XML', deepXml(DEEP), 'application/xml'],
    ['JSON', deepJson(DEEP), 'application/ld+json'],
  ])('refuses %s nested 10,000 deep quickly, with a ValidationException naming the limit', async (_f, body, type) => {
    const started = Date.now();
    const { res, location } = await postCapture(srv.base, body, type);
    expect(res.status).toBe(202);
    const job = await waitForJob(srv.base, location);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(job.success).toBe(false);
    expect(job.errors).toEqual([
      expect.objectContaining({
        type: 'epcisException:ValidationException',
        status: 400,
        detail: expect.stringMatching(limitMessage),
      }),
    ]);
    // The server is still answering.
    expect((await fetch(`${srv.base}/healthz`)).status).toBe(200);
  });

  it('still takes an extension nested well inside the limit', async () => {
    const { location } = await postCapture(srv.base, deepXml(20), 'application/xml');
    const job = await waitForJob(srv.base, location);
    expect(job).toMatchObject({ success: true, eventCount: 1 });
  });
});

describe('EPCIS file import', () => {
  const kuzu = backends().find((b) => b.name === 'kuzu')!;
  let store: GraphStore;
  beforeAll(async () => {
    store = await kuzu.open();
  });
  afterAll(async () => {
    await kuzu.release();
  });

  it.each([
    ['deep.xml', deepXml(DEEP)],
    ['deep.jsonld', deepJson(DEEP)],
  ])('refuses %s with BAD_EPCIS naming the limit and imports nothing', async (name, text) => {
    const file = join(tempDir(), name);
    writeFileSync(file, text);
    await expect(importEpcisFile(store, file)).rejects.toMatchObject({
      code: 'BAD_EPCIS',
      message: expect.stringMatching(limitMessage),
    });
    expect((await store.traceBackward(['urn:epc:id:sgtin:0614141.107346.1'])).lots).toEqual([]);
  });
});

describe.skipIf(!haveMosquitto)('EPCIS over MQTT', () => {
  const kuzu = backends().find((b) => b.name === 'kuzu')!;
  const TOPIC = 'tracegraph/v1/site1/epcis';
  let broker: Broker;
  let store: GraphStore;
  let dataDir: string;
  let pipeline: Pipeline;
  let worker: MqttWorker;
  let pub: MqttClient;

  beforeAll(async () => {
    broker = await Broker.start();
    store = await kuzu.open();
    dataDir = tempDir();
    pipeline = new Pipeline({ dataDir, store, warn: () => undefined, batchWindowMs: 20 });
    await pipeline.start();
    worker = await startMqttWorker({ url: broker.url, pipeline, clientId: 'nesting-worker', warn: () => undefined });
    pub = await mqtt.connectAsync(broker.url, { clientId: 'nesting-pub' });
  });
  afterAll(async () => {
    await pub?.endAsync(true);
    await worker?.close();
    await pipeline?.close();
    await broker?.stop();
    await kuzu.release();
  });

  it('dead-letters nested XML and JSON documents with the reason and keeps taking messages', async () => {
    await pub.publishAsync(TOPIC, deepXml(DEEP), { qos: 1 });
    await pub.publishAsync(TOPIC, deepJson(DEEP), { qos: 1 });
    await pub.publishAsync(TOPIC, deepXml(3), { qos: 1 });
    const until = Date.now() + 5000;
    const counts = () => pipeline.counters[`mqtt:${TOPIC}`];
    while ((counts()?.rejected ?? 0) < 2 || (counts()?.accepted ?? 0) < 1) {
      if (Date.now() > until) throw new Error(`messages not settled: ${JSON.stringify(counts())}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(listDeadLetters(dataDir).map((d) => d.reason)).toEqual([
      expect.stringMatching(limitMessage),
      expect.stringMatching(limitMessage),
    ]);
  });
});
