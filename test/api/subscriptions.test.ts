/**
 * Subscriptions against a started server over real HTTP (SSE) and WebSocket (a graphql-ws client
 * on `ws`): holdChanged from the hold mutations, readings from a real Pipeline committing to the
 * same embedded store, alarmRaised from publishAlarmRaised.
 */
import { printSchema } from 'graphql/index.js';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AuditTrail } from '../../domain/audit/trail.ts';
import { UserStore } from '../../domain/auth/users.ts';
import { createLiveBus, publishCommitted, publishAlarmRaised, type Alarm, type LiveBus } from '../../domain/live/bus.ts';
import { createApiServer, type ApiServer } from '../../api/server.ts';
import { buildSchema } from '../../api/schema/index.ts';
import { KuzuStore } from '../../cypher/kuzu/adapter.ts';
import type { GraphStore } from '../../cypher/port.ts';
import { Pipeline } from '../../ingest/pipeline/pipeline.ts';
import { receive } from '../helpers/events.ts';
import { tempDir } from '../helpers/stores.ts';
import { DEV_KEY, gql } from './client.ts';
import { firstAfter, Inbox, sse, type Payload } from './sse.ts';

/** An alarm as the monitor stores it, from the fields a test cares about. */
const alarmOf = (a: Pick<Alarm, 'id' | 'equipmentId' | 'parameter' | 'value' | 'limit' | 'raisedAt' | 'message'>): Alarm => ({
  rule: 'spec',
  status: 'open',
  lsl: null,
  usl: a.limit,
  uom: null,
  recipeId: null,
  specVersion: 1,
  readingEventId: 'rd-0',
  clearedAt: null,
  clearValue: null,
  ...a,
});

function wsSubscribe(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const inbox = new Inbox();
  const stop = client.subscribe(
    { query, variables },
    {
      next: (v) => inbox.push(v as Payload),
      error: (e) => {
        inbox.push({ errors: Array.isArray(e) ? (e as Payload['errors']) : [{ message: String((e as Error).message ?? e) }] });
        inbox.end();
      },
      complete: () => inbox.end(),
    },
  );
  return { inbox, stop };
}

const HOLD_SUB = 'subscription { holdChanged { id status reason releasedBy releaseMeaning items { id } } }';
const PLACE = 'mutation($r: String!) { placeHold(items: ["L1"], reason: $r) { id } }';
const RELEASE = 'mutation($id: ID!, $pw: String!) { releaseHold(id: $id, meaning: "cleared", password: $pw) { id } }';

describe('subscription and hold names (clients depend on them)', () => {
  it('declares holds, placeHold, releaseHold, holdChanged, alarmRaised and readings(equipmentId)', () => {
    const sdl = printSchema(buildSchema()).replace(/"""[\s\S]*?"""\s*/g, '');
    expect(sdl).toMatch(/holds\(\s*status: HoldStatus\s*item: ID\s*\): \[Hold!\]!/);
    expect(sdl).toMatch(/placeHold\(\s*items: \[ID!\]!\s*reason: String!\s*includeDownstream: Boolean = false\s*\): Hold!/);
    expect(sdl).toMatch(/releaseHold\(\s*id: ID!\s*meaning: String!\s*password: String!\s*\): Hold!/);
    expect(sdl).toMatch(/type Subscription \{[^}]*holdChanged: Hold!/);
    expect(sdl).toMatch(/type Subscription \{[^}]*alarmRaised: Alarm!/);
    expect(sdl).toMatch(/type Subscription \{[^}]*readings\(equipmentId: ID!\): LiveReading!/);
  });
});

describe('subscriptions', () => {
  let store: GraphStore;
  let server: ApiServer;
  let pipeline: Pipeline;
  let bus: LiveBus;
  const keys: Record<'quality' | 'service', string> = { quality: '', service: '' };
  const clients: Client[] = [];
  const wsUrl = () => server.url.replace(/^http/, 'ws');
  const client = (connectionParams: Record<string, unknown>) => {
    const c = createClient({ url: wsUrl(), webSocketImpl: WebSocket, connectionParams, retryAttempts: 0, lazy: true });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    const dataDir = tempDir();
    store = await KuzuStore.open({ dataDir, bufferMb: 64 });
    await store.applyEvents([receive('r1', 'L1')]);
    const trail = new AuditTrail(dataDir);
    const users = new UserStore(dataDir, trail);
    keys.quality = await users.add({ name: 'qe', role: 'quality', password: 'qe-password-123', by: 'test' });
    keys.service = await users.add({ name: 'svc', role: 'service', password: 'svc-password-123', by: 'test' });
    bus = createLiveBus();
    pipeline = new Pipeline({
      dataDir: tempDir(),
      store,
      batchWindowMs: 10,
      onCommitted: publishCommitted(bus),
      warn: () => undefined,
    });
    await pipeline.start();
    server = await createApiServer({ store, port: 0, dataDir, devKey: DEV_KEY, live: bus });
  });
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await server?.close();
    await pipeline?.close();
    await store?.close();
  });

  it('holdChanged over SSE: placing and releasing a hold reach the subscriber', async () => {
    const sub = await sse(server.url, HOLD_SUB);
    expect(sub.res.status).toBe(200);
    expect(sub.res.headers.get('content-type')).toMatch(/text\/event-stream/);
    let n = 0;
    const placed = await firstAfter(sub.inbox, () => gql(server.url, PLACE, { r: `sse ${++n}` }, keys.quality));
    const hold = placed.data!.holdChanged as { id: string; status: string; reason: string; items: { id: string }[] };
    expect(hold).toMatchObject({ status: 'active', reason: expect.stringMatching(/^sse \d+$/), items: [{ id: 'L1' }] });

    const r = await gql(server.url, RELEASE, { id: hold.id, pw: 'qe-password-123' }, keys.quality);
    expect(r.errors).toBeUndefined();
    // later placements (from the retries above) may come first: look for the release
    let released: Payload | undefined;
    for (let p = await sub.inbox.next(); p; p = await sub.inbox.next()) {
      const h = p.data!.holdChanged as { id: string; status: string };
      if (h.id === hold.id) {
        released = p;
        break;
      }
    }
    expect(released?.data!.holdChanged).toMatchObject({
      id: hold.id,
      status: 'released',
      releasedBy: 'qe',
      releaseMeaning: 'cleared',
    });
    sub.stop();
  });

  it('SSE subscriptions go through the HTTP gate and the scopes', async () => {
    const anon = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: HOLD_SUB }),
    });
    expect(anon.status).toBe(401);
    await anon.body?.cancel();
    const svc = await sse(server.url, HOLD_SUB, {}, keys.service);
    const refused = await svc.inbox.next();
    expect(refused?.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    svc.stop();
  });

  it('holdChanged over WebSocket (graphql-ws), authenticated in connection_init', async () => {
    const c = client({ authorization: `Bearer ${keys.quality}` });
    const { inbox, stop } = wsSubscribe(c, HOLD_SUB);
    let n = 0;
    const placed = await firstAfter(inbox, () => gql(server.url, PLACE, { r: `ws ${++n}` }, keys.quality));
    const hold = placed.data!.holdChanged as { id: string; status: string };
    expect(hold.status).toBe('active');
    await gql(server.url, RELEASE, { id: hold.id, pw: 'qe-password-123' }, keys.quality);
    let released: Payload | undefined;
    for (let p = await inbox.next(); p; p = await inbox.next()) {
      if ((p.data!.holdChanged as { id: string }).id === hold.id) {
        released = p;
        break;
      }
    }
    expect(released?.data!.holdChanged).toMatchObject({ id: hold.id, status: 'released' });
    stop();
  });

  it('a WebSocket without a valid key is closed before any operation; a token in { token } works too', async () => {
    for (const params of [{}, { authorization: 'Bearer not-a-key' }, { token: 'nope' }]) {
      const { inbox } = wsSubscribe(client(params), HOLD_SUB);
      const r = await inbox.next();
      expect(r?.data ?? null, JSON.stringify(params)).toBeNull();
      expect(inbox.closed).toBe(true);
    }
    const viaToken = wsSubscribe(client({ token: DEV_KEY }), 'subscription { alarmRaised { id } }');
    const got = await firstAfter(viaToken.inbox, () =>
      publishAlarmRaised(
        bus,
        alarmOf({
          id: 'A-0',
          equipmentId: 'EQ-1',
          parameter: 'p',
          value: 1,
          limit: 0,
          raisedAt: '2026-03-01T08:00:00Z',
          message: 'm',
        }),
      ),
    );
    expect(got.data).toEqual({ alarmRaised: { id: 'A-0' } });
    viaToken.stop();
  });

  it('WebSocket subscriptions keep the scopes: service may not watch holds', async () => {
    const { inbox } = wsSubscribe(client({ authorization: `Bearer ${keys.service}` }), HOLD_SUB);
    const r = await inbox.next();
    expect(r?.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('readings(equipmentId) over SSE: a reading submitted to the pipeline arrives once committed, only for that equipment', async () => {
    const sub = await sse(
      server.url,
      'subscription { readings(equipmentId: "EQ-1") { eventId equipmentId parameter value uom } }',
    );
    let n = 0;
    const first = await firstAfter(sub.inbox, async () => {
      n++;
      // the other machine's reading goes first each time: were the filter missing it would arrive first
      await pipeline.submit('test', [
        {
          kind: 'reading',
          eventId: `rd-other-${n}`,
          eventTime: '2026-03-01T08:00:00Z',
          equipmentId: 'EQ-2',
          parameter: 'temp',
          value: 99,
        },
        {
          kind: 'reading',
          eventId: `rd-${n}`,
          eventTime: '2026-03-01T08:00:00Z',
          equipmentId: 'EQ-1',
          parameter: 'temp',
          value: 180.5,
          uom: 'Cel',
        },
      ]);
      await pipeline.flush();
    });
    expect(first.data).toEqual({
      readings: { eventId: expect.stringMatching(/^rd-\d+$/), equipmentId: 'EQ-1', parameter: 'temp', value: 180.5, uom: 'Cel' },
    });
    // it is in the store by the time it is announced
    expect((await store.stats()).nodes.Reading).toBeGreaterThanOrEqual(2);
    sub.stop();
  });

  it('alarmRaised over SSE delivers what publishAlarmRaised publishes', async () => {
    const sub = await sse(server.url, 'subscription { alarmRaised { id equipmentId parameter value limit raisedAt message } }');
    const alarm = {
      id: 'A-1',
      equipmentId: 'EQ-1',
      parameter: 'temp',
      value: 212,
      limit: 200,
      raisedAt: '2026-03-01T08:00:00Z',
      message: 'temp 212 over limit 200',
    };
    const got = await firstAfter(sub.inbox, () => publishAlarmRaised(bus, alarmOf(alarm)));
    expect(got.data).toEqual({ alarmRaised: alarm });
    sub.stop();
  });
});
