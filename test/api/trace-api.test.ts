/** The GraphQL API over real HTTP, on every backend: traces, bad input, errors, /healthz, GraphiQL, `tracegraph serve`. */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TracegraphError } from '../../core/errors.ts';
import type { GraphStore, TraceResult } from '../../cypher/port.ts';
import { createApiServer, type ApiServer } from '../../api/server.ts';
import { startApiServer, type TestApi } from '../helpers/api-server.ts';
import { startCli } from '../helpers/cli.ts';
import { backends, tempDir } from '../helpers/stores.ts';
import { op, pack, receive, ship } from '../helpers/events.ts';
import { DEV_KEY, freePort, gql } from './client.ts';

const SGTIN = 'urn:epc:id:sgtin:4012345.077889.25';
const DIGITAL_LINK = 'https://id.gs1.org/01/04012345778893/21/25';

/** A lot mixed into a lot, assembled into three units (one named by an SGTIN), one case, two shipments. */
const plant = () => [
  receive('r1', 'L1'),
  op('mix', ['L1'], ['M1']),
  op('asm', ['M1'], ['U1', 'U2', SGTIN], 'unit'),
  pack('p1', 'CASE1', ['U1', SGTIN]),
  ship('s1', 'SHP1', ['CASE1'], 'CUST-A'),
  ship('s2', 'SHP2', ['U2'], 'CUST-B'),
];

const TRACE_FIELDS = '{ lots { id } units { id } containers { id } shipments { id } customers { id } }';

/** The trace as plain id lists, sorted (the order of a list is not part of the contract). */
function ids(trace: unknown): TraceResult {
  const t = trace as Record<keyof TraceResult, { id: string }[]>;
  const list = (k: keyof TraceResult) => t[k].map((x) => x.id).sort();
  return {
    lots: list('lots'),
    units: list('units'),
    containers: list('containers'),
    shipments: list('shipments'),
    customers: list('customers'),
  };
}

const traceQuery = (direction: 'Forward' | 'Backward') =>
  `query($from: [ID!]!) { trace${direction}(from: $from) ${TRACE_FIELDS} }`;

for (const backend of backends()) {
  describe.skipIf(backend.skip)(`GraphQL API on ${backend.name}`, () => {
    let server: TestApi;
    beforeAll(async () => {
      server = await startApiServer(backend, { events: plant() });
    });
    afterAll(() => server?.close());

    it('traceForward returns every lot, unit, container, shipment and customer made from a supplier lot', async () => {
      const r = await gql(server.url, traceQuery('Forward'), { from: ['L1'] });
      expect(r.errors).toBeUndefined();
      expect(ids(r.data?.traceForward)).toEqual({
        lots: ['M1'],
        units: ['U1', 'U2', SGTIN].sort(),
        containers: ['CASE1'],
        shipments: ['SHP1', 'SHP2'],
        customers: ['CUST-A', 'CUST-B'],
      });
    });

    it('traceBackward accepts a GS1 Digital Link and answers with EPC URNs', async () => {
      const r = await gql(server.url, traceQuery('Backward'), { from: [DIGITAL_LINK] });
      expect(r.errors).toBeUndefined();
      expect(ids(r.data?.traceBackward)).toEqual({ lots: ['L1', 'M1'], units: [], containers: [], shipments: [], customers: [] });
    });

    it('traceBackward from a case lists its contents and what they were made from', async () => {
      const r = await gql(server.url, `{ traceBackward(from: ["CASE1", "  U2  "]) ${TRACE_FIELDS} }`);
      expect(r.errors).toBeUndefined();
      expect(ids(r.data?.traceBackward)).toEqual({
        lots: ['L1', 'M1'],
        units: ['U1', SGTIN].sort(),
        containers: [],
        shipments: [],
        customers: [],
      });
    });

    it('an unknown id traces to nothing', async () => {
      const r = await gql(server.url, traceQuery('Forward'), { from: ['NO-SUCH-LOT'] });
      expect(ids(r.data?.traceForward)).toEqual({ lots: [], units: [], containers: [], shipments: [], customers: [] });
    });

    it('answers bad input with BAD_INPUT and a message that says what to change', async () => {
      const empty = await gql(server.url, traceQuery('Forward'), { from: [] });
      expect(empty.errors?.[0]).toMatchObject({
        message: expect.stringMatching(/at least one/),
        extensions: { code: 'BAD_INPUT' },
      });
      const tooMany = await gql(server.url, traceQuery('Backward'), { from: Array.from({ length: 1001 }, (_, i) => `U${i}`) });
      expect(tooMany.errors?.[0]).toMatchObject({
        message: expect.stringMatching(/1001 ids; at most 1000/),
        extensions: { code: 'BAD_INPUT' },
      });
      const blank = await gql(server.url, traceQuery('Forward'), { from: ['L1', ' '] });
      expect(blank.errors?.[0]).toMatchObject({
        message: expect.stringMatching(/from\[1\] is empty/),
        extensions: { code: 'BAD_INPUT' },
      });
      const long = await gql(server.url, traceQuery('Forward'), { from: ['x'.repeat(513)] });
      expect(long.errors?.[0]).toMatchObject({
        message: expect.stringMatching(/at most 512/),
        extensions: { code: 'BAD_INPUT' },
      });
      // not a list: as a variable, and written into the query
      const obj = await gql(server.url, traceQuery('Forward'), { from: { id: 'L1' } });
      expect(obj.data ?? undefined).toBeUndefined();
      expect(obj.errors?.[0]).toMatchObject({ message: expect.stringMatching(/\$from/), extensions: { code: 'BAD_INPUT' } });
      const inline = await gql(server.url, `{ traceForward(from: { id: "L1" }) { lots { id } } }`);
      expect(inline.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    });

    it('refuses a body over 1 MiB with 413', async () => {
      const res = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: traceQuery('Forward'), variables: { from: ['x'.repeat(1024 * 1024)] } }),
      });
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_INPUT' } }] });
    });

    it('GET /healthz reports ok and the backend', async () => {
      const res = await fetch(new URL('/healthz', server.url));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok', backend: backend.name });
    });

    it('serves GraphiQL on GET /graphql to a browser', async () => {
      const res = await fetch(server.url, { headers: { accept: 'text/html' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(await res.text()).toMatch(/graphiql/i);
    });

    it('tracegraph serve --port P --data DIR starts, answers and stops on SIGTERM', async () => {
      const port = await freePort();
      const env = { ...backend.env(join(tempDir(), 'data')), NODE_ENV: 'production', TRACEGRAPH_DEV_KEY: DEV_KEY };
      const serve = startCli(['serve', '--port', String(port)], { env });
      try {
        await serve.waitForOutput(/GraphQL API at \S+/);
        const url = /GraphQL API at (\S+)/.exec(serve.stdout())![1]!;
        expect(url).toBe(`http://127.0.0.1:${port}/graphql`);
        const r = await gql(url, `{ traceForward(from: ["NO-SUCH-LOT"]) { lots { id } } }`);
        expect(r).toMatchObject({ status: 200, data: { traceForward: { lots: [] } } });
        expect(r.errors).toBeUndefined();
        // NODE_ENV=production: no GraphiQL
        const page = await fetch(url, { headers: { accept: 'text/html' } });
        expect(String(page.headers.get('content-type'))).not.toMatch(/text\/html/);
      } finally {
        serve.child.kill('SIGTERM');
      }
      expect(await serve.exited).toBe(0);
    });
  });
}

/** A store that fails the way we ask it to: for the error paths no real backend takes on demand. */
function failingStore(error: Error): GraphStore {
  const fail = () => Promise.reject(error);
  return {
    backend: 'kuzu',
    applyEvents: fail,
    traceForward: fail,
    traceBackward: fail,
    stats: fail,
    ping: fail,
    warmUp: fail,
    traceQuantities: fail,
    traceEvents: fail,
    recallScope: fail,
    saveRecall: fail,
    listRecalls: fail,
    setRecallStatus: fail,
    massBalance: fail,
    // --- holds ---
    placeHold: fail,
    releaseHold: fail,
    holds: fail,
    addToHold: fail,
    // --- end holds ---
    saveSpec: fail,
    specs: fail,
    openAlarm: fail,
    clearAlarm: fail,
    acknowledgeAlarm: fail,
    escalateAlarm: fail,
    setAlarmHold: fail,
    itemProgress: fail,
    saveControlLimits: fail,
    controlLimits: fail,
    alarms: fail,
    close: async () => {},
    itemRecord: fail,
    itemRecords: fail,
    itemsReceived: fail,
    neighbours: fail,
    itemStatus: fail,
    readings: fail,
    qualityFacts: fail,
    equipmentIds: fail,
    listLots: fail,
    listMaterials: fail,
    listEquipment: fail,
    listOperators: fail,
    listCustomers: fail,
    listShipments: fail,
    listRecallPage: fail,
  };
}

describe('GraphQL API errors', () => {
  const servers: ApiServer[] = [];
  afterAll(async () => Promise.all(servers.map((s) => s.close())));
  const start = async (store: GraphStore) => {
    const s = await createApiServer({ store, port: 0, dataDir: tempDir(), devKey: DEV_KEY });
    servers.push(s);
    return s;
  };

  it('passes a TracegraphError through with its code and message', async () => {
    const s = await start(
      failingStore(new TracegraphError('STORE_UNAVAILABLE', 'Neo4j at bolt://db:7687 is not answering: is it running?')),
    );
    const r = await gql(s.url, `{ traceForward(from: ["L1"]) { lots { id } } }`);
    expect(r.errors).toEqual([
      expect.objectContaining({
        message: 'Neo4j at bolt://db:7687 is not answering: is it running?',
        extensions: { code: 'STORE_UNAVAILABLE' },
      }),
    ]);
  });

  it('masks any other error', async () => {
    const s = await start(failingStore(new Error('driver exploded at /srv/secret/path')));
    const r = await gql(s.url, `{ traceBackward(from: ["L1"]) { lots { id } } }`);
    expect(r.errors?.[0]?.message).toBe('Unexpected error.');
    expect(JSON.stringify(r)).not.toContain('secret');
  });

  it('GET /healthz answers 503 with the reason when the store fails', async () => {
    const s = await start(failingStore(new TracegraphError('STORE_UNAVAILABLE', 'Neo4j is not answering')));
    const res = await fetch(new URL('/healthz', s.url));
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unavailable', backend: 'kuzu', reason: 'Neo4j is not answering' });
  });
});
