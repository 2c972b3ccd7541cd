/**
 * Event fields at the boundary (core/events.ts), through a real Mosquitto, the MQTT worker, the
 * pipeline, the embedded store and the API: oversized text, control characters and absurd
 * quantities are dead-lettered naming the field; accepted text is the same in the graph and the log.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../../api/server.ts';
import type { GraphStore } from '../../cypher/port.ts';
import { startMqttWorker, type MqttWorker } from '../../ingest/mqtt/worker.ts';
import { listDeadLetters } from '../../ingest/pipeline/dead-letters.ts';
import { Pipeline } from '../../ingest/pipeline/pipeline.ts';
import { DEV_KEY, gql } from '../api/client.ts';
import { backends, tempDir } from '../helpers/stores.ts';
import { Broker, haveMosquitto } from '../mqtt/broker.ts';

const TOPIC = 'tracegraph/v1/site1/line1/st1/receive';
const receive = (i: number, fields: Record<string, unknown> = {}) => ({
  kind: 'receive',
  eventId: `rcv-${i}`,
  eventTime: '2026-03-01T08:00:00Z',
  lot: `LOT-${i}`,
  material: 'steel',
  qty: 10,
  uom: 'kg',
  supplier: 'ACME',
  ...fields,
});

describe.skipIf(!haveMosquitto)('event fields at the boundary', () => {
  const kuzu = backends().find((b) => b.name === 'kuzu')!;
  let broker: Broker;
  let store: GraphStore;
  let dataDir: string;
  let pipeline: Pipeline;
  let worker: MqttWorker;
  let api: ApiServer;
  let pub: MqttClient;
  const counts = () => pipeline.counters[`mqtt:${TOPIC}`] ?? { accepted: 0, rejected: 0 };

  beforeAll(async () => {
    broker = await Broker.start();
    store = await kuzu.open();
    dataDir = tempDir();
    pipeline = new Pipeline({ dataDir, store, warn: () => undefined, batchWindowMs: 20 });
    await pipeline.start();
    worker = await startMqttWorker({ url: broker.url, pipeline, clientId: 'fields-worker', warn: () => undefined });
    api = await createApiServer({ store, port: 0, dataDir: tempDir(), devKey: DEV_KEY });
    pub = await mqtt.connectAsync(broker.url, { clientId: 'fields-pub' });
  });
  afterAll(async () => {
    await pub?.endAsync(true);
    await api?.close();
    await worker?.close();
    await pipeline?.close();
    await broker?.stop();
    await kuzu.release();
  });

  it('dead-letters oversized text, control characters and absurd quantities, naming the field', async () => {
    const bad = [
      receive(1, { material: 'x'.repeat(900_000) }),
      receive(2, { supplier: 'ACME\u0000' }),
      receive(3, { material: 'steel\nplate' }),
      receive(4, { qty: 1e308 }),
      { kind: 'reading', eventId: 'rd-1', eventTime: '2026-03-01T08:00:00Z', equipmentId: 'EQ', parameter: 'p', value: -1e300 },
    ];
    for (const e of bad) await pub.publishAsync(TOPIC, JSON.stringify(e), { qos: 1 });
    const until = Date.now() + 10_000;
    while (counts().rejected < bad.length) {
      if (Date.now() > until) throw new Error(`not all rejected: ${JSON.stringify(counts())}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(listDeadLetters(dataDir).map((d) => d.reason)).toEqual([
      'material: is longer than 256 characters',
      expect.stringMatching(/^supplier: must not contain control characters/),
      expect.stringMatching(/^material: must not contain control characters/),
      'qty: is over 1000000000000: not a quantity one event can move',
      'value: is below -1000000000000000',
    ]);
    expect(counts().accepted).toBe(0);
  });

  it('keeps accepted text identical in the graph and the event log', async () => {
    const material = 'Stahl "V2A", 1.4301 \\ Güte ✓ ; \'quoted\' — 鋼';
    await pub.publishAsync(TOPIC, JSON.stringify(receive(10, { material, supplierLot: 'S/N 7,"8"' })), { qos: 1 });
    const until = Date.now() + 10_000;
    while (counts().accepted < 1) {
      if (Date.now() > until) throw new Error('not accepted');
      await new Promise((r) => setTimeout(r, 25));
    }
    await pipeline.flush();
    const r = await gql<{ lot: { material: string; supplierLot: string } }>(
      api.url,
      '{ lot(id: "LOT-10") { material supplierLot } }',
    );
    expect(r.data?.lot).toEqual({ material, supplierLot: 'S/N 7,"8"' });
    const logDir = join(dataDir, 'log');
    const logged = readdirSync(logDir)
      .filter((f) => f.endsWith('.jsonl'))
      .flatMap((f) => readFileSync(join(logDir, f), 'utf8').split('\n').filter(Boolean))
      .map((l) => JSON.parse(l) as { event?: { eventId: string; material?: string } } & { eventId?: string; material?: string })
      .map((l) => l.event ?? l)
      .find((e) => e.eventId === 'rcv-10');
    expect(logged?.material).toBe(material);
  });
});
