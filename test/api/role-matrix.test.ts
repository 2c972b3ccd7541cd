/**
 * Every root field of the API against every role, over HTTP: a role holding the field's scope gets
 * past authorisation (the answer may still be NOT_FOUND or SIGNATURE_INVALID for the made-up ids
 * and password used here), any other role gets FORBIDDEN, and a field added without scopes fails
 * the first test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditTrail } from '../../domain/audit/trail.ts';
import { ROLE_SCOPES, ROLES, type Role, type Scope } from '../../domain/auth/roles.ts';
import { UserStore } from '../../domain/auth/users.ts';
import { buildSchema } from '../../api/schema/index.ts';
import { createApiServer, type ApiServer } from '../../api/server.ts';
import { KuzuStore } from '../../cypher/kuzu/adapter.ts';
import type { GraphStore } from '../../cypher/port.ts';
import { tempDir } from '../helpers/stores.ts';
import { gql } from './client.ts';

/** The policy: which scope each root field needs (any one of them), and a call that reaches it. */
const FIELDS: Record<string, { scopes: Scope[]; query: string }> = {
  'Query.traceForward': { scopes: ['readTrace'], query: '{ traceForward(from: ["L-X"]) { lots { id } } }' },
  'Query.traceBackward': { scopes: ['readTrace'], query: '{ traceBackward(from: ["U-X"]) { lots { id } } }' },
  'Query.me': { scopes: ['authenticated'], query: '{ me { name role } }' },
  'Query.auditTrail': { scopes: ['auditRead'], query: '{ auditTrail(first: 1) { hasNextPage } }' },
  'Query.recallScope': { scopes: ['readTrace'], query: '{ recallScope(criteria: { supplierLots: ["L-X"] }) { precision } }' },
  'Query.recalls': { scopes: ['readTrace'], query: '{ recalls { id } }' },
  'Query.massBalance': { scopes: ['readTrace'], query: '{ massBalance(lots: ["L-X"]) { remaining } }' },
  'Query.holds': { scopes: ['readTrace', 'readMonitor'], query: '{ holds { id } }' },
  'Query.unitHistory': { scopes: ['readHistory'], query: '{ unitHistory(id: "U-X") { id } }' },
  'Query.unitHistoryByBarcode': {
    scopes: ['readHistory'],
    query: '{ unitHistoryByBarcode(barcode: "(01)09506000134352(21)123") { id } }',
  },
  'Query.parseBarcode': {
    scopes: ['readHistory'],
    query: '{ parseBarcode(barcode: "(01)09506000134352(21)123") { __typename } }',
  },
  'Query.resolveScan': {
    scopes: ['readHistory'],
    query: '{ resolveScan(input: "(01)09506000134352(21)123") { __typename } }',
  },
  'Query.myScopes': { scopes: ['authenticated'], query: '{ myScopes }' },
  'Query.auditChainCheck': { scopes: ['auditRead'], query: '{ auditChainCheck { ok } }' },
  'Query.lots': { scopes: ['readTrace'], query: '{ lots(prefix: "L") { hasNextPage } }' },
  'Query.materials': { scopes: ['readTrace'], query: '{ materials { hasNextPage } }' },
  'Query.equipment': { scopes: ['readMonitor'], query: '{ equipment { hasNextPage } }' },
  'Query.operators': { scopes: ['readMonitor'], query: '{ operators { hasNextPage } }' },
  'Query.customers': { scopes: ['readTrace'], query: '{ customers { hasNextPage } }' },
  'Query.shipments': { scopes: ['readTrace'], query: '{ shipments { hasNextPage } }' },
  'Query.recallList': { scopes: ['readTrace'], query: '{ recallList { hasNextPage } }' },
  'Query.storeStats': { scopes: ['readTrace'], query: '{ storeStats { events } }' },
  'Query.unit': { scopes: ['readTrace'], query: '{ unit(id: "U-X") { id } }' },
  'Query.lot': { scopes: ['readTrace'], query: '{ lot(id: "L-X") { id } }' },
  'Query.genealogy': { scopes: ['readTrace'], query: '{ genealogy(id: "U-X") { truncated } }' },
  'Query.equipmentCorrelation': { scopes: ['readMonitor'], query: '{ equipmentCorrelation { __typename } }' },
  'Query.qualityStats': { scopes: ['readMonitor'], query: '{ qualityStats(groupBy: LINE) { __typename } }' },
  'Query.specs': { scopes: ['readMonitor', 'spec'], query: '{ specs { version } }' },
  'Query.alarms': { scopes: ['readMonitor'], query: '{ alarms(status: open) { id } }' },
  'Query.controlChart': {
    scopes: ['readMonitor'],
    query: '{ controlChart(parameter: "p", equipmentId: "E-X") { center } }',
  },
  'Query.capability': {
    scopes: ['readMonitor'],
    query: '{ capability(parameter: "p", equipmentId: "E-X") { n } }',
  },
  'Query.controlLimits': { scopes: ['readMonitor'], query: '{ controlLimits { version } }' },
  'Query.interlock': {
    scopes: ['capture', 'readMonitor'],
    query: '{ interlock(item: "U-X", step: "s", station: "S") { allow } }',
  },
  'Query.qualityConfig': { scopes: ['readMonitor', 'spec'], query: '{ qualityConfig { version } }' },
  'Query.equipmentDue': { scopes: ['readMonitor'], query: '{ equipmentDue { equipmentId } }' },
  'Mutation.acknowledgeAlarm': {
    scopes: ['readMonitor'],
    query: 'mutation { acknowledgeAlarm(id: "A-none", comment: "matrix") { id } }',
  },
  'Mutation.setControlLimits': {
    scopes: ['spec'],
    query:
      'mutation { setControlLimits(limits: { parameter: "p", equipmentId: "E-X", center: 1, sigma: 1, reason: "matrix" }, password: "not-it") { version } }',
  },
  'Mutation.changeQualityConfig': {
    scopes: ['spec'],
    query: 'mutation { changeQualityConfig(config: "{}", reason: "matrix", password: "not-it") { version } }',
  },
  'Mutation.signRecord': {
    scopes: ['sign'],
    query: 'mutation { signRecord(target: "R-1", meaning: "reviewed", password: "not-it") { signer } }',
  },
  'Mutation.createRecall': {
    scopes: ['recall'],
    query: 'mutation { createRecall(criteria: { supplierLots: ["L-X"] }, name: "matrix") { id } }',
  },
  'Mutation.approveRecall': { scopes: ['recall'], query: 'mutation { approveRecall(id: "no-such", password: "x") { signer } }' },
  'Mutation.closeRecall': { scopes: ['recall'], query: 'mutation { closeRecall(id: "no-such") { id } }' },
  'Mutation.changeSpec': {
    scopes: ['spec'],
    query: 'mutation { changeSpec(spec: { parameter: "p", usl: 1, reason: "matrix" }, password: "not-it") { version } }',
  },
  'Mutation.placeHold': { scopes: ['hold'], query: 'mutation { placeHold(items: ["L-X"], reason: "matrix") { id } }' },
  'Mutation.releaseHold': {
    scopes: ['hold'],
    query: 'mutation { releaseHold(id: "H-none", meaning: "released", password: "x") { id } }',
  },
  'Mutation.generateReport': {
    scopes: ['reports'],
    query: 'mutation { generateReport(request: { kind: unit }) { url } }',
  },
};
/** Reachable without a key (login) or checked by their own tests (subscriptions). */
const OUTSIDE_THE_MATRIX = new Set(['Mutation.login']);

describe('every root field against every role', () => {
  let store: GraphStore;
  let server: ApiServer;
  const keys = new Map<Role, string>();

  beforeAll(async () => {
    const dataDir = tempDir();
    store = await KuzuStore.open({ dataDir, bufferMb: 64 });
    server = await createApiServer({ store, port: 0, dataDir });
    const users = new UserStore(dataDir, new AuditTrail(dataDir));
    for (const role of ROLES)
      keys.set(role, await users.add({ name: `matrix-${role}`, role, password: 'pw-matrix', by: 'test' }));
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  it('the matrix names every Query and Mutation field the schema has', () => {
    const schema = buildSchema();
    const root = ['Query', 'Mutation'].flatMap((t) =>
      Object.keys(schema.getType(t) ? (schema.getType(t) as { getFields(): object }).getFields() : {}).map((f) => `${t}.${f}`),
    );
    expect(root.filter((f) => !OUTSIDE_THE_MATRIX.has(f)).sort()).toEqual(Object.keys(FIELDS).sort());
  });

  it('service reads histories but cannot hold or recall; a regulator writes nothing', () => {
    const can = (role: Role, field: string) => FIELDS[field]!.scopes.some((s) => ROLE_SCOPES[role].includes(s));
    expect(can('service', 'Query.unitHistory')).toBe(true);
    for (const f of ['Mutation.placeHold', 'Mutation.createRecall', 'Mutation.approveRecall', 'Mutation.closeRecall'])
      expect(can('service', f)).toBe(false);
    // generateReport changes no record: it writes a file to download (and its audit entry), a regulator's read.
    for (const f of Object.keys(FIELDS).filter((f) => f.startsWith('Mutation.') && f !== 'Mutation.generateReport'))
      expect(can('regulator', f), f).toBe(false);
    expect(can('regulator', 'Mutation.generateReport')).toBe(true);
  });

  for (const [field, { scopes, query }] of Object.entries(FIELDS)) {
    it(`${field} (${scopes.join(' or ')}): allowed roles pass, the others get FORBIDDEN`, async () => {
      for (const role of ROLES) {
        const allowed = scopes.some((s) => ROLE_SCOPES[role].includes(s));
        const r = await gql(server.url, query, undefined, keys.get(role)!);
        const codes = (r.errors ?? []).map((e) => e.extensions?.code);
        if (allowed) expect(codes, `${role} on ${field}`).not.toContain('FORBIDDEN');
        else expect(codes, `${role} on ${field}`).toEqual(['FORBIDDEN']);
        expect(codes, `${role} on ${field}`).not.toContain('UNAUTHENTICATED');
      }
    });
  }
});
