/** EPCIS 2.0 REST over real HTTP: capture jobs, each query parameter family, paging, problems, dedupe, the graph. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditTrail } from '../../domain/audit/trail.ts';
import { UserStore } from '../../domain/auth/users.ts';
import { createApiServer } from '../../api/server.ts';
import { KuzuStore } from '../../cypher/kuzu/adapter.ts';
import { EpcisRepository } from '../../ingest/epcis/repository.ts';
import { Pipeline } from '../../ingest/pipeline/pipeline.ts';
import { tempDir } from '../helpers/stores.ts';
import { DEV_KEY } from './client.ts';
import {
  call,
  capture,
  postCapture,
  qs,
  query,
  startEpcisServer,
  waitForJob,
  type EpcisTestServer,
} from '../conformance/helpers/epcis-http.ts';
import { fixture } from '../helpers/fixtures.ts';

const SITE = 'urn:epc:id:sgln:0614141.00777.0';
const DOCK = 'urn:epc:id:sgln:0614141.00777.1';
const STORE = 'urn:epc:id:sgln:0614141.00888.0';
const EPC1 = 'urn:epc:id:sgtin:0614141.107346.2017';
const EPC2 = 'urn:epc:id:sgtin:0614141.107346.2018';
const PALLET = 'urn:epc:id:sscc:0614141.1234567890';
const LOT = 'urn:epc:class:lgtin:4012345.012345.998877';

const doc = {
  '@context': ['https://ref.gs1.org/standards/epcis/epcis-context.jsonld', { example: 'https://ns.example.com/epcis/' }],
  type: 'EPCISDocument',
  schemaVersion: '2.0',
  creationDate: '2024-01-10T00:00:00Z',
  epcisHeader: {
    epcisMasterData: {
      vocabularyList: [
        {
          type: 'urn:epcglobal:epcis:vtype:BusinessLocation',
          vocabularyElementList: [
            {
              id: SITE,
              attributes: [{ id: 'urn:epcglobal:cbv:mda#name', attribute: 'Site' }],
              children: [DOCK],
            },
            { id: DOCK, attributes: [{ id: 'urn:epcglobal:cbv:mda#sst', attribute: '201' }] },
          ],
        },
      ],
    },
  },
  epcisBody: {
    eventList: [
      {
        type: 'ObjectEvent',
        eventID: 'ev:commission',
        eventTime: '2024-01-01T10:00:00+01:00',
        eventTimeZoneOffset: '+01:00',
        epcList: [EPC1, EPC2],
        action: 'ADD',
        bizStep: 'commissioning',
        disposition: 'active',
        readPoint: { id: SITE },
        bizLocation: { id: SITE },
        'example:temperature': 20,
        ilmd: { 'example:batch': 'B7' },
      },
      {
        type: 'ObjectEvent',
        eventID: 'ev:receive',
        eventTime: '2024-01-02T10:00:00Z',
        eventTimeZoneOffset: '+00:00',
        epcList: [EPC1],
        action: 'OBSERVE',
        bizStep: 'urn:epcglobal:cbv:bizstep:receiving',
        disposition: 'https://ref.gs1.org/cbv/Disp-in_progress',
        readPoint: { id: DOCK },
        bizLocation: { id: DOCK },
        'example:temperature': 25,
      },
      {
        type: 'AggregationEvent',
        eventID: 'ev:pack',
        eventTime: '2024-01-03T10:00:00Z',
        eventTimeZoneOffset: '+00:00',
        parentID: PALLET,
        childEPCs: [EPC1, EPC2],
        action: 'ADD',
        bizStep: 'packing',
        bizLocation: { id: DOCK },
        bizTransactionList: [{ type: 'po', bizTransaction: 'urn:epcglobal:cbv:bt:0614141000005:PO-1' }],
      },
      {
        type: 'TransformationEvent',
        eventID: 'ev:make',
        eventTime: '2024-01-04T10:00:00Z',
        eventTimeZoneOffset: '+00:00',
        inputQuantityList: [{ epcClass: LOT, quantity: 200, uom: 'KGM' }],
        outputEPCList: ['urn:epc:id:sgtin:4012345.077889.25'],
        bizStep: 'https://ref.gs1.org/cbv/BizStep-commissioning',
        bizLocation: { id: STORE },
      },
      {
        type: 'ObjectEvent',
        eventID: 'ev:ship',
        eventTime: '2024-01-05T10:00:00Z',
        eventTimeZoneOffset: '+00:00',
        quantityList: [{ epcClass: LOT, quantity: 7, uom: 'KGM' }],
        action: 'OBSERVE',
        bizStep: 'shipping',
        bizLocation: { id: STORE },
        sourceList: [{ type: 'owning_party', source: 'urn:epc:id:pgln:0614141.00001' }],
        destinationList: [{ type: 'urn:epcglobal:cbv:sdt:owning_party', destination: 'urn:epc:id:pgln:0614141.00002' }],
      },
    ],
  },
};

const eventIds = (events: { eventID: string }[]) => events.map((e) => e.eventID);

describe('EPCIS 2.0 REST', () => {
  let t: EpcisTestServer;
  let firstJob: Awaited<ReturnType<typeof capture>>;
  beforeAll(async () => {
    t = await startEpcisServer({ maxCaptureBytes: 256 * 1024 });
    firstJob = await capture(t.base, { text: JSON.stringify(doc) }, 'application/ld+json');
  });
  afterAll(async () => {
    await t?.close();
  });

  const q = async (params: Record<string, string>, path = '/epcis/events') => {
    const r = await query(t.base, path + qs(params));
    expect(r.problem).toBeUndefined();
    return eventIds(r.events);
  };

  it('capture answers 202 with a Location whose job reports success and the event count', async () => {
    const { res, location } = await postCapture(
      t.base,
      JSON.stringify({ ...doc, epcisBody: { eventList: [] } }),
      'application/json',
    );
    expect(res.status).toBe(202);
    expect(location).toMatch(/^\/epcis\/capture\/[0-9a-f-]{36}$/);
    const job = await waitForJob(t.base, location);
    expect(job).toMatchObject({ running: false, success: true, captureErrorBehaviour: 'rollback', errors: [], eventCount: 0 });
    expect(firstJob).toMatchObject({ success: true, eventCount: 5, newEventCount: 5 });
    const list = (await (await call(t.base, '/epcis/capture')).json()) as { captureID: string }[];
    expect(list.map((j) => j.captureID)).toContain(location.split('/').pop());
  });

  it('an invalid document fails its job, naming the event and the field, and stores nothing', async () => {
    const broken = structuredClone(doc);
    (broken.epcisBody.eventList[1] as Record<string, unknown>).eventID = 'ev:broken';
    (broken.epcisBody.eventList[1] as Record<string, unknown>).action = 'SHAKE';
    const { res, location } = await postCapture(t.base, JSON.stringify(broken), 'application/ld+json');
    expect(res.status).toBe(202);
    const job = await waitForJob(t.base, location);
    expect(job.success).toBe(false);
    expect(job.errors[0]).toMatchObject({ type: 'epcisException:ValidationException', status: 400 });
    expect(job.errors[0]!.detail).toMatch(/eventList\[1\]/);
    expect(job.errors[0]!.detail).toMatch(/action/);
    expect(await q({ EQ_eventID: 'ev:broken' })).toEqual([]);
  });

  it('refuses a body over the capture limit with 413 and an unknown content type with 415', async () => {
    const big = await postCapture(t.base, 'x'.repeat(300 * 1024), 'application/json');
    expect(big.res.status).toBe(413);
    expect(big.res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await big.res.json()).toMatchObject({ type: 'epcisException:CaptureLimitExceededException', status: 413 });
    const csv = await postCapture(t.base, 'a,b', 'text/csv');
    expect(csv.res.status).toBe(415);
  });

  it('an unknown capture id is a 404 problem', async () => {
    const res = await call(t.base, '/epcis/capture/00000000-0000-0000-0000-000000000000');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ type: 'epcisException:NoSuchResourceException' });
  });

  it('answers an EPCISQueryDocument with every field as captured', async () => {
    const res = await call(t.base, '/epcis/events' + qs({ EQ_eventID: 'ev:commission' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('gs1-epcis-version')).toBe('2.0.0');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      type: 'EPCISQueryDocument',
      '@context': ['https://ref.gs1.org/standards/epcis/epcis-context.jsonld', { example: 'https://ns.example.com/epcis/' }],
      epcisBody: { queryResults: { queryName: 'SimpleEventQuery' } },
    });
    const [event] = (body as { epcisBody: { queryResults: { resultsBody: { eventList: Record<string, unknown>[] } } } }).epcisBody
      .queryResults.resultsBody.eventList;
    expect(event).toMatchObject({ ...doc.epcisBody.eventList[0], recordTime: expect.any(String) });
  });

  it('eventType, as a parameter and as a path', async () => {
    expect(await q({ eventType: 'AggregationEvent|TransformationEvent' })).toEqual(['ev:pack', 'ev:make']);
    expect(await q({}, '/epcis/eventTypes/TransformationEvent/events')).toEqual(['ev:make']);
    expect(await q({ EQ_bizStep: 'commissioning' }, '/epcis/queries/SimpleEventQuery/events')).toEqual([
      'ev:commission',
      'ev:make',
    ]);
  });

  it('times: GE_eventTime and LT_eventTime compare instants, whatever the zone', async () => {
    // ev:commission is 09:00Z
    expect(await q({ GE_eventTime: '2024-01-01T09:00:00Z', LT_eventTime: '2024-01-03T10:00:00Z' })).toEqual([
      'ev:commission',
      'ev:receive',
    ]);
    expect(await q({ LT_eventTime: '2024-01-01T10:00:00+01:00' })).toEqual([]);
    expect(await q({ GE_recordTime: '2000-01-01T00:00:00Z' })).toHaveLength(5);
  });

  it('a CBV word matches in every spelling, on both sides', async () => {
    for (const spelling of ['receiving', 'urn:epcglobal:cbv:bizstep:receiving', 'https://ref.gs1.org/cbv/BizStep-receiving']) {
      expect(await q({ EQ_bizStep: spelling })).toEqual(['ev:receive']);
    }
    expect(await q({ EQ_bizStep: 'urn:epcglobal:cbv:bizstep:commissioning' })).toEqual(['ev:commission', 'ev:make']);
    expect(await q({ EQ_disposition: 'in_progress|urn:epcglobal:cbv:disp:active' })).toEqual(['ev:commission', 'ev:receive']);
    expect(await q({ EQ_action: 'ADD' })).toEqual(['ev:commission', 'ev:pack']);
  });

  it('read points and locations, with descendants from master data (WD_), and master-data attributes', async () => {
    expect(await q({ EQ_bizLocation: SITE })).toEqual(['ev:commission']);
    expect(await q({ WD_bizLocation: SITE })).toEqual(['ev:commission', 'ev:receive', 'ev:pack']);
    expect(await q({ WD_readPoint: DOCK })).toEqual(['ev:receive']);
    expect(await q({ 'EQATTR_bizLocation_urn:epcglobal:cbv:mda#sst': '201' })).toEqual(['ev:receive', 'ev:pack']);
    expect(await q({ HASATTR_bizLocation: 'urn:epcglobal:cbv:mda#name' })).toEqual(['ev:commission']);
  });

  it('EPCs: instances, parents, inputs, outputs, patterns and Digital Links', async () => {
    expect(await q({ MATCH_epc: EPC1 })).toEqual(['ev:commission', 'ev:receive', 'ev:pack']);
    expect(await q({ MATCH_anyEPC: PALLET })).toEqual(['ev:pack']);
    expect(await q({ MATCH_parentID: PALLET })).toEqual(['ev:pack']);
    expect(await q({ MATCH_epc: 'urn:epc:idpat:sgtin:0614141.107346.*' })).toEqual(['ev:commission', 'ev:receive', 'ev:pack']);
    expect(await q({ MATCH_outputEPC: 'https://id.gs1.org/01/04012345778893/21/25' })).toEqual(['ev:make']);
    expect(await q({ MATCH_anyEPC: 'urn:epc:id:sgtin:4012345.077889.25' })).toEqual(['ev:make']);
    expect(await q({ MATCH_epcClass: LOT })).toEqual(['ev:ship']);
    expect(await q({ MATCH_inputEPCClass: LOT })).toEqual(['ev:make']);
    expect(await q({ MATCH_anyEPCClass: 'urn:epc:idpat:sgtin:4012345.012345.*' })).toEqual(['ev:make', 'ev:ship']);
  });

  it('quantities, business transactions, sources and destinations', async () => {
    expect(await q({ GT_quantity: '7' })).toEqual(['ev:make']);
    expect(await q({ LE_quantity: '7' })).toEqual(['ev:ship']);
    expect(await q({ EQ_bizTransaction_po: 'urn:epcglobal:cbv:bt:0614141000005:PO-1' })).toEqual(['ev:pack']);
    expect(await q({ 'EQ_bizTransaction_https://ref.gs1.org/cbv/BTT-po': 'urn:epcglobal:cbv:bt:0614141000005:PO-1' })).toEqual([
      'ev:pack',
    ]);
    expect(await q({ EQ_source_owning_party: 'urn:epc:id:pgln:0614141.00001' })).toEqual(['ev:ship']);
    expect(await q({ EQ_destination_owning_party: 'urn:epc:id:pgln:0614141.00002' })).toEqual(['ev:ship']);
  });

  it('extension fields by namespace IRI, top level and in ilmd', async () => {
    const temp = 'https://ns.example.com/epcis/temperature';
    expect(await q({ [`EQ_${temp}`]: '25' })).toEqual(['ev:receive']);
    expect(await q({ [`GT_${temp}`]: '20' })).toEqual(['ev:receive']);
    expect(await q({ [`GE_${temp}`]: '20' })).toEqual(['ev:commission', 'ev:receive']);
    expect(await q({ [`EXISTS_${temp}`]: '' })).toEqual(['ev:commission', 'ev:receive']);
    expect(await q({ 'EQ_ILMD_https://ns.example.com/epcis/batch': 'B7' })).toEqual(['ev:commission']);
  });

  it('orderBy, orderDirection, eventCountLimit and maxEventCount', async () => {
    expect(await q({ orderBy: 'eventTime' })).toEqual(['ev:ship', 'ev:make', 'ev:pack', 'ev:receive', 'ev:commission']);
    expect(await q({ orderBy: 'eventTime', orderDirection: 'ASC', eventCountLimit: '2' })).toEqual([
      'ev:commission',
      'ev:receive',
    ]);
    expect(await q({ maxEventCount: '5' })).toHaveLength(5);
    const tooMany = await query(t.base, '/epcis/events' + qs({ maxEventCount: '4' }));
    expect(tooMany.status).toBe(413);
    expect(tooMany.problem).toMatchObject({ type: 'epcisException:QueryTooLargeException', status: 413 });
  });

  it('pages with perPage and a Link rel="next" header that carries the nextPageToken', async () => {
    const first = await call(t.base, '/epcis/events' + qs({ perPage: '2', orderBy: 'eventTime', orderDirection: 'ASC' }));
    const link = first.headers.get('link');
    expect(link).toMatch(/^<\/epcis\/events\?.*nextPageToken=[^>]+>; rel="next"$/);
    const all = await query(t.base, '/epcis/events' + qs({ perPage: '2', orderBy: 'eventTime', orderDirection: 'ASC' }));
    expect(all.pages).toBe(3);
    expect(eventIds(all.events)).toEqual(['ev:commission', 'ev:receive', 'ev:pack', 'ev:make', 'ev:ship']);
    const captureOrder = await query(t.base, '/epcis/events' + qs({ perPage: '2', eventCountLimit: '4' }));
    expect(captureOrder.pages).toBe(2);
    expect(eventIds(captureOrder.events)).toEqual(['ev:commission', 'ev:receive', 'ev:pack', 'ev:make']);
    const last = await call(t.base, '/epcis/events' + qs({ perPage: '5' }));
    expect(last.headers.get('link')).toBeNull();
  });

  it('answers parameter mistakes with QueryParameterException problems', async () => {
    const cases: [string, RegExp][] = [
      ['?EQ_abcd=X', /EQ_abcd/],
      ['?GE_quantity=3.1459', /GE_quantity/],
      ['?eventCountLimit=five', /eventCountLimit/],
      ['?EQ_bizStep=receiving&EQ_bizStep=shipping', /more than once/],
      ['?eventCountLimit=5&maxEventCount=10', /mutually exclusive/],
      ['?GE_eventTime=yesterday', /GE_eventTime/],
      ['?orderDirection=UP', /orderDirection/],
      ['?nextPageToken=garbage', /nextPageToken/],
    ];
    for (const [search, detail] of cases) {
      const res = await call(t.base, '/epcis/events' + search);
      expect(res.status, search).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const body = (await res.json()) as { type: string; detail: string };
      expect(body.type, search).toBe('epcisException:QueryParameterException');
      expect(body.detail, search).toMatch(detail);
    }
    const noSuch = await call(t.base, '/epcis/queries/QueryX/events');
    expect(noSuch.status).toBe(404);
    expect(await noSuch.json()).toMatchObject({ type: 'epcisException:NoSuchNameException' });
  });

  it('an empty parameter value restricts nothing', async () => {
    expect(await q({ eventType: 'ObjectEvent', EQ_bizStep: '' })).toEqual(['ev:commission', 'ev:receive', 'ev:ship']);
  });

  it('capturing the same events again stores them once (by eventID)', async () => {
    const again = await capture(t.base, { text: JSON.stringify(doc) }, 'application/json');
    expect(again).toMatchObject({ success: true, eventCount: 5, newEventCount: 0 });
    expect(await q({})).toHaveLength(5);
  });

  it('events without an eventID get their CBV 2.0 hash id, so a resend in another spelling is stored once', async () => {
    const event = { type: 'ObjectEvent', eventTime: '2024-02-01T00:00:00Z', eventTimeZoneOffset: '+00:00', action: 'OBSERVE' };
    const one = {
      ...event,
      epcList: ['urn:epc:id:sgtin:0614141.107346.1', 'urn:epc:id:sgtin:0614141.107346.2'],
      bizStep: 'inspecting',
    };
    const two = {
      ...event,
      eventTime: '2024-02-01T01:00:00+01:00',
      epcList: ['urn:epc:id:sgtin:0614141.107346.2', 'urn:epc:id:sgtin:0614141.107346.1'],
      bizStep: 'urn:epcglobal:cbv:bizstep:inspecting',
    };
    const wrap = (e: object) => JSON.stringify({ ...doc, epcisHeader: undefined, epcisBody: { eventList: [e] } });
    expect(await capture(t.base, { text: wrap(one) })).toMatchObject({ newEventCount: 1 });
    expect(await capture(t.base, { text: wrap(two) })).toMatchObject({ newEventCount: 0 });
    const found = await q({ EQ_bizStep: 'inspecting' });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
  });

  it('takes application/xml: the same event as XML and as JSON is one event, and a bad XML event is named with its field', async () => {
    const xml = (action: string) => `<?xml version="1.0" encoding="UTF-8"?>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0" creationDate="2024-03-01T00:00:00Z">
  <EPCISBody><EventList>
    <ObjectEvent>
      <eventTime>2024-03-01T00:00:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
      <epcList><epc>urn:epc:id:sgtin:0614141.107346.3001</epc></epcList>
      <action>OBSERVE</action><bizStep>https://ref.gs1.org/cbv/BizStep-storing</bizStep>
    </ObjectEvent>
    <ObjectEvent>
      <eventTime>2024-03-02T00:00:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
      <epcList><epc>urn:epc:id:sgtin:0614141.107346.3002</epc></epcList>
      <action>${action}</action><bizStep>urn:epcglobal:cbv:bizstep:storing</bizStep>
    </ObjectEvent>
  </EventList></EPCISBody>
</epcis:EPCISDocument>`;
    const bad = await postCapture(t.base, xml('SHAKE'), 'application/xml');
    expect(bad.res.status).toBe(202);
    const failed = await waitForJob(t.base, bad.location);
    expect(failed).toMatchObject({ success: false, errors: [{ type: 'epcisException:ValidationException' }] });
    expect(failed.errors[0]!.detail).toMatch(/\[1\]/);
    expect(failed.errors[0]!.detail).toMatch(/action/);
    expect(await q({ EQ_bizStep: 'storing' })).toEqual([]);

    expect(await capture(t.base, { text: xml('OBSERVE') }, 'text/xml')).toMatchObject({ eventCount: 2, newEventCount: 2 });
    const json = {
      type: 'ObjectEvent',
      eventTime: '2024-03-01T01:00:00+01:00',
      eventTimeZoneOffset: '+00:00',
      epcList: ['urn:epc:id:sgtin:0614141.107346.3001'],
      action: 'OBSERVE',
      bizStep: 'storing',
    };
    const wrapped = JSON.stringify({
      '@context': doc['@context'],
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      creationDate: doc.creationDate,
      epcisBody: { eventList: [json] },
    });
    expect(await capture(t.base, { text: wrapped }, 'application/json')).toMatchObject({ eventCount: 1, newEventCount: 0 });
    expect(await q({ EQ_bizStep: 'urn:epcglobal:cbv:bizstep:storing' })).toHaveLength(2);
  });

  it('captured events reach the graph, so traces work on them', async () => {
    const trace = await t.store.traceBackward(['urn:epc:id:sgtin:4012345.077889.25']);
    expect(trace.lots).toContain(LOT);
  });

  it('another process capturing into the same data directory is seen by the next query', async () => {
    const other = new EpcisRepository(t.dataDir);
    await other.addDocument([{ ...doc.epcisBody.eventList[1], eventID: 'ev:elsewhere' }], [], {});
    expect(await q({ EQ_eventID: 'ev:elsewhere' })).toEqual(['ev:elsewhere']);
  });

  it('OpenTraceability advanced filters: MATCH_anyEPC + EQ_bizStep (URN spelling) + EQ_bizLocation give exactly 1 event', async () => {
    const file = fixture('opentraceability/Tests-Data/testserver_advancedfilters.jsonld');
    await capture(t.base, { text: readFileSync(file, 'utf8') }, 'application/ld+json');
    const epc = 'urn:epc:id:sscc:08600031303.0004';
    expect(await q({ MATCH_anyEPC: epc })).toHaveLength(6);
    expect(
      await q({
        MATCH_anyEPC: epc,
        EQ_bizStep: 'urn:epcglobal:cbv:bizStep:receiving',
        EQ_bizLocation: 'urn:gdst:example.org:location:loc:importer.123u',
      }),
    ).toEqual([expect.stringMatching(/^urn:uuid:6cdb783c-.*be20U$/)]);
  });
});

describe('EPCIS capture through the ingest pipeline', () => {
  it('logs the captured events durably and the pipeline writes them to the graph', async () => {
    const dataDir = tempDir('tracegraph-epcis-pipeline-');
    const store = await KuzuStore.open({ dataDir, bufferMb: 64 });
    const pipeline = new Pipeline({ dataDir, store, warn: () => undefined, batchWindowMs: 20 });
    await pipeline.start();
    const server = await createApiServer({ store, port: 0, dataDir, pipeline, devKey: DEV_KEY });
    try {
      const base = server.url.replace(/\/graphql$/, '');
      await capture(base, { text: JSON.stringify(doc) }, 'application/ld+json');
      expect(pipeline.counters['epcis-capture']?.accepted).toBeGreaterThan(0);
      await pipeline.flush();
      expect((await store.traceBackward(['urn:epc:id:sgtin:4012345.077889.25'])).lots).toContain(LOT);
    } finally {
      await server.close();
      await pipeline.close();
      await store.close();
    }
  });
});

describe('EPCIS REST is behind the same keys and roles as GraphQL', () => {
  it('answers 401 without a key, 403 when the role may not capture, and audits a capture', async () => {
    const dataDir = tempDir('tracegraph-epcis-auth-');
    const store = await KuzuStore.open({ dataDir, bufferMb: 64 });
    const server = await createApiServer({ store, port: 0, dataDir, devKey: DEV_KEY });
    const audit = new AuditTrail(dataDir);
    const serviceKey = await new UserStore(dataDir, audit).add({ name: 'cs', role: 'service', by: 'test' });
    try {
      const base = server.url.replace(/\/graphql$/, '');
      const body = JSON.stringify(doc);
      const post = (key: string | null) =>
        fetch(`${base}/epcis/capture`, {
          method: 'POST',
          headers: { 'content-type': 'application/ld+json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
          body,
        });
      const anonymous = await post(null);
      expect(anonymous.status).toBe(401);
      expect(((await anonymous.json()) as { type: string }).type).toBe('epcisException:SecurityException');
      const service = await post(serviceKey);
      expect(service.status).toBe(403);
      expect(((await service.json()) as { detail: string }).detail).toMatch(/scope capture/);
      const query = await fetch(`${base}/epcis/events`, { headers: { authorization: `Bearer ${serviceKey}` } });
      expect(query.status).toBe(403);
      expect((await post(DEV_KEY)).status).toBe(202);
      const { entries } = await audit.query({ first: 10, action: 'epcis.capture' });
      expect(entries.map((e) => e.actor)).toEqual(['dev']);
    } finally {
      await server.close();
      await store.close();
    }
  });
});
