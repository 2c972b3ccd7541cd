/**
 * The quality loop over the real HTTP API on the embedded store: POST /interlock and GraphQL
 * `interlock` with each reason to refuse (and the audit of every refusal), signed control limits,
 * control chart and capability, acknowledging an alarm, the signed quality configuration, equipment
 * due dates and the calibration status in unit history, and who may do each.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApiServer, type ApiServer } from '../../api/server.ts';
import { KuzuStore } from '../../cypher/kuzu/adapter.ts';
import type { GraphStore } from '../../cypher/port.ts';
import { AuditTrail } from '../../domain/audit/trail.ts';
import { ROLES, type Role } from '../../domain/auth/roles.ts';
import { UserStore } from '../../domain/auth/users.ts';
import { QualityConfigStore, seedQualityConfig } from '../../domain/loop/config.ts';
import { ev } from '../helpers/events.ts';
import { tempDir } from '../helpers/stores.ts';
import { DEV_KEY, gql, type GqlResponse } from '../api/client.ts';

const password = (role: Role) => `pw-${role}-correct-horse`;
const board = (n: number) => `urn:epc:id:sgtin:4012345.022222.${n}`;
const HOUR = 3_600_000;
const T0 = Date.now() - 48 * HOUR;
const t = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const codeOf = (r: GqlResponse) => r.errors?.[0]?.extensions?.code;

const op = (n: number, step: string, item: string, equipmentId: string, result?: 'pass' | 'fail') =>
  ev({
    kind: 'operation',
    eventId: `${step}-${item}`,
    eventTime: t(n),
    operationId: `${step}:${item}`,
    step,
    station: `line1-${step}`,
    equipmentId,
    inputs: [{ id: item }],
    outputs: [],
    ...(result ? { result } : {}),
  });
const inspect = (n: number, item: string, result: 'pass' | 'fail') =>
  ev({
    kind: 'inspection',
    eventId: `aoi-${item}-${n}`,
    eventTime: t(n),
    id: item,
    result,
    station: 'line1-AOI',
    defects: result === 'fail' ? ['SOLDER_BRIDGE'] : undefined,
  });

const CONFIG = {
  routings: [
    {
      product: '4012345.022222',
      steps: [{ step: 'print' }, { step: 'reflow' }, { step: 'aoi', inspection: true }, { step: 'final-assembly' }],
    },
  ],
  recipeReleases: [
    { product: '4012345.022222', recipeId: 'SAC305-PROFILE-2', released: true },
    { product: '4012345.022222', recipeId: 'SAC305-PROFILE-3', released: false },
  ],
  stations: [
    { id: 'line1-AOI', step: 'aoi', equipmentId: 'AOI-1' },
    { id: 'line1-ASSY', step: 'final-assembly', equipmentId: 'ASSY-1' },
  ],
  equipment: [
    { id: 'AOI-1', line: 'line1', calibrationIntervalDays: 30 },
    { id: 'ASSY-1', line: 'line1', maintenanceIntervalDays: 1 },
    { id: 'REFLOW-1', line: 'line1', calibrationIntervalDays: 1 },
  ],
  qualifications: [
    { operatorId: 'OP-ANNA', steps: ['aoi', 'final-assembly'] },
    { operatorId: 'OP-BEN', steps: ['print'] },
  ],
};

describe('the quality loop over the API', () => {
  let store: GraphStore;
  let server: ApiServer;
  let trail: AuditTrail;
  let base: string;
  const keys = {} as Record<Role, string>;

  beforeAll(async () => {
    const dataDir = tempDir();
    store = await KuzuStore.open({ dataDir, bufferMb: 64 });
    await store.applyEvents([
      // B1: printed, reflowed, passed AOI. B2: failed AOI. B3: never reflowed. B4: through AOI, held.
      ...[1, 2, 3, 4].map((n) => op(n, 'print', board(n), 'PRINTER-1')),
      ...[1, 2, 4].map((n) => op(10 + n, 'reflow', board(n), 'REFLOW-1')),
      inspect(21, board(1), 'pass'),
      inspect(22, board(2), 'fail'),
      inspect(24, board(4), 'pass'),
      ev({
        kind: 'maintenance',
        eventId: 'cal-aoi',
        eventTime: t(0),
        equipmentId: 'AOI-1',
        type: 'calibration',
        startTime: t(0),
        endTime: t(5),
      }),
      ev({
        kind: 'maintenance',
        eventId: 'pm-assy',
        eventTime: t(0),
        equipmentId: 'ASSY-1',
        type: 'maintenance',
        startTime: t(0),
        endTime: t(5),
      }),
      ev({
        kind: 'maintenance',
        eventId: 'cal-oven',
        eventTime: t(0),
        equipmentId: 'REFLOW-1',
        type: 'calibration',
        startTime: t(0),
        endTime: t(1),
      }),
      ...Array.from({ length: 40 }, (_, i) =>
        ev({
          kind: 'reading',
          eventId: `rd-${i}`,
          eventTime: t(30 + i),
          equipmentId: 'REFLOW-1',
          parameter: 'zone3_temp',
          value: 220 + [0.3, -0.2, 0.1, -0.4, 0.2][i % 5]!,
          uom: 'Cel',
        }),
      ),
    ]);
    await store.saveSpec({
      parameter: 'zone3_temp',
      equipmentId: 'REFLOW-1',
      recipeId: null,
      lsl: 215,
      usl: 225,
      target: 220,
      uom: 'Cel',
      changedBy: 'eng',
      changedAt: t(0),
      reason: 'r',
    });
    await store.placeHold({
      id: 'H-TEST-1',
      items: [board(4)],
      reason: 'alarm A-1: zone3_temp above usl',
      by: 'system',
      at: t(25),
    });
    trail = new AuditTrail(dataDir);
    await seedQualityConfig({ config: new QualityConfigStore(dataDir), audit: trail }, CONFIG, 'test plant');
    const users = new UserStore(dataDir, trail);
    for (const role of ROLES) keys[role] = await users.add({ name: `${role}-1`, role, password: password(role), by: 'test' });
    server = await createApiServer({ store, port: 0, dataDir, devKey: DEV_KEY });
    base = server.url.replace(/\/graphql$/, '');
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  const interlock = async (body: unknown, key: string | null = keys.operator) => {
    const res = await fetch(`${base}/interlock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return {
      status: res.status,
      body: (await res.json()) as {
        allow: boolean;
        reasons: { code: string; message: string }[];
        checkedAt: string;
        error?: string;
      },
    };
  };
  const codes = (r: { body: { reasons: { code: string }[] } }) => r.body.reasons.map((x) => x.code).sort();

  it('POST /interlock allows a board that has been through the steps before, with a checkedAt', async () => {
    const r = await interlock({ item: board(1), step: 'aoi', station: 'line1-AOI', operator: 'OP-ANNA' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ allow: true, reasons: [], checkedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
  });

  it('refuses a held item, naming the hold and its reason', async () => {
    const r = await interlock({ item: board(4), step: 'final-assembly', station: 'line1-ASSY-X' });
    expect(r.body.allow).toBe(false);
    expect(r.body.reasons).toEqual([{ code: 'HELD', message: expect.stringContaining('H-TEST-1') }]);
  });

  it('refuses a failed or missing inspection and a missing previous step', async () => {
    expect(codes(await interlock({ item: board(2), step: 'final-assembly', station: 'S' }))).toEqual(['INSPECTION_FAILED']);
    expect(codes(await interlock({ item: board(3), step: 'aoi', station: 'S' }))).toEqual(['PREVIOUS_STEP_MISSING']);
    expect(codes(await interlock({ item: board(3), step: 'final-assembly', station: 'S' }))).toEqual(['INSPECTION_MISSING']);
    expect(codes(await interlock({ item: board(1), step: 'print', station: 'S' }))).toEqual(['OUT_OF_ORDER']);
    expect(codes(await interlock({ item: board(1), step: 'wave-solder', station: 'S' }))).toEqual(['STEP_NOT_IN_ROUTING']);
  });

  it('refuses a recipe not released for the product, overdue equipment and an unqualified operator, all at once', async () => {
    const r = await interlock({
      item: board(1),
      step: 'final-assembly',
      station: 'line1-ASSY',
      operator: 'OP-BEN',
      recipeId: 'SAC305-PROFILE-3',
    });
    expect(codes(r)).toEqual(['MAINTENANCE_OVERDUE', 'OPERATOR_NOT_QUALIFIED', 'RECIPE_NOT_RELEASED']);
    expect(r.body.reasons.find((x) => x.code === 'MAINTENANCE_OVERDUE')!.message).toMatch(/ASSY-1 maintenance was due/);
  });

  it('records every refusal in the audit trail, and no allowance', async () => {
    // Other tests' refusals are recorded too: these are told apart by their stations.
    const mine = async () =>
      (await trail.query({ first: 1000, action: 'interlock.deny' })).entries.filter((e) =>
        String((e.details as { station?: string }).station).startsWith('AUDIT-'),
      );
    await interlock({ item: board(2), step: 'final-assembly', station: 'AUDIT-ASSY', operator: 'OP-ANNA' });
    await interlock({ item: board(1), step: 'aoi', station: 'AUDIT-AOI', operator: 'OP-ANNA' });
    await interlock({ item: board(3), step: 'final-assembly', station: 'AUDIT-LAST', operator: 'OP-ANNA' });
    // Recorded right after the answer, in order: once the last refusal is in, anything before it is.
    await vi.waitFor(async () => expect(await mine()).toHaveLength(2), { timeout: 30_000, interval: 50 });
    const entries = await mine();
    expect(entries.map((e) => (e.details as { station: string }).station)).toEqual(['AUDIT-ASSY', 'AUDIT-LAST']);
    expect(entries[0]).toMatchObject({
      actor: 'OP-ANNA',
      target: board(2),
      details: { step: 'final-assembly', reasons: ['INSPECTION_FAILED'] },
    });
  });

  it('answers a bad request 400 with what is wrong, no key 401, a role without the scope 403', async () => {
    const bad = await interlock({ item: board(1), station: 'S' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/step/);
    expect((await interlock('not json')).status).toBe(400);
    expect((await interlock({ item: board(1), step: 'aoi', station: 'S' }, null)).status).toBe(401);
    expect((await interlock({ item: board(1), step: 'aoi', station: 'S' }, keys.service)).status).toBe(403);
  });

  it('GraphQL interlock gives the same answer', async () => {
    const r = await gql<{ interlock: { allow: boolean; reasons: { code: string }[] } }>(
      server.url,
      `{ interlock(item: "${board(3)}", step: "aoi", station: "S") { allow reasons { code message } checkedAt } }`,
      undefined,
      keys.operator,
    );
    expect(r.data!.interlock).toMatchObject({ allow: false, reasons: [{ code: 'PREVIOUS_STEP_MISSING' }] });
  });

  const SET_LIMITS = `mutation($l: ControlLimitsInput!, $pw: String!) { setControlLimits(limits: $l, password: $pw) { version center lcl ucl sigma rules setBy reason } }`;
  const limits = {
    parameter: 'zone3_temp',
    equipmentId: 'REFLOW-1',
    baselineFrom: t(30),
    baselineTo: t(69),
    rules: ['we1', 'nelson2'],
    reason: 'baseline after PM',
  };

  it('control limits need the spec role and a signature; they are versioned and audited', async () => {
    expect(codeOf(await gql(server.url, SET_LIMITS, { l: limits, pw: password('operator') }, keys.operator))).toBe('FORBIDDEN');
    expect(codeOf(await gql(server.url, SET_LIMITS, { l: limits, pw: 'wrong' }, keys.engineer))).toBe('SIGNATURE_INVALID');
    const r = await gql<{ setControlLimits: { version: number; center: number; rules: string[]; setBy: string } }>(
      server.url,
      SET_LIMITS,
      { l: limits, pw: password('engineer') },
      keys.engineer,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.setControlLimits).toMatchObject({ version: 1, setBy: 'engineer-1', rules: ['we1', 'nelson2'] });
    expect(r.data!.setControlLimits.center).toBeCloseTo(220.0, 1);
    const audit = (await trail.query({ first: 10, action: 'spc.limits' })).entries;
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({ version: 1, signatureSeq: expect.any(Number) });
    const few = await gql(
      server.url,
      SET_LIMITS,
      { l: { ...limits, baselineTo: t(35) }, pw: password('engineer') },
      keys.engineer,
    );
    expect(few.errors?.[0]?.message).toMatch(/at least 20 are needed/);
  });

  it('controlChart plots the window against the limits; capability uses the spec in force', async () => {
    const r = await gql<{
      controlChart: {
        center: number;
        points: { value: number; rules: string[] }[];
        signals: unknown[];
        limits: { version: number } | null;
      };
      capability: { n: number; cpk: { value: number; lower: number }; ppk: { value: number }; specVersion: number };
    }>(
      server.url,
      `{ controlChart(parameter: "zone3_temp", equipmentId: "REFLOW-1", from: "${t(30)}", to: "${t(69)}") { center lcl ucl limits { version } points { value rules } signals { rule } }
         capability(parameter: "zone3_temp", equipmentId: "REFLOW-1", from: "${t(30)}", to: "${t(69)}") { n cpk { value lower upper } ppk { value } specVersion } }`,
      undefined,
      keys.operator,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.controlChart.points).toHaveLength(40);
    expect(r.data!.controlChart.limits).toEqual({ version: 1 });
    expect(r.data!.controlChart.signals).toEqual([]);
    expect(r.data!.capability).toMatchObject({ n: 40, specVersion: 1 });
    expect(r.data!.capability.cpk.value).toBeGreaterThan(3);
    expect(r.data!.capability.cpk.lower).toBeLessThan(r.data!.capability.cpk.value);
  });

  it('an alarm is acknowledged once with a comment, audited', async () => {
    await store.openAlarm({
      id: 'A-API-1',
      rule: 'spec',
      status: 'open',
      equipmentId: 'REFLOW-1',
      parameter: 'zone3_temp',
      value: 230,
      limit: 225,
      lsl: 215,
      usl: 225,
      uom: 'Cel',
      recipeId: null,
      specVersion: 1,
      raisedAt: t(80),
      readingEventId: 'rd-x',
      clearedAt: null,
      clearValue: null,
      message: 'm',
      severity: 'critical',
    });
    const ACK = `mutation($id: ID!, $c: String!) { acknowledgeAlarm(id: $id, comment: $c) { id acknowledgedBy ackComment severity } }`;
    expect(codeOf(await gql(server.url, ACK, { id: 'A-API-1', c: 'x' }, keys.service))).toBe('FORBIDDEN');
    const r = await gql<{ acknowledgeAlarm: unknown }>(
      server.url,
      ACK,
      { id: 'A-API-1', c: 'oven door was open' },
      keys.operator,
    );
    expect(r.data!.acknowledgeAlarm).toEqual({
      id: 'A-API-1',
      acknowledgedBy: 'operator-1',
      ackComment: 'oven door was open',
      severity: 'critical',
    });
    expect(codeOf(await gql(server.url, ACK, { id: 'A-API-1', c: 'again' }, keys.operator))).toBe('BAD_INPUT');
    expect(codeOf(await gql(server.url, ACK, { id: 'A-NONE', c: 'x' }, keys.operator))).toBe('NOT_FOUND');
    const audit = (await trail.query({ first: 10, action: 'alarm.acknowledge' })).entries;
    expect(audit.map((e) => [e.actor, e.target])).toEqual([['operator-1', 'A-API-1']]);
  });

  it('the quality configuration changes only with the spec role and a signature, as a new version', async () => {
    const CHANGE = `mutation($c: String!, $pw: String!) { changeQualityConfig(config: $c, reason: "add PSU routing", password: $pw) { version setBy } }`;
    const next = JSON.stringify({
      ...CONFIG,
      qualifications: [CONFIG.qualifications[0], { operatorId: 'OP-BEN', steps: ['print', 'aoi'] }],
    });
    expect(codeOf(await gql(server.url, CHANGE, { c: next, pw: password('operator') }, keys.operator))).toBe('FORBIDDEN');
    expect(
      codeOf(
        await gql(
          server.url,
          CHANGE,
          { c: '{"routings": [{"product": "x", "steps": []}]}', pw: password('quality') },
          keys.quality,
        ),
      ),
    ).toBe('BAD_INPUT');
    const r = await gql<{ changeQualityConfig: { version: number; setBy: string } }>(
      server.url,
      CHANGE,
      { c: next, pw: password('quality') },
      keys.quality,
    );
    expect(r.data!.changeQualityConfig).toEqual({ version: 2, setBy: 'quality-1' });
    // In force at once: OP-BEN is now qualified for AOI.
    expect((await interlock({ item: board(1), step: 'aoi', station: 'line1-AOI', operator: 'OP-BEN' })).body.allow).toBe(true);
  });

  it('equipmentDue lists due dates; unit history shows the calibration status when each operation ran', async () => {
    const r = await gql<{ equipmentDue: { equipmentId: string; kind: string; overdue: boolean }[] }>(
      server.url,
      '{ equipmentDue { equipmentId kind overdue dueAt } }',
      undefined,
      keys.operator,
    );
    expect(r.data!.equipmentDue.map((d) => [d.equipmentId, d.kind, d.overdue])).toEqual([
      ['AOI-1', 'calibration', false],
      ['ASSY-1', 'maintenance', true],
      ['REFLOW-1', 'calibration', true],
    ]);
    const h = await gql<{ unitHistory: { operations: { step: string; calibration: { status: string } | null }[] } }>(
      server.url,
      `{ unitHistory(id: "${board(1)}") { operations { step calibration { status dueAt } } } }`,
      undefined,
      keys.service,
    );
    expect(h.errors).toBeUndefined();
    // The oven was calibrated an hour before the board's reflow (a 1-day interval); the printer is not tracked.
    expect(h.data!.unitHistory.operations.map((o) => [o.step, o.calibration?.status])).toEqual([
      ['print', 'not-tracked'],
      ['reflow', 'in-calibration'],
    ]);
  });
});
