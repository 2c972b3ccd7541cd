/** The schema's names and nullability are a contract with clients (docs/api.md): pinned here. */
// graphql/index.js, not graphql: under vitest a bare `graphql` in project code resolves to the ESM
// build while Pothos and yoga load the CommonJS one, and graphql refuses to mix the two.
import { graphql, printSchema } from 'graphql/index.js';
import { describe, expect, it } from 'vitest';
import { AuditTrail } from '../../domain/audit/trail.ts';
import { Authenticator } from '../../api/auth/authenticate.ts';
import type { Role } from '../../domain/auth/roles.ts';
import { UserStore } from '../../domain/auth/users.ts';
import type { ApiContext } from '../../api/builder.ts';
import { buildSchema } from '../../api/schema/index.ts';
import type { GraphStore } from '../../cypher/port.ts';
import { tempDir } from '../helpers/stores.ts';

describe('GraphQL schema', () => {
  it('declares the trace queries and Trace with the names clients use, non-null throughout', () => {
    const sdl = printSchema(buildSchema()).replace(/"""[\s\S]*?"""\s*/g, '');
    expect(sdl).toMatch(/traceForward\(\s*from: \[ID!\]!\s*\): Trace!/);
    expect(sdl).toMatch(/traceBackward\(\s*from: \[ID!\]!\s*\): Trace!/);
    expect(sdl).toContain(
      'type Trace {\n  lots: [Item!]!\n  units: [Item!]!\n  containers: [Item!]!\n  shipments: [Shipment!]!\n  customers: [Party!]!\n',
    );
    for (const t of ['Item', 'Shipment', 'Party']) expect(sdl).toContain(`type ${t} {\n  id: ID!\n}`);
  });

  it('declares recallScope, events on Trace, createRecall and massBalance', () => {
    const sdl = printSchema(buildSchema()).replace(/"""[\s\S]*?"""\s*/g, '');
    expect(sdl).toMatch(/recallScope\(\s*criteria: RecallCriteria!\s*\): RecallScope!/);
    expect(sdl).toMatch(/type Trace \{[^}]*events: \[TraceEvent!\]!/);
    expect(sdl).toContain('type TraceEvent {\n  id: ID!\n}');
    expect(sdl).toMatch(/createRecall\(\s*criteria: RecallCriteria!,?\s*name: String!\s*\): Recall!/);
    expect(sdl).toMatch(/massBalance\(\s*lots: \[ID!\]!\s*\): \[MassBalance!\]!/);
  });
});

describe('GraphQL schema authorization', () => {
  // Behind the HTTP gate: what a transport that forgot to authenticate (a WebSocket handler, a
  // test harness) would get from the schema alone.
  const run = async (source: string, role: Role | null) => {
    const dataDir = tempDir();
    const audit = new AuditTrail(dataDir);
    const ctx: ApiContext = {
      store: {} as GraphStore,
      principal: role && { name: 'x', role },
      auth: new Authenticator(new UserStore(dataDir, audit), audit),
      audit,
      dataDir,
    };
    return graphql({ schema: buildSchema(), source, contextValue: ctx });
  };

  it('every Query and Mutation field but login refuses a caller without a principal', async () => {
    const schema = buildSchema();
    const queries = Object.keys(schema.getQueryType()!.getFields());
    const mutations = Object.keys(schema.getMutationType()!.getFields()).filter((f) => f !== 'login');
    expect(queries).toEqual(expect.arrayContaining(['traceForward', 'traceBackward', 'auditTrail', 'me']));
    expect(mutations).toContain('signRecord');
    // one field at a time: the first refusal of a non-null root field ends the whole operation
    for (const q of ['{ me { name } }', '{ traceForward(from: ["L1"]) { lots { id } } }', '{ auditTrail { hasNextPage } }']) {
      const r = await run(q, null);
      expect(
        r.errors?.map((e) => (e.originalError as { code?: string }).code),
        q,
      ).toEqual(['UNAUTHENTICATED']);
    }
    const m = await run(`mutation { signRecord(target: "t", meaning: "m", password: "p") { signer } }`, null);
    expect((m.errors?.[0]?.originalError as { code?: string }).code).toBe('UNAUTHENTICATED');
  });

  it('declares the signature and audit types clients rely on', () => {
    const sdl = printSchema(buildSchema()).replace(/"""[\s\S]*?"""\s*/g, '');
    expect(sdl).toMatch(/signRecord\(\s*target: ID!\s*meaning: String!\s*password: String!\s*\): Signature!/);
    expect(sdl).toMatch(
      /auditTrail\(\s*first: Int = 50\s*after: String\s*actor: String\s*action: String\s*from: String\s*to: String\s*\): AuditTrailPage!/,
    );
    expect(sdl).toMatch(/login\(\s*name: String!,?\s*password: String!\s*\): LoginResult!/);
  });

  it('a service user may read its own name but not traces', async () => {
    const r = await run(`{ me { role } traceForward(from: ["L1"]) { lots { id } } }`, 'service');
    expect(r.errors?.map((e) => (e.originalError as { code?: string }).code)).toEqual(['FORBIDDEN']);
  });
});
