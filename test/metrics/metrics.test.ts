/**
 * GET /metrics as Prometheus scrapes it: real messages through a real Mosquitto into a real
 * pipeline and the embedded store, then the counters and the lag read back over HTTP.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMetricsServer, type MetricsServer } from '../../api/metrics.ts';
import { IngestMetrics, sourceLabel } from '../../ingest/pipeline/metrics.ts';
import { createApiServer, type ApiServer } from '../../api/server.ts';
import type { GraphStore } from '../../cypher/port.ts';
import { startMqttWorker, type MqttWorker } from '../../ingest/mqtt/worker.ts';
import { FROM_LOG, Pipeline } from '../../ingest/pipeline/pipeline.ts';
import { backends, tempDir } from '../helpers/stores.ts';
import { Broker, haveMosquitto } from '../mqtt/broker.ts';
import { scan } from '../pipeline/fixtures.ts';
import { waitFor } from '../helpers/wait.ts';

const kuzu = backends().find((b) => b.name === 'kuzu')!;
const SCANS = 'tracegraph/v1/site1/line1/st1/scan';

/** Parses the Prometheus text format into `name{labels}` -> value. */
function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^(\S+)\s+(\S+)$/.exec(line);
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

async function scrape(url: string): Promise<{ type: string; values: Map<string, number> }> {
  const r = await fetch(url);
  expect(r.status).toBe(200);
  return { type: r.headers.get('content-type') ?? '', values: parseMetrics(await r.text()) };
}

describe('source labels', () => {
  it('name the source family, never the topic', () => {
    expect(sourceLabel('mqtt:tracegraph/v1/a/b/c/scan')).toBe('mqtt');
    expect(sourceLabel('opcua')).toBe('opcua');
    expect(sourceLabel(FROM_LOG)).toBe('log');
  });
});

describe.skipIf(!haveMosquitto)('GET /metrics with mosquitto, the pipeline and the embedded store', () => {
  let broker: Broker;
  let store: GraphStore;
  let pipeline: Pipeline;
  let worker: MqttWorker;
  let api: ApiServer;
  let standalone: MetricsServer;
  let pub: MqttClient;
  const metrics = new IngestMetrics();
  let apiMetrics: string;

  beforeAll(async () => {
    broker = await Broker.start();
    store = await kuzu.open();
    pipeline = new Pipeline({ dataDir: tempDir(), store, observer: metrics, warn: () => undefined, batchWindowMs: 20 });
    metrics.watch(pipeline);
    await pipeline.start();
    worker = await startMqttWorker({
      url: broker.url,
      pipeline,
      clientId: 'tracegraph-metrics-test',
      maxMessageBytes: 2048,
      warn: () => undefined,
    });
    api = await createApiServer({ store, port: 0, metrics, dataDir: tempDir() });
    apiMetrics = api.url.replace(/\/graphql$/, '/metrics');
    standalone = await startMetricsServer({ port: 0, metrics });
    pub = await mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: 'tracegraph-metrics-publisher' });
  });

  afterAll(async () => {
    await pub?.endAsync(true);
    await worker?.close();
    await api?.close();
    await standalone?.close();
    await pipeline?.close();
    await broker?.stop();
    await kuzu.release();
  });

  it('counts ingested and rejected events per source and reports the lag of the latest batch', async () => {
    const before = await scrape(apiMetrics);
    expect(before.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(before.values.get('tracegraph_events_ingested_total{source="mqtt"}') ?? 0).toBe(0);

    await pub.publishAsync(SCANS, JSON.stringify([scan(1), scan(2), scan(3)]), { qos: 1 });
    await pub.publishAsync(SCANS, JSON.stringify(scan(1)), { qos: 1 }); // a redelivery: already in the graph
    await pub.publishAsync(SCANS, '{"kind": "scan", ', { qos: 1 });
    await pub.publishAsync(SCANS, JSON.stringify([{ ...scan(4), kind: 'teleport' }, scan(5)]), { qos: 1 });
    await pub.publishAsync(SCANS, 'x'.repeat(4096), { qos: 1 }); // over the 2048-byte limit
    await waitFor('the messages to be taken', () => (pipeline.counters[`mqtt:${SCANS}`]?.rejected ?? 0) === 3);
    await pipeline.flush();

    const after = await scrape(apiMetrics);
    expect(after.values.get('tracegraph_events_accepted_total{source="mqtt"}')).toBe(5);
    expect(after.values.get('tracegraph_events_ingested_total{source="mqtt"}')).toBe(4);
    expect(after.values.get('tracegraph_events_duplicate_total{source="mqtt"}')).toBe(1);
    expect(after.values.get('tracegraph_events_rejected_total{source="mqtt"}')).toBe(3);
    const lag = after.values.get('tracegraph_ingest_lag_seconds{source="mqtt"}');
    expect(lag).toBeGreaterThan(0);
    expect(lag).toBeLessThan(30);
    expect(after.values.get('tracegraph_ingest_lag_histogram_seconds_count{source="mqtt"}')).toBe(5);
    expect(after.values.get('tracegraph_ingest_backlog_events')).toBe(0);
    expect((await store.stats()).events).toBe(4);

    // The same registry from the standalone server `tracegraph ingest --metrics-port` runs.
    const same = await scrape(standalone.url);
    expect(same.values.get('tracegraph_events_ingested_total{source="mqtt"}')).toBe(4);
    expect((await fetch(standalone.url.replace('/metrics', '/other'))).status).toBe(404);
  });
});
