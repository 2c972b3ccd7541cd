/**
 * One event store behind every interface: events that arrive by MQTT (a real Mosquitto), OPC UA (a
 * real node-opcua PLC), REST capture, an EPCIS file import (in the API's process and through the
 * `tracegraph import epcis` command) and the simulated plant are all answered by `GET /epcis/events`
 * (EPCIS as it came in; shop-floor events rendered as EPCIS 2.0) and by GraphQL `Trace.events`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../../api/server.ts';
import type { CanonicalEventInput } from '../../core/events.ts';
import { loadConfig } from '../../core/config.ts';
import { openStore } from '../../cypher/open-store.ts';
import type { GraphStore } from '../../cypher/port.ts';
import { eventUri } from '../../ingest/epcis/from-canonical.ts';
import { registerEpcisEvents } from '../../ingest/epcis/repository.ts';
import { importEpcisFile } from '../../ingest/files.ts';
import { startMqttWorker, type MqttWorker } from '../../ingest/mqtt/worker.ts';
import { parseOpcuaMapping } from '../../ingest/opcua/config.ts';
import { startOpcuaWorker, type OpcuaWorker } from '../../ingest/opcua/worker.ts';
import { Pipeline } from '../../ingest/pipeline/pipeline.ts';
import { startSimulatedPlant, type SimulatedPlant } from '../../ingest/simulator/plant.ts';
import { freePort, startTagServer, tagNodeId, type TagServer } from '../../ingest/simulator/tag-server.ts';
import { DEV_KEY, gql } from '../api/client.ts';
import { runCli } from '../helpers/cli.ts';
import { backends, tempDir } from '../helpers/stores.ts';
import { waitFor } from '../helpers/wait.ts';
import { Broker, haveMosquitto, MOSQUITTO } from '../mqtt/broker.ts';

const kuzu = backends().find((b) => b.name === 'kuzu')!;
const CONTEXT = 'https://ref.gs1.org/standards/epcis/epcis-context.jsonld';
const T = (m: number) => `2026-03-01T08:${String(m).padStart(2, '0')}:00+01:00`;

type Json = Record<string, unknown>;
const ids = (events: Json[]) => events.map((e) => e.eventID as string);

const doc = (events: Json[], ns: Record<string, string> = {}) => ({
  '@context': [CONTEXT, ...(Object.keys(ns).length ? [ns] : [])],
  type: 'EPCISDocument',
  schemaVersion: '2.0',
  creationDate: T(0),
  epcisBody: { eventList: events },
});

/** An EPCIS receiving event of one lot class, with an extension field that must come back as sent. */
const receiving = (id: string, lot: string, note: string): Json => ({
  type: 'ObjectEvent',
  eventID: id,
  eventTime: T(1),
  eventTimeZoneOffset: '+01:00',
  action: 'ADD',
  bizStep: 'receiving',
  disposition: 'in_progress',
  quantityList: [{ epcClass: lot, quantity: 10, uom: 'KGM' }],
  sourceList: [{ type: 'owning_party', source: 'urn:epc:id:pgln:4012345.00000' }],
  'ex:note': note,
});

/** A transformation of that lot into a unit, so that traces reach the receiving event. */
const making = (id: string, lot: string, unit: string): Json => ({
  type: 'TransformationEvent',
  eventID: id,
  eventTime: T(2),
  eventTimeZoneOffset: '+01:00',
  inputQuantityList: [{ epcClass: lot, quantity: 1, uom: 'KGM' }],
  outputEPCList: [unit],
  bizStep: 'commissioning',
});

const EX = { ex: 'http://ns.example.com/epcis#' };

/** The plant of the MQTT path: a lot printed into two boards, packed into a case, shipped. */
const mqttPlant: CanonicalEventInput[] = [
  { kind: 'receive', eventId: 'mq-1', eventTime: T(0), lot: 'MQ-LOT', material: 'paste', qty: 5, uom: 'KGM', supplier: 'Acme' },
  {
    kind: 'operation',
    eventId: 'mq-2',
    eventTime: T(1),
    operationId: 'MQ-PRINT-1',
    step: 'print',
    station: 'P1',
    equipmentId: 'PRINTER-9',
    inputs: [{ id: 'MQ-LOT', qty: 0.1, uom: 'KGM' }],
    outputs: [
      { id: 'MQ-PCB-1', type: 'unit' },
      { id: 'MQ-PCB-2', type: 'unit' },
    ],
  },
  { kind: 'inspection', eventId: 'mq-3', eventTime: T(2), id: 'MQ-PCB-1', result: 'fail', defects: ['BRIDGE'], station: 'AOI-9' },
  { kind: 'pack', eventId: 'mq-4', eventTime: T(3), parent: 'MQ-CASE-1', children: ['MQ-PCB-1', 'MQ-PCB-2'] },
  { kind: 'ship', eventId: 'mq-5', eventTime: T(4), shipmentId: 'MQ-SHP-1', items: ['MQ-CASE-1'], customer: 'Contoso' },
];

const PASTE = 'urn:epc:class:lgtin:4012345.012345.OPC-77';
const BOARD = 'urn:epc:id:sgtin:4012345.077889.5001';

const missing = `${MOSQUITTO} not found: the one-store test is skipped (apt-get install mosquitto)`;
if (!haveMosquitto) {
  if (process.env.CI === 'true') it('mosquitto is installed', () => expect.fail(missing));
  else console.warn(missing);
}

describe.skipIf(!haveMosquitto)('GET /epcis/events and Trace.events answer every event, whatever way it came', () => {
  let broker: Broker;
  let store: GraphStore;
  let dataDir: string;
  let pipeline: Pipeline;
  let api: ApiServer;
  let worker: MqttWorker;
  let plc: TagServer;
  let opcua: OpcuaWorker;
  let pub: MqttClient;
  const warnings: string[] = [];

  /** The EPCIS query's events (every page, following `Link: rel="next"`). */
  async function epcis(params: string): Promise<Json[]> {
    const out: Json[] = [];
    let path: string | undefined = `/epcis/events?${params}`;
    while (path !== undefined) {
      const res: Response = await fetch(new URL(path, api.url), { headers: { authorization: `Bearer ${DEV_KEY}` } });
      const body = (await res.json()) as Json;
      expect(res.status, JSON.stringify(body)).toBe(200);
      const results = (body.epcisBody as { queryResults: { resultsBody: { eventList: Json[] } } }).queryResults;
      out.push(...results.resultsBody.eventList);
      path = /<([^>]+)>; rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
    }
    return out;
  }

  /** The ids GraphQL `Trace.events` gives for a trace from `id`. */
  async function traceEvents(direction: 'Forward' | 'Backward', id: string): Promise<string[]> {
    const r = await gql<{ t: { events: { id: string }[] } }>(
      api.url,
      `query($from: [ID!]!) { t: trace${direction}(from: $from) { events { id } } }`,
      { from: [id] },
    );
    expect(r.errors).toBeUndefined();
    return r.data!.t.events.map((e) => e.id);
  }

  /** Every event of a trace is answered by the EPCIS query, under its EPCIS eventID. */
  async function expectTraceAnswered(direction: 'Forward' | 'Backward', id: string): Promise<string[]> {
    const traced = await traceEvents(direction, id);
    expect(traced.length).toBeGreaterThan(0);
    const asEpcis = traced.map((t) => (/^(?:urn|https?|ni):/.test(t) ? t : eventUri(t)));
    const found = ids(await epcis(`EQ_eventID=${encodeURIComponent(traced.join('|'))}`));
    expect(found.sort()).toEqual([...new Set(asEpcis)].sort());
    return traced;
  }

  beforeAll(async () => {
    broker = await Broker.start();
    store = await kuzu.open();
    dataDir = tempDir();
    pipeline = new Pipeline({ dataDir, store, warn: (m) => warnings.push(m), batchWindowMs: 20 });
    await pipeline.start();
    api = await createApiServer({ store, port: 0, dataDir, devKey: DEV_KEY, pipeline });
    worker = await startMqttWorker({ url: broker.url, pipeline, clientId: 'one-store-worker', warn: (m) => warnings.push(m) });
    pub = await mqtt.connectAsync(broker.url, { clientId: 'one-store-publisher' });
    const port = await freePort();
    plc = await startTagServer({
      port,
      pkiDir: tempDir('tracegraph-opcua-pki-'),
      tags: [
        { name: 'Oven.Zone1', type: 'Double', initial: 240 },
        { name: 'Print.Count', type: 'UInt32', initial: 0 },
        { name: 'Print.Serial', type: 'String' },
        { name: 'Print.PasteLot', type: 'String' },
      ],
    });
    opcua = startOpcuaWorker({
      config: parseOpcuaMapping({
        pkiDir: tempDir('tracegraph-opcua-client-'),
        endpoints: [
          {
            url: plc.endpoint,
            name: 'line9',
            publishingIntervalMs: 100,
            readings: [
              {
                nodeId: tagNodeId('Oven.Zone1'),
                equipmentId: 'OVEN-9',
                parameter: 'zone1_temp',
                uom: 'CEL',
                samplingIntervalMs: 100,
              },
            ],
            operations: [
              {
                counterNodeId: tagNodeId('Print.Count'),
                serialNodeId: tagNodeId('Print.Serial'),
                step: 'print',
                station: 'PRINT-9',
                equipmentId: 'PRINTER-9',
                inputs: [{ nodeId: tagNodeId('Print.PasteLot'), qty: 0.02, uom: 'KGM' }],
              },
            ],
          },
        ],
      }),
      pipeline,
      warn: (m) => warnings.push(m),
    });
    await opcua.ready;
  });

  afterAll(async () => {
    await pub?.endAsync(true);
    await opcua?.close();
    await plc?.stop();
    await worker?.close();
    await api?.close();
    await pipeline?.close();
    await broker?.stop();
    await kuzu.release();
  });

  it('REST capture: the event comes back as it was captured, with its eventID', async () => {
    const lot = 'urn:epc:class:lgtin:4012345.012345.REST-1';
    const events = [
      receiving('urn:uuid:5e1a0000-0000-4000-8000-000000000001', lot, 'by REST'),
      making('urn:uuid:5e1a0000-0000-4000-8000-000000000002', lot, 'urn:epc:id:sgtin:4012345.011111.901'),
    ];
    const res = await fetch(new URL('/epcis/capture', api.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${DEV_KEY}`, 'content-type': 'application/ld+json' },
      body: JSON.stringify(doc(events, EX)),
    });
    expect(res.status).toBe(202);
    const job = new URL(res.headers.get('location')!, api.url);
    await waitFor('the capture job', async () => {
      const j = (await (await fetch(job, { headers: { authorization: `Bearer ${DEV_KEY}` } })).json()) as Json;
      return j.running === false && j.success === true;
    });
    const [got] = await epcis(`EQ_bizStep=receiving&MATCH_anyEPCClass=${encodeURIComponent(lot)}`);
    expect(got).toEqual({ ...events[0], recordTime: got!.recordTime });
    await pipeline.flush();
    expect(await expectTraceAnswered('Forward', lot)).toEqual(ids(events));
  });

  it('MQTT: shop-floor events are rendered as EPCIS 2.0, an EPCIS document comes back as it was sent', async () => {
    const before = new Date().toISOString();
    for (const e of mqttPlant) await pub.publishAsync(`tracegraph/v1/site1/line1/st1/${e.kind}`, JSON.stringify(e), { qos: 1 });
    const lot = 'urn:epc:class:lgtin:4012345.012345.MQTT-1';
    const sent = receiving('urn:uuid:5e1a0000-0000-4000-8000-000000000003', lot, 'by MQTT');
    await pub.publishAsync('tracegraph/v1/site1/epcis', JSON.stringify(doc([sent], EX)), { qos: 1 });
    await waitFor('the MQTT events in the EPCIS query', async () => (await epcis('MATCH_anyEPC=MQ-PCB-1')).length === 3);

    // The print (a TransformationEvent), the failed inspection and the packing name the board.
    const board = await epcis('MATCH_anyEPC=MQ-PCB-1&orderBy=eventTime&orderDirection=ASC');
    expect(board.map((e) => [e.eventID, e.type, e.bizStep])).toEqual([
      ['urn:tracegraph:event:mq-2', 'TransformationEvent', 'urn:tracegraph:bizstep:print'],
      ['urn:tracegraph:event:mq-3', 'ObjectEvent', 'inspecting'],
      ['urn:tracegraph:event:mq-4', 'AggregationEvent', 'packing'],
    ]);
    expect(board[0]).toMatchObject({
      inputQuantityList: [{ epcClass: 'urn:tracegraph:item:MQ-LOT', quantity: 0.1, uom: 'KGM' }],
      outputEPCList: ['urn:tracegraph:item:MQ-PCB-1', 'urn:tracegraph:item:MQ-PCB-2'],
      readPoint: { id: 'urn:tracegraph:station:P1' },
      'tg:equipmentID': 'PRINTER-9',
    });
    expect(board[1]).toMatchObject({ disposition: 'non_conformant', 'tg:defect': ['BRIDGE'] });
    // Filters as for any EPCIS event: bizStep, EPC in its URI or plant spelling, event time.
    expect(ids(await epcis('EQ_bizStep=shipping&MATCH_anyEPC=urn:tracegraph:item:MQ-CASE-1'))).toEqual([
      'urn:tracegraph:event:mq-5',
    ]);
    expect(ids(await epcis(`MATCH_anyEPC=MQ-CASE-1&GE_eventTime=${encodeURIComponent(T(4))}`))).toEqual([
      'urn:tracegraph:event:mq-5',
    ]);
    expect(ids(await epcis(`EQ_bizStep=print&EQ_readPoint=P1`))).toEqual(['urn:tracegraph:event:mq-2']);
    expect(ids(await epcis('EQ_eventID=mq-1'))).toEqual(['urn:tracegraph:event:mq-1']);
    // Recorded when the pipeline took them, so `GE_recordTime` polling sees shop-floor events too.
    const polled = await epcis(`MATCH_anyEPC=MQ-PCB-1&GE_recordTime=${encodeURIComponent(before)}`);
    expect(ids(polled).sort()).toEqual(ids(board).sort());
    for (const e of polled) expect(Date.parse(e.recordTime as string)).toBeGreaterThanOrEqual(Date.parse(before));
    expect(await epcis(`MATCH_anyEPC=MQ-PCB-1&LT_recordTime=${encodeURIComponent(before)}`)).toEqual([]);
    const [asSent] = await epcis(`MATCH_anyEPCClass=${encodeURIComponent(lot)}`);
    expect(asSent).toEqual({ ...sent, recordTime: asSent!.recordTime });

    await pipeline.flush();
    // A backward trace also lists the events of the case the board was packed into (its shipping).
    expect((await expectTraceAnswered('Backward', 'MQ-PCB-1')).sort()).toEqual(['mq-1', 'mq-2', 'mq-3', 'mq-4', 'mq-5']);
    await expectTraceAnswered('Forward', 'MQ-LOT');
  });

  it('OPC UA: readings and PLC operations are answered, with sensor reports and the paste lot', async () => {
    plc.set('Oven.Zone1', 251.5);
    plc.set('Print.PasteLot', PASTE);
    plc.set('Print.Serial', BOARD);
    plc.set('Print.Count', 1);
    await waitFor('the OPC UA events in the EPCIS query', async () => {
      const readings = await epcis('EQ_bizStep=sensor_reporting&EQ_readPoint=OVEN-9');
      return (
        readings.some((e) => JSON.stringify(e.sensorElementList).includes('251.5')) &&
        (await epcis(`MATCH_outputEPC=${BOARD}`)).length === 1
      );
    });
    const [reading] = await epcis('EQ_bizStep=sensor_reporting&EQ_readPoint=urn:tracegraph:equipment:OVEN-9&orderBy=eventTime');
    expect(reading).toMatchObject({
      type: 'ObjectEvent',
      action: 'OBSERVE',
      sensorElementList: [
        {
          sensorMetadata: { deviceID: 'urn:tracegraph:equipment:OVEN-9' },
          sensorReport: [{ type: 'urn:tracegraph:parameter:zone1_temp', value: 251.5, uom: 'CEL' }],
        },
      ],
    });
    const [print] = await epcis(`MATCH_outputEPC=${BOARD}`);
    expect(print).toMatchObject({
      type: 'TransformationEvent',
      inputQuantityList: [{ epcClass: PASTE, quantity: 0.02 }],
      outputEPCList: [BOARD],
    });
    await pipeline.flush();
    await expectTraceAnswered('Forward', PASTE);
  });

  it('EPCIS file import (in process): the originals are registered, the graph has them', async () => {
    const lot = 'urn:epc:class:lgtin:4012345.012345.FILE-1';
    const events = [
      receiving('urn:uuid:5e1a0000-0000-4000-8000-000000000004', lot, 'from a file'),
      making('urn:uuid:5e1a0000-0000-4000-8000-000000000005', lot, 'urn:epc:id:sgtin:4012345.011111.904'),
    ];
    const file = join(tempDir(), 'doc.jsonld');
    writeFileSync(file, JSON.stringify(doc(events, EX)));
    await importEpcisFile(store, file, undefined, { register: (e, md, ns) => registerEpcisEvents(dataDir, e, md, ns) });
    const got = await epcis(`MATCH_anyEPCClass=${encodeURIComponent(lot)}`);
    expect(got.map((e) => ({ ...e, recordTime: undefined }))).toEqual(events.map((e) => ({ ...e, recordTime: undefined })));
    expect(await expectTraceAnswered('Forward', lot)).toEqual(ids(events));
  });

  // Generous: the plant needs a few takts, and the machine is shared.
  it('the simulated plant: operations, readings and inspections are answered', { timeout: 600_000 }, async () => {
    const since = encodeURIComponent(new Date().toISOString());
    const plant: SimulatedPlant = await startSimulatedPlant({
      mqttUrl: broker.url,
      dir: tempDir(),
      speed: 4,
      seed: 7,
      warn: (m) => warnings.push(m),
    });
    const sim = startOpcuaWorker({ config: plant.opcuaConfig, pipeline, warn: (m) => warnings.push(m) });
    try {
      await sim.ready;
      await waitFor(
        'the simulated plant in the EPCIS query',
        async () =>
          (await epcis('EQ_bizStep=reflow&eventType=TransformationEvent')).length > 0 &&
          (await epcis('EQ_bizStep=sensor_reporting&EQ_readPoint=REFLOW-1&eventCountLimit=7')).length === 7 &&
          (await epcis(`EQ_bizStep=inspecting&eventType=ObjectEvent&GE_eventTime=${since}`)).length > 0,
        480_000,
      );
      const [reflow] = await epcis('EQ_bizStep=reflow&perPage=1');
      expect(reflow).toMatchObject({
        type: 'TransformationEvent',
        readPoint: { id: expect.stringMatching(/^urn:tracegraph:station:/) },
      });
      const oven = await epcis('EQ_bizStep=sensor_reporting&EQ_readPoint=REFLOW-1&perPage=5&eventCountLimit=5');
      expect(oven).toHaveLength(5);
      // Paging over rendered events is stable: pages of one add up to the whole answer.
      const whole = ids(await epcis('EQ_bizStep=sensor_reporting&EQ_readPoint=REFLOW-1&eventCountLimit=7'));
      expect(ids(await epcis('EQ_bizStep=sensor_reporting&EQ_readPoint=REFLOW-1&eventCountLimit=7&perPage=1'))).toEqual(whole);
      await pipeline.flush();
      const unit = (reflow!.inputEPCList as string[] | undefined)?.[0] ?? (reflow!.outputEPCList as string[])[0]!;
      await expectTraceAnswered('Backward', unit);
    } finally {
      await plant.close();
      await sim.close();
    }
  });
});

describe('tracegraph import epcis FILE', () => {
  afterAll(() => kuzu.release());

  it(
    'registers the events, so that the EPCIS query and Trace.events of a server on that data directory answer them',
    { timeout: 300_000 },
    async () => {
      await kuzu.open();
      const dir = join(tempDir(), 'data');
      const lot = 'urn:epc:class:lgtin:4012345.012345.CLI-1';
      const events = [
        receiving('urn:uuid:5e1a0000-0000-4000-8000-000000000006', lot, 'by the CLI'),
        making('urn:uuid:5e1a0000-0000-4000-8000-000000000007', lot, 'urn:epc:id:sgtin:4012345.011111.906'),
      ];
      const file = join(tempDir(), 'doc.jsonld');
      writeFileSync(file, JSON.stringify(doc(events, EX)));
      const r = await runCli(['import', 'epcis', file], { env: kuzu.env(dir) });
      expect(r.code, r.stderr).toBe(0);

      const store = await openStore(loadConfig({ dataDir: dir }));
      const api = await createApiServer({ store, port: 0, dataDir: dir, devKey: DEV_KEY });
      try {
        const res = await fetch(
          new URL(`/epcis/events?EQ_bizStep=receiving&MATCH_anyEPCClass=${encodeURIComponent(lot)}`, api.url),
          {
            headers: { authorization: `Bearer ${DEV_KEY}` },
          },
        );
        const body = (await res.json()) as { epcisBody: { queryResults: { resultsBody: { eventList: Json[] } } } };
        const [got] = body.epcisBody.queryResults.resultsBody.eventList;
        expect(got).toEqual({ ...events[0], recordTime: got!.recordTime });
        const t = await gql<{ t: { events: { id: string }[] } }>(
          api.url,
          `query($from: [ID!]!) { t: traceForward(from: $from) { events { id } } }`,
          {
            from: [lot],
          },
        );
        expect(t.data!.t.events.map((e) => e.id)).toEqual(ids(events));
      } finally {
        await api.close();
        await store.close();
      }
    },
  );
});
