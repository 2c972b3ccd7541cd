/** `tracegraph ingest` as an operator runs it: a real broker, a stop with SIGTERM, the graph afterwards. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/stores.ts';
import { waitFor } from '../helpers/wait.ts';
import { Broker, haveMosquitto } from './broker.ts';

const t = '2026-03-01T08:00:00Z';

describe.skipIf(!haveMosquitto)('tracegraph ingest', () => {
  let broker: Broker | undefined;
  afterAll(() => broker?.stop());

  it('takes events from the broker into the graph and writes them all before it stops', async () => {
    broker = await Broker.start();
    const data = tempDir();
    const env = { ...process.env, TRACEGRAPH_NEO4J_URI: '', TRACEGRAPH_MQTT_URL: '' };
    const ingest = startCli(['ingest', '--mqtt-url', broker.url, '--client-id', 'ingest-test', '--data', data], { env });
    await ingest.waitForOutput('ingesting from', { timeout: 30_000 });
    const pub = await mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: 'ingest-test-publisher' });
    const events = [
      {
        kind: 'operation',
        eventId: 'i1',
        eventTime: t,
        operationId: 'OP-1',
        step: 'print',
        station: 'P1',
        inputs: [{ id: 'PASTE-1' }],
        outputs: [{ id: 'PCB-1', type: 'unit' }],
      },
      { kind: 'ship', eventId: 'i2', eventTime: t, shipmentId: 'SHP-9', items: ['PCB-1'], customer: 'Contoso' },
    ];
    // QoS 1 to the broker; the worker takes them in order, so once the last (a reject) is in the
    // dead letters the first two are in the event log.
    await pub.publishAsync('tracegraph/v1/s1/l1/p1/operation', JSON.stringify(events[0]), { qos: 1 });
    await pub.publishAsync('tracegraph/v1/s1/l1/p1/ship', JSON.stringify([events[1]]), { qos: 1 });
    await pub.publishAsync('tracegraph/v1/s1/l1/p1/scan', '{oops', { qos: 1 });
    await pub.endAsync();
    const deadFile = join(data, 'deadletters.jsonl');
    await waitFor(
      'the worker to take the messages',
      () => existsSync(deadFile) && readFileSync(deadFile, 'utf8').includes('oops'),
      20_000,
    );
    // The stop must write every logged event to the graph before the process exits.
    ingest.child.kill('SIGTERM');
    expect(await ingest.exited).toBe(0);
    const trace = await runCli(['trace', 'forward', '--json', 'PASTE-1', '--data', data], { env });
    expect(JSON.parse(trace.stdout)).toMatchObject({
      lots: [],
      units: ['PCB-1'],
      containers: [],
      shipments: ['SHP-9'],
      customers: ['Contoso'],
    });
    const dead = await runCli(['deadletters', '--json', '--data', data], { env });
    expect(JSON.parse(dead.stdout)).toEqual([
      expect.objectContaining({ source: 'mqtt:tracegraph/v1/s1/l1/p1/scan', raw: '{oops' }),
    ]);
  });

  it('says what is missing when no broker is configured', async () => {
    const r = await runCli(['ingest', '--data', tempDir()], {
      env: { ...process.env, TRACEGRAPH_MQTT_URL: '', TRACEGRAPH_NEO4J_URI: '' },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no broker: give --mqtt-url/);
  });
});
