/**
 * Specs and alarms over real HTTP against a started server on the embedded store, with a real
 * Pipeline whose committed readings go to the live bus and the monitor: the signed changeSpec
 * (wrong and right password, bad input), specs, alarms raised once and cleared by the pipeline's
 * readings, alarmRaised over SSE, and the spec beside each parameter in a unit's history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditTrail } from '../../domain/audit/trail.ts';
import { ROLES, type Role } from '../../domain/auth/roles.ts';
import { UserStore } from '../../domain/auth/users.ts';
import { createLiveBus, liveMonitorHooks, publishCommitted, type LiveBus } from '../../domain/live/bus.ts';
import { createApiServer, type ApiServer } from '../../api/server.ts';
import type { CanonicalEventInput } from '../../core/events.ts';
import { KuzuStore } from '../../cypher/kuzu/adapter.ts';
import type { GraphStore } from '../../cypher/port.ts';
import { Monitor } from '../../ingest/monitor/monitor.ts';
import { allCommitted, Pipeline } from '../../ingest/pipeline/pipeline.ts';
import { ev } from '../helpers/events.ts';
import { tempDir } from '../helpers/stores.ts';
import { gql, type GqlResponse } from './client.ts';
import { firstAfter, sse } from './sse.ts';

const password = (role: Role) => `pw-${role}-battery-staple`;
const SPEC_FIELDS = 'parameter equipmentId recipeId lsl usl target uom version changedBy changedAt reason';
const CHANGE = `mutation Change($spec: SpecInput!, $password: String!) {
  changeSpec(spec: $spec, password: $password) { ${SPEC_FIELDS} } }`;
const ALARM_FIELDS =
  'id rule status equipmentId parameter value limit lsl usl uom specVersion raisedAt readingEventId clearedAt clearValue message';
const ALARMS = `query Alarms($status: AlarmStatus, $equipmentId: ID, $from: String, $to: String, $limit: Int) {
  alarms(status: $status, equipmentId: $equipmentId, from: $from, to: $to, limit: $limit) { ${ALARM_FIELDS} } }`;

const codeOf = (r: GqlResponse) => r.errors?.[0]?.extensions?.code;
const oven = (over: Record<string, unknown> = {}) => ({
  parameter: 'zone1_temp',
  equipmentId: 'OVEN-1',
  lsl: 145,
  usl: 155,
  target: 150,
  uom: 'Cel',
  reason: 'ECO-118: reflow window',
  ...over,
});

describe('specs and alarms over the GraphQL API', () => {
  let store: GraphStore;
  let server: ApiServer;
  let trail: AuditTrail;
  let pipeline: Pipeline;
  let monitor: Monitor;
  let bus: LiveBus;
  const keys = {} as Record<Role, string>;

  beforeAll(async () => {
    const dataDir = tempDir();
    store = await KuzuStore.open({ dataDir, bufferMb: 64 });
    trail = new AuditTrail(dataDir);
    const users = new UserStore(dataDir, trail);
    for (const role of ROLES) keys[role] = await users.add({ name: `${role}-1`, role, password: password(role), by: 'test' });
    bus = createLiveBus();
    monitor = await Monitor.start({ store, ...liveMonitorHooks(bus), warn: () => undefined });
    pipeline = new Pipeline({
      dataDir: tempDir(),
      store,
      batchWindowMs: 10,
      onCommitted: allCommitted(publishCommitted(bus), monitor.onCommitted),
      warn: () => undefined,
    });
    await pipeline.start();
    server = await createApiServer({ store, port: 0, dataDir, devKey: 'unused-dev-key-0123456789', live: bus });
  });
  afterAll(async () => {
    await server?.close();
    await pipeline?.close();
    await monitor?.close();
    await store?.close();
  });

  const change = (role: Role, spec: Record<string, unknown>, pw = password(role)) =>
    gql(server.url, CHANGE, { spec, password: pw }, keys[role]);

  /** Submits events through the real pipeline and waits until the monitor has judged them. */
  let n = 0;
  const readings = async (equipmentId: string, values: number[], parameter = 'zone1_temp') => {
    for (const value of values) {
      const e: CanonicalEventInput = {
        kind: 'reading',
        eventId: `rd-${++n}`,
        eventTime: new Date(Date.UTC(2026, 2, 1, 8) + n * 1000).toISOString(),
        equipmentId,
        parameter,
        value,
        uom: 'Cel',
      };
      // one batch each, as a PLC would send them
      await pipeline.submit('test', [e]);
      await pipeline.flush();
    }
    await monitor.idle();
  };
  const alarms = async (vars: Record<string, unknown> = {}, role: Role = 'operator') => {
    const r = await gql<{ alarms: Record<string, unknown>[] }>(server.url, ALARMS, vars, keys[role]);
    expect(r.errors).toBeUndefined();
    return r.data!.alarms;
  };

  it('changeSpec with a wrong password is refused as SIGNATURE_INVALID and writes no spec', async () => {
    const r = await change('engineer', oven(), 'not-my-password');
    expect(codeOf(r)).toBe('SIGNATURE_INVALID');
    expect(await store.specs({ history: true })).toEqual([]);
    const failed = (await trail.query({ first: 100, action: 'signature.failed' })).entries;
    expect(failed.at(-1)).toMatchObject({ actor: 'engineer-1', target: 'spec zone1_temp on OVEN-1' });
  });

  it('changeSpec with the right password writes version N+1, signed and on the audit trail', async () => {
    const v1 = await change('engineer', oven({ usl: 160 }));
    expect(v1.errors).toBeUndefined();
    expect(v1.data!.changeSpec).toMatchObject({ version: 1, usl: 160, changedBy: 'engineer-1' });
    const v2 = await change('quality', oven());
    expect(v2.errors).toBeUndefined();
    const spec = v2.data!.changeSpec as Record<string, unknown>;
    expect(spec).toEqual({
      parameter: 'zone1_temp',
      equipmentId: 'OVEN-1',
      recipeId: null,
      lsl: 145,
      usl: 155,
      target: 150,
      uom: 'Cel',
      version: 2,
      changedBy: 'quality-1',
      changedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      reason: 'ECO-118: reflow window',
    });
    const { entries } = await trail.query({ first: 1000 });
    const signature = entries.filter((e) => e.action === 'signature').at(-1)!;
    expect(signature).toMatchObject({
      actor: 'quality-1',
      target: 'spec zone1_temp on OVEN-1',
      details: { meaning: 'approved spec change' },
    });
    expect(signature.time).toBe(spec.changedAt);
    const changed = entries.filter((e) => e.action === 'spec.change').at(-1)!;
    expect(changed.details).toMatchObject({ version: 2, usl: 155, signatureSeq: signature.seq });
    const mutation = entries.filter((e) => e.action === 'mutation').at(-1)!;
    expect(mutation).toMatchObject({ actor: 'quality-1', target: 'changeSpec', details: { ok: true } });
    expect(JSON.stringify(mutation.details)).not.toContain(password('quality'));
  });

  it('specs lists the current version of each key, and with history every version', async () => {
    const cur = await gql<{ specs: { version: number; usl: number }[] }>(
      server.url,
      `{ specs(parameter: "zone1_temp") { version usl } }`,
      undefined,
      keys.operator,
    );
    expect(cur.data!.specs).toEqual([{ version: 2, usl: 155 }]);
    const all = await gql<{ specs: { version: number; changedBy: string }[] }>(
      server.url,
      `{ specs(equipmentId: "OVEN-1", history: true) { version changedBy } }`,
      undefined,
      keys.engineer,
    );
    expect(all.data!.specs).toEqual([
      { version: 1, changedBy: 'engineer-1' },
      { version: 2, changedBy: 'quality-1' },
    ]);
  });

  it('bad spec input is BAD_INPUT with what to fix, asks for no signature and writes nothing', async () => {
    const before = (await trail.query({ first: 1000 })).entries.filter((e) => e.action.startsWith('signature')).length;
    const cases: [Record<string, unknown>, RegExp][] = [
      [oven({ lsl: null, usl: null }), /needs lsl, usl or both/],
      [oven({ lsl: 170, usl: 160, target: null }), /lsl 170 is above usl 160/],
      [oven({ equipmentId: 'OVEN 1' }), /equipmentId must be a plant code/],
      [oven({ reason: '  ' }), /needs a reason/],
      [oven({ target: 200 }), /target 200 is outside/],
    ];
    for (const [spec, message] of cases) {
      const r = await change('engineer', spec, 'wrong-password-too');
      expect(codeOf(r), JSON.stringify(spec)).toBe('BAD_INPUT');
      expect(r.errors![0]!.message).toMatch(message);
    }
    const after = (await trail.query({ first: 1000 })).entries.filter((e) => e.action.startsWith('signature')).length;
    expect(after).toBe(before);
    expect(await store.specs({ history: true })).toHaveLength(2);
  });

  it('only roles with the spec scope may change a spec', async () => {
    for (const role of ['service', 'operator', 'regulator'] as const) {
      const r = await change(role, oven());
      expect(codeOf(r), role).toBe('FORBIDDEN');
    }
  });

  it('out-of-spec readings through the pipeline raise exactly one alarm, which a reading back inside clears', async () => {
    await readings('OVEN-1', [150, 158.5, 161, 159]);
    const open = await alarms({ status: 'open', equipmentId: 'OVEN-1' });
    expect(open).toEqual([
      {
        id: expect.stringMatching(/^A-\d{8}-[0-9A-F]{6}$/),
        rule: 'spec',
        status: 'open',
        equipmentId: 'OVEN-1',
        parameter: 'zone1_temp',
        value: 158.5,
        limit: 155,
        lsl: 145,
        usl: 155,
        uom: 'Cel',
        specVersion: 2,
        raisedAt: expect.any(String),
        readingEventId: `rd-${n - 2}`,
        clearedAt: null,
        clearValue: null,
        message: 'zone1_temp 158.5 Cel above usl 155 on OVEN-1 (spec v2: zone1_temp on OVEN-1)',
      },
    ]);
    await readings('OVEN-1', [152]);
    expect(await alarms({ status: 'open' })).toEqual([]);
    const [cleared] = await alarms({ status: 'cleared', equipmentId: 'OVEN-1' });
    expect(cleared).toMatchObject({ id: open[0]!.id, status: 'cleared', clearValue: 152 });
    expect(cleared!.clearedAt! > (cleared!.raisedAt as string)).toBe(true);
    // a reading below the lower limit opens a new one
    await readings('OVEN-1', [140]);
    const all = await alarms({ equipmentId: 'OVEN-1' });
    expect(all.map((a) => [a.status, a.value, a.limit])).toEqual([
      ['open', 140, 145],
      ['cleared', 158.5, 155],
    ]);
    expect(await alarms({ to: cleared!.raisedAt })).toEqual([cleared]);
    expect(await alarms({ limit: 1 })).toEqual([all[0]]);
    await readings('OVEN-1', [150]);
  });

  it('a spec change takes effect on the next reading (the monitor refreshes its cached specs)', async () => {
    await readings('OVEN-1', [154]);
    expect(await alarms({ status: 'open' })).toEqual([]);
    expect((await change('engineer', oven({ usl: 153, target: null }))).errors).toBeUndefined();
    await readings('OVEN-1', [154]);
    expect(await alarms({ status: 'open' })).toMatchObject([{ value: 154, limit: 153, specVersion: 3 }]);
    await readings('OVEN-1', [150]);
  });

  it('the monitor delivers the alarms it raises to alarmRaised subscribers over SSE', async () => {
    expect((await change('engineer', { parameter: 'speed', usl: 80, reason: 'plant-wide limit' })).errors).toBeUndefined();
    const sub = await sse(server.url, `subscription { alarmRaised { ${ALARM_FIELDS} } }`, {}, keys.operator);
    // out, then back in: each round raises a new alarm until the subscriber hears one
    const got = await firstAfter(sub.inbox, () => readings('CONVEYOR-9', [85, 79], 'speed'));
    expect(got.data!.alarmRaised).toMatchObject({
      rule: 'spec',
      status: 'open',
      equipmentId: 'CONVEYOR-9',
      parameter: 'speed',
      value: 85,
      limit: 80,
      message: expect.stringContaining('(plant-wide)'),
    });
    sub.stop();
    // the service role sees no alarms
    const svc = await gql(server.url, ALARMS, {}, keys.service);
    expect(codeOf(svc)).toBe('FORBIDDEN');
  });

  it('alarms refuses a window whose from is after its to', async () => {
    const r = await gql(server.url, ALARMS, { from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z' }, keys.quality);
    expect(codeOf(r)).toBe('BAD_INPUT');
  });

  it("a unit's history shows each parameter beside the spec in force when the operation ran, and whether it was inside", async () => {
    await store.applyEvents([
      ev({
        kind: 'operation',
        eventId: 'op-reflow',
        eventTime: '2026-04-01T08:10:00Z',
        operationId: 'OP-REFLOW',
        step: 'reflow',
        station: 'OVEN',
        equipmentId: 'OVEN-H',
        recipeId: 'PROFILE-2',
        startTime: '2026-04-01T08:00:00Z',
        inputs: [{ id: 'BOARD-1' }],
        outputs: [{ id: 'BOARD-1R', type: 'unit' }],
      }),
      ev({
        kind: 'reading',
        eventId: 'h1',
        eventTime: '2026-04-01T08:05:00Z',
        equipmentId: 'OVEN-H',
        parameter: 'zone1_temp',
        value: 151,
      }),
      ev({
        kind: 'reading',
        eventId: 'h2',
        eventTime: '2026-04-01T08:06:00Z',
        equipmentId: 'OVEN-H',
        parameter: 'zone1_temp',
        value: 157,
      }),
    ]);
    const base = { parameter: 'zone1_temp', lsl: 145, target: null, uom: 'Cel', changedBy: 'eng', reason: 'r' };
    // the recipe's spec on this oven (in force), a plant-wide one (less specific), and a later version (not yet in force)
    await store.saveSpec({
      ...base,
      equipmentId: 'OVEN-H',
      recipeId: 'PROFILE-2',
      usl: 155,
      changedAt: '2026-03-01T00:00:00.000Z',
    });
    await store.saveSpec({ ...base, equipmentId: null, recipeId: null, usl: 200, changedAt: '2026-03-01T00:00:00.000Z' });
    await store.saveSpec({
      ...base,
      equipmentId: 'OVEN-H',
      recipeId: 'PROFILE-2',
      usl: 160,
      changedAt: '2026-05-01T00:00:00.000Z',
    });
    const r = await gql<{ unitHistory: { operations: { parameters: Record<string, unknown>[] }[] } }>(
      server.url,
      `{ unitHistory(id: "BOARD-1R") { operations { parameters { parameter min max spec { recipeId usl version } inSpec } } } }`,
      undefined,
      keys.service,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.unitHistory.operations[0]!.parameters).toEqual([
      { parameter: 'zone1_temp', min: 151, max: 157, spec: { recipeId: 'PROFILE-2', usl: 155, version: 1 }, inSpec: false },
    ]);
  });
});
