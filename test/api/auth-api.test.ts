/**
 * Authentication, roles, signatures, the audit trail and request limits, over real HTTP against a
 * started server on the embedded store, with users made by the real CLI beside it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { getIntrospectionQuery } from 'graphql/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditTrail } from '../../domain/audit/trail.ts';
import { UserStore } from '../../domain/auth/users.ts';
import { ROLES, type Role } from '../../domain/auth/roles.ts';
import { createApiServer, type ApiServer } from '../../api/server.ts';
import { KuzuStore } from '../../cypher/kuzu/adapter.ts';
import type { GraphStore } from '../../cypher/port.ts';
import { op, receive } from '../helpers/events.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/stores.ts';
import { DEV_KEY, gql, type GqlResponse } from './client.ts';

/** The real CLI beside the server, on its data directory. */
const cliEnv = { ...process.env, TRACEGRAPH_NEO4J_URI: '' };

const password = (role: Role) => `pw-${role}-correct-horse`;
const TRACE = `{ traceForward(from: ["L1"]) { units { id } } }`;
const AUDIT = `{ auditTrail(first: 5) { entries { seq action } } }`;
const SIGN = `mutation Sign($password: String!) { signRecord(target: "REPORT-1", meaning: "approved", password: $password) { signer role meaning target auditSeq } }`;

/** Which roles may call what: written out here, not derived from roles.ts, so a change there shows. */
const ALLOWED: Record<'traceForward' | 'auditTrail' | 'signRecord', Role[]> = {
  traceForward: ['admin', 'quality', 'engineer', 'regulator'],
  auditTrail: ['admin', 'quality', 'regulator'],
  signRecord: ['admin', 'quality', 'engineer'],
};

function codeOf(r: GqlResponse): string | undefined {
  return r.errors?.[0]?.extensions?.code;
}

describe('API authentication, roles, signatures and audit trail', () => {
  let store: GraphStore;
  let server: ApiServer;
  let dataDir: string;
  let users: UserStore;
  let trail: AuditTrail;
  const keys = {} as Record<Role, string>;

  beforeAll(async () => {
    dataDir = tempDir();
    store = await KuzuStore.open({ dataDir, bufferMb: 64 });
    await store.applyEvents([receive('r1', 'L1'), op('asm', ['L1'], ['U1'], 'unit')]);
    trail = new AuditTrail(dataDir);
    users = new UserStore(dataDir, trail);
    for (const role of ROLES) keys[role] = await users.add({ name: `${role}-1`, role, password: password(role), by: 'test' });
    // Every failed key check its own window: these tests read each one's entry (test/security covers the aggregation).
    server = await createApiServer({ store, port: 0, dataDir, devKey: DEV_KEY, failedAuthLimits: { windowMs: 1 } });
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  describe('roles', () => {
    for (const role of ROLES) {
      it(`${role}: traceForward ${ALLOWED.traceForward.includes(role) ? 'allowed' : 'forbidden'}`, async () => {
        const r = await gql(server.url, TRACE, undefined, keys[role]);
        if (ALLOWED.traceForward.includes(role)) {
          expect(r.errors).toBeUndefined();
          expect(r.data).toEqual({ traceForward: { units: [{ id: 'U1' }] } });
        } else {
          expect(r.data ?? null).toBeNull();
          expect(r.errors?.[0]).toMatchObject({
            message: expect.stringMatching(new RegExp(`role ${role} may not use Query.traceForward; it needs readTrace`)),
            extensions: { code: 'FORBIDDEN' },
          });
        }
      });

      it(`${role}: auditTrail ${ALLOWED.auditTrail.includes(role) ? 'allowed' : 'forbidden'}`, async () => {
        const r = await gql(server.url, AUDIT, undefined, keys[role]);
        if (ALLOWED.auditTrail.includes(role)) {
          expect(r.errors).toBeUndefined();
          expect((r.data?.auditTrail as { entries: unknown[] }).entries.length).toBeGreaterThan(0);
        } else expect(codeOf(r)).toBe('FORBIDDEN');
      });

      it(`${role}: signRecord ${ALLOWED.signRecord.includes(role) ? 'allowed' : 'forbidden'}`, async () => {
        const r = await gql(server.url, SIGN, { password: password(role) }, keys[role]);
        if (ALLOWED.signRecord.includes(role)) {
          expect(r.errors).toBeUndefined();
          expect(r.data?.signRecord).toMatchObject({ signer: `${role}-1`, role, meaning: 'approved', target: 'REPORT-1' });
        } else expect(codeOf(r)).toBe('FORBIDDEN');
      });
    }

    it('me names the caller and its role', async () => {
      const r = await gql(server.url, '{ me { name role } }', undefined, keys.service);
      expect(r.data).toEqual({ me: { name: 'service-1', role: 'service' } });
      const dev = await gql(server.url, '{ me { name role } }');
      expect(dev.data).toEqual({ me: { name: 'dev', role: 'admin' } });
    });
  });

  describe('authentication', () => {
    it('answers a request without a key, with a garbage header or with an unknown key 401 UNAUTHENTICATED', async () => {
      for (const key of [null, 'not-a-key', `tg_${'A'.repeat(43)}`, 'x'.repeat(300)]) {
        const r = await gql(server.url, TRACE, undefined, key);
        expect(r.status, String(key)).toBe(401);
        expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
        expect(r.data ?? null).toBeNull();
        expect(r.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED' });
      }
      const basic = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Basic dXNlcjpwYXNz' },
        body: JSON.stringify({ query: '{ me { name } }' }),
      });
      expect(basic.status).toBe(401);
    });

    it('refuses introspection without a key too, but serves the GraphiQL page', async () => {
      const r = await gql(server.url, '{ __schema { queryType { name } } }', undefined, null);
      expect(r.status).toBe(401);
      const page = await fetch(server.url, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/graphiql/i);
    });

    it('audits a failed key check without storing the key', async () => {
      const bogus = `tg_${'B'.repeat(43)}`;
      await gql(server.url, TRACE, undefined, bogus);
      const { entries } = await trail.query({ first: 500, action: 'login' });
      expect(entries.at(-1)).toMatchObject({
        actor: 'anonymous',
        details: { method: 'apiKey', ok: false, keyLabel: 'tg_BBBBBBBB' },
      });
      expect(readFileSync(trail.path, 'utf8')).not.toContain(bogus);
    });

    it('audits the first use of a key as a login', async () => {
      const { entries } = await trail.query({ first: 500, action: 'login', actor: 'regulator-1' });
      expect(entries[0]?.details).toMatchObject({ method: 'apiKey', ok: true });
    });

    it('login with a password gives a token that works as a key; a wrong password is refused and audited', async () => {
      const LOGIN =
        'mutation($name: String!, $password: String!) { login(name: $name, password: $password) { token expiresAt principal { name role } } }';
      const ok = await gql(server.url, LOGIN, { name: 'quality-1', password: password('quality') }, null);
      expect(ok.errors).toBeUndefined();
      const login = ok.data?.login as { token: string; principal: unknown };
      expect(login.principal).toEqual({ name: 'quality-1', role: 'quality' });
      expect(login.token).toMatch(/^tgt_/);
      expect((await gql(server.url, '{ me { name } }', undefined, login.token)).data).toEqual({ me: { name: 'quality-1' } });

      const bad = await gql(server.url, LOGIN, { name: 'quality-1', password: 'bad-guess-123' }, null);
      expect(codeOf(bad)).toBe('UNAUTHENTICATED');
      const { entries } = await trail.query({ first: 500, action: 'login', actor: 'quality-1' });
      expect(entries.map((e) => e.details?.ok)).toEqual(expect.arrayContaining([true, false]));
      expect(readFileSync(trail.path, 'utf8')).not.toContain('bad-guess-123');
      expect(readFileSync(trail.path, 'utf8')).not.toContain(login.token);

      // Only login is open to anonymous callers: anything next to it needs a key.
      const mixed = await gql(
        server.url,
        `mutation { login(name: "a", password: "b") { token } signRecord(target: "x", meaning: "y", password: "z") { signer } }`,
        undefined,
        null,
      );
      expect(mixed.status).toBe(401);
    });

    it('a user added by the CLI while the server runs works at once; revoked by the CLI it stops at once', async () => {
      const add = await runCli(['user', 'add', '--name', 'cli-engineer', '--role', 'engineer', '--json', '--data', dataDir], {
        env: cliEnv,
      });
      expect(add.stderr).toBe('');
      expect(add.code).toBe(0);
      const { key } = JSON.parse(add.stdout) as { key: string };
      expect(key).toMatch(/^tg_[A-Za-z0-9_-]{43}$/);
      expect((await gql(server.url, '{ me { name role } }', undefined, key)).data).toEqual({
        me: { name: 'cli-engineer', role: 'engineer' },
      });

      const plain = await runCli(
        ['user', 'add', '--name', 'cli-service', '--role', 'service', '--password-stdin', '--data', dataDir],
        { env: cliEnv, input: 'service-password-1\n' },
      );
      expect(plain.code).toBe(0);
      expect(plain.stdout).toMatch(/^tg_\S+\n$/);
      const list = await runCli(['user', 'list', '--json', '--data', dataDir], { env: cliEnv });
      expect(JSON.parse(list.stdout)).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: 'cli-service', role: 'service', hasPassword: true })]),
      );

      const revoke = await runCli(['user', 'revoke', '--name', 'cli-engineer', '--data', dataDir], { env: cliEnv });
      expect(revoke.code).toBe(0);
      const after = await gql(server.url, '{ me { name } }', undefined, key);
      expect(after.status).toBe(401);
      expect(codeOf(after)).toBe('UNAUTHENTICATED');

      const dup = await runCli(['user', 'add', '--name', 'cli-service', '--role', 'admin', '--data', dataDir], { env: cliEnv });
      expect(dup.code).toBe(1);
      expect(dup.stderr).toMatch(/^tracegraph: user cli-service exists/);
    }, 300_000); // six CLI starts: seconds each on a busy two-core machine
  });

  describe('electronic signatures', () => {
    it('a wrong password is SIGNATURE_INVALID, signs nothing, and is audited without the password', async () => {
      const r = await gql(server.url, SIGN, { password: 'not-my-password' }, keys.quality);
      expect(r.errors?.[0]).toMatchObject({
        message: expect.stringMatching(/nothing was signed/),
        extensions: { code: 'SIGNATURE_INVALID' },
      });
      const { entries } = await trail.query({ first: 500, action: 'signature.failed' });
      expect(entries.at(-1)).toMatchObject({
        actor: 'quality-1',
        target: 'REPORT-1',
        details: { meaning: 'approved', reason: 'wrong-password' },
      });
      // the mutation itself is on the record too, refused, with the password blanked
      const m = (await trail.query({ first: 500, action: 'mutation', actor: 'quality-1' })).entries.at(-1);
      expect(m).toMatchObject({
        target: 'signRecord',
        details: {
          operationName: 'Sign',
          ok: false,
          errors: ['SIGNATURE_INVALID'],
          fields: [{ field: 'signRecord', args: { password: '[redacted]' } }],
        },
      });
      expect(readFileSync(trail.path, 'utf8')).not.toContain('not-my-password');
    });

    it('a signature records who, when and what it means in the audit trail', async () => {
      const r = await gql(
        server.url,
        SIGN.replace('"approved"', '"reviewed"'),
        { password: password('engineer') },
        keys.engineer,
      );
      expect(r.errors).toBeUndefined();
      const sig = r.data?.signRecord as { auditSeq: number };
      const { entries } = await trail.query({ first: 1, after: sig.auditSeq - 1 });
      expect(entries[0]).toMatchObject({
        seq: sig.auditSeq,
        actor: 'engineer-1',
        action: 'signature',
        target: 'REPORT-1',
        details: { meaning: 'reviewed', role: 'engineer' },
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
    });

    it('a user without a password and the dev key cannot sign', async () => {
      const key = await users.add({ name: 'nopass', role: 'quality', by: 'test' });
      const r = await gql(server.url, SIGN, { password: 'anything-at-all' }, key);
      expect(r.errors?.[0]).toMatchObject({
        message: expect.stringMatching(/no password/),
        extensions: { code: 'SIGNATURE_INVALID' },
      });
      const dev = await gql(server.url, SIGN, { password: 'anything-at-all' });
      expect(codeOf(dev)).toBe('SIGNATURE_INVALID');
    });

    it('an empty meaning is BAD_INPUT', async () => {
      const r = await gql(server.url, SIGN.replace('"approved"', '"  "'), { password: password('admin') }, keys.admin);
      expect(r.errors?.[0]).toMatchObject({ message: expect.stringMatching(/meaning/), extensions: { code: 'BAD_INPUT' } });
    });
  });

  describe('audit trail', () => {
    it('pages in order and filters by action, actor and time', async () => {
      const p1 = await gql(
        server.url,
        '{ auditTrail(first: 2) { entries { seq prevHash hash } endCursor hasNextPage } }',
        undefined,
        keys.regulator,
      );
      const page1 = p1.data?.auditTrail as {
        entries: { seq: number; prevHash: string; hash: string }[];
        endCursor: string;
        hasNextPage: boolean;
      };
      expect(page1.entries.map((e) => e.seq)).toEqual([1, 2]);
      expect(page1.entries[0]!.prevHash).toBe('0'.repeat(64));
      expect(page1.entries[1]!.prevHash).toBe(page1.entries[0]!.hash);
      expect(page1).toMatchObject({ endCursor: '2', hasNextPage: true });
      const p2 = await gql(server.url, `{ auditTrail(first: 2, after: "2") { entries { seq } } }`, undefined, keys.regulator);
      expect((p2.data?.auditTrail as { entries: { seq: number }[] }).entries.map((e) => e.seq)).toEqual([3, 4]);
      const adds = await gql(
        server.url,
        `{ auditTrail(first: 500, action: "user.add", actor: "test", from: "2000-01-01", to: "2999-01-01T00:00:00Z") { entries { action actor target details } } }`,
        undefined,
        keys.admin,
      );
      const entries = (adds.data?.auditTrail as { entries: { action: string; target: string; details: string }[] }).entries;
      expect(entries.map((e) => e.target)).toEqual(expect.arrayContaining(ROLES.map((r) => `${r}-1`)));
      expect(JSON.parse(entries[0]!.details)).toMatchObject({ role: 'admin', password: true });
      const none = await gql(
        server.url,
        `{ auditTrail(from: "2999-01-01") { entries { seq } hasNextPage } }`,
        undefined,
        keys.admin,
      );
      expect(none.data).toEqual({ auditTrail: { entries: [], hasNextPage: false } });
    });

    it('answers bad paging and time arguments with BAD_INPUT', async () => {
      for (const [args, msg] of [
        ['first: 0', /first/],
        ['first: 501', /at most|1 to 500/],
        ['after: "abc"', /endCursor/],
        ['from: "yesterday"', /ISO 8601/],
      ] as const) {
        const r = await gql(server.url, `{ auditTrail(${args}) { entries { seq } } }`, undefined, keys.admin);
        expect(r.errors?.[0], args).toMatchObject({ message: expect.stringMatching(msg), extensions: { code: 'BAD_INPUT' } });
      }
    });
  });

  describe('bad input and limits', () => {
    it('answers wrong types and malformed ids with a clear error', async () => {
      const inline = await gql(server.url, `{ auditTrail(first: "ten") { entries { seq } } }`, undefined, keys.admin);
      expect(codeOf(inline)).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(inline.errors?.[0]?.message).toMatch(/Int/);
      const variable = await gql(
        server.url,
        `query($n: Int) { auditTrail(first: $n) { entries { seq } } }`,
        { n: 'ten' },
        keys.admin,
      );
      expect(variable.errors?.[0]).toMatchObject({ message: expect.stringMatching(/\$n/), extensions: { code: 'BAD_INPUT' } });
      const ids = await gql(
        server.url,
        `query($f: [ID!]!) { traceForward(from: $f) { units { id } } }`,
        { f: ['L1', null] },
        keys.admin,
      );
      expect(codeOf(ids)).toBe('BAD_INPUT');
      const empty = await gql(server.url, `{ traceForward(from: ["   "]) { units { id } } }`, undefined, keys.admin);
      expect(empty.errors?.[0]).toMatchObject({
        message: expect.stringMatching(/from\[0\] is empty/),
        extensions: { code: 'BAD_INPUT' },
      });
      const unknown = await gql(server.url, `{ nope }`, undefined, keys.admin);
      expect(codeOf(unknown)).toBe('GRAPHQL_VALIDATION_FAILED');
      const notJson = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.admin}` },
        body: '{"query": ',
      });
      expect(notJson.status).toBe(400);
    });

    it('refuses a query nested deeper than 15 levels with QUERY_TOO_COMPLEX', async () => {
      let sel = 'name';
      for (let i = 0; i < 16; i++) sel = `ofType { ${sel} }`;
      const r = await gql(server.url, `{ __schema { types { ${sel} } } }`, undefined, keys.admin);
      expect(r.data ?? null).toBeNull();
      expect(r.errors?.[0]).toMatchObject({
        message: expect.stringMatching(/levels deep; at most 15/),
        extensions: { code: 'QUERY_TOO_COMPLEX' },
      });
    });

    it('refuses more than 2000 selections (aliases, fragments) and more than 10000 tokens', async () => {
      const aliases = Array.from({ length: 2001 }, (_, i) => `a${i}: __typename`).join(' ');
      const many = await gql(server.url, `{ ${aliases} }`, undefined, keys.admin);
      expect(many.errors?.[0]).toMatchObject({
        message: expect.stringMatching(/more than 2000 fields/),
        extensions: { code: 'QUERY_TOO_COMPLEX' },
      });
      // 50 aliases x a fragment of 50 fields: small text, 2500 selections once expanded
      const frag = `fragment F on Query { ${Array.from({ length: 50 }, (_, i) => `f${i}: __typename`).join(' ')} }`;
      const spread = await gql(
        server.url,
        `{ ${Array.from({ length: 50 }, (_, i) => `... on Query { x${i}: me { name } ...F }`).join(' ')} } ${frag}`,
        undefined,
        keys.admin,
      );
      expect(codeOf(spread)).toBe('QUERY_TOO_COMPLEX');
      const tokens = await gql(
        server.url,
        `{ traceForward(from: [${Array.from({ length: 10_001 }, () => '"x"').join(',')}]) { units { id } } }`,
        undefined,
        keys.admin,
      );
      expect(tokens.errors?.[0]).toMatchObject({
        message: expect.stringMatching(/more than 10000 tokens/),
        extensions: { code: 'QUERY_TOO_COMPLEX' },
      });
    });

    it("GraphiQL's introspection query fits the limits", async () => {
      const r = await gql(server.url, getIntrospectionQuery(), undefined, keys.service);
      expect(r.errors).toBeUndefined();
      expect(r.data?.__schema).toBeDefined();
    });
  });

  describe('tracegraph audit verify', () => {
    it('reports ok, then the entry that was edited, then the entry after a removed line', async () => {
      const ok = await runCli(['audit', 'verify', '--data', dataDir], { env: cliEnv });
      expect(ok.code).toBe(0);
      expect(ok.stdout).toMatch(/^ok: \d+ entries, last hash [0-9a-f]{64}\n$/);

      const original = readFileSync(trail.path, 'utf8');
      const lines = original.trimEnd().split('\n');
      expect(lines.length).toBeGreaterThan(10);
      // edit a field of entry 5: who did it
      const edited = JSON.parse(lines[4]!) as { seq: number; actor: string };
      expect(edited.seq).toBe(5);
      edited.actor = 'someone-else';
      writeFileSync(trail.path, [...lines.slice(0, 4), JSON.stringify(edited), ...lines.slice(5)].join('\n') + '\n');
      const tampered = await runCli(['audit', 'verify', '--data', dataDir], { env: cliEnv });
      expect(tampered.code).toBe(1);
      expect(tampered.stderr).toMatch(
        /^tracegraph: audit trail broken at entry 5 \(.*line 5\): entry 5 was changed after it was written/,
      );
      const json = await runCli(['audit', 'verify', '--json', '--data', dataDir], { env: cliEnv });
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout)).toEqual({
        ok: false,
        entries: 4,
        brokenAt: { seq: 5, line: 5, reason: expect.any(String) },
      });

      // remove entry 7 instead
      writeFileSync(trail.path, [...lines.slice(0, 6), ...lines.slice(7)].join('\n') + '\n');
      const removed = await runCli(['audit', 'verify', '--json', '--data', dataDir], { env: cliEnv });
      expect(JSON.parse(removed.stdout)).toMatchObject({
        ok: false,
        entries: 6,
        brokenAt: { seq: 8, line: 7, reason: 'entry 8 follows entry 6: entry 7 is missing' },
      });

      writeFileSync(trail.path, original);
    }, 300_000);
  });
});
