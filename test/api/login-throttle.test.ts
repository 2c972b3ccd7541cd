/**
 * Failed-password limits (domain/auth/throttle.ts) over real HTTP against started servers: per user
 * name, per client address, shared by login and signatures, and bounded in memory.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditTrail } from '../../domain/audit/trail.ts';
import { LoginThrottle } from '../../domain/auth/throttle.ts';
import { UserStore } from '../../domain/auth/users.ts';
import { createApiServer, type ApiServer } from '../../api/server.ts';
import { loadConfig } from '../../core/config.ts';
import { KuzuStore } from '../../cypher/kuzu/adapter.ts';
import type { GraphStore } from '../../cypher/port.ts';
import { tempDir } from '../helpers/stores.ts';
import { DEV_KEY, gql, type GqlResponse } from './client.ts';

const LOGIN =
  'mutation($name: String!, $password: String!) { login(name: $name, password: $password) { token principal { name } } }';
const SIGN = `mutation($password: String!) { signRecord(target: "REPORT-9", meaning: "approved", password: $password) { signer } }`;
const pw = (name: string) => `pw-${name}-correct-horse`;
/** Short, so the test can wait it out; the window is long, so a slow machine does not let failures expire. */
const LOCKOUT_MS = 3000;

const login = (url: string, name: string, password: string) => gql(url, LOGIN, { name, password }, null);
const codeOf = (r: GqlResponse) => r.errors?.[0]?.extensions?.code;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A login sent from another loopback address (127.0.0.2), to tell addresses apart. */
function loginFrom(
  localAddress: string,
  url: string,
  name: string,
  password: string,
): Promise<{ status: number; code?: string }> {
  return new Promise((ok, fail) => {
    const req = request(
      url,
      { method: 'POST', localAddress, headers: { 'content-type': 'application/json', accept: 'application/json' } },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d));
        res.on('end', () => {
          const body = JSON.parse(text) as GqlResponse;
          ok({ status: res.statusCode ?? 0, code: codeOf(body) });
        });
      },
    );
    req.on('error', fail);
    req.end(JSON.stringify({ query: LOGIN, variables: { name, password } }));
  });
}

describe('failed password limits', () => {
  let store: GraphStore;
  let dataDir: string;
  let trail: AuditTrail;
  const keys: Record<string, string> = {};
  const servers: ApiServer[] = [];

  beforeAll(async () => {
    dataDir = tempDir();
    store = await KuzuStore.open({ dataDir, bufferMb: 64 });
    trail = new AuditTrail(dataDir);
    const users = new UserStore(dataDir, trail);
    for (const name of ['ann', 'bob', 'cy', 'dee', 'eve', 'signer'])
      keys[name] = await users.add({ name, role: 'quality', password: pw(name), by: 'test' });
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    await store?.close();
  });

  const start = async (limits: Parameters<typeof createApiServer>[0]['loginLimits']) => {
    const s = await createApiServer({ store, port: 0, dataDir, devKey: DEV_KEY, loginLimits: limits });
    servers.push(s);
    return s.url;
  };

  it('refuses the 6th attempt after 5 wrong passwords, even the right one, with 429; others log in; after the lockout it works', async () => {
    const url = await start({ maxFailuresPerName: 5, maxFailuresPerAddress: 0, windowMs: 60_000, lockoutMs: LOCKOUT_MS });
    for (let i = 0; i < 5; i++) {
      const r = await login(url, 'ann', `wrong-${i}`);
      expect(r.status).toBe(200);
      expect(codeOf(r)).toBe('UNAUTHENTICATED');
    }
    const refused = await login(url, 'ann', pw('ann'));
    expect(refused.status).toBe(429);
    expect(refused.data ?? null).toBeNull();
    expect(refused.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/too many failed password attempts for user "ann": try again after \d{4}-\d\d-\d\dT\S+Z/),
      extensions: { code: 'TOO_MANY_ATTEMPTS' },
    });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    const other = await login(url, 'bob', pw('bob'));
    expect(other.errors).toBeUndefined();
    expect(other.data?.login).toMatchObject({ principal: { name: 'bob' } });

    const { entries } = await trail.query({ first: 500, action: 'login', actor: 'ann' });
    expect(entries.at(-1)?.details).toMatchObject({ method: 'password', ok: false, reason: 'too-many-attempts' });
    expect(entries.filter((e) => e.details?.reason === 'wrong-password')).toHaveLength(5);

    await sleep(LOCKOUT_MS + 100);
    const again = await login(url, 'ann', pw('ann'));
    expect(again.errors).toBeUndefined();
    expect(again.data?.login).toMatchObject({ principal: { name: 'ann' } });
  });

  it('a successful login clears the name: failures before it do not add up with those after', async () => {
    const url = await start({ maxFailuresPerName: 5, maxFailuresPerAddress: 0, windowMs: 60_000, lockoutMs: 60_000 });
    for (let i = 0; i < 4; i++) expect(codeOf(await login(url, 'cy', 'wrong'))).toBe('UNAUTHENTICATED');
    expect((await login(url, 'cy', pw('cy'))).errors).toBeUndefined();
    for (let i = 0; i < 4; i++) expect(codeOf(await login(url, 'cy', 'wrong'))).toBe('UNAUTHENTICATED');
    expect((await login(url, 'cy', pw('cy'))).errors).toBeUndefined();
    // an unknown name counts like a wrong password (a lockout says nothing about who exists)
    for (let i = 0; i < 5; i++) expect(codeOf(await login(url, 'nobody', 'x'))).toBe('UNAUTHENTICATED');
    expect(codeOf(await login(url, 'nobody', 'x'))).toBe('TOO_MANY_ATTEMPTS');
  });

  it('counts parallel guesses before they are checked: no more than the limit get a password check', async () => {
    const url = await start({ maxFailuresPerName: 5, maxFailuresPerAddress: 0, windowMs: 60_000, lockoutMs: 60_000 });
    const all = await Promise.all(Array.from({ length: 12 }, (_, i) => login(url, 'dee', `guess-${i}`)));
    const codes = all.map(codeOf);
    expect(codes.filter((c) => c === 'UNAUTHENTICATED').length).toBeLessThanOrEqual(5);
    expect(codes.filter((c) => c === 'TOO_MANY_ATTEMPTS').length).toBeGreaterThanOrEqual(7);
    expect(codeOf(await login(url, 'dee', pw('dee')))).toBe('TOO_MANY_ATTEMPTS');
  });

  it('locks an address that fails across many names, and only that address', async () => {
    const url = await start({ maxFailuresPerName: 5, maxFailuresPerAddress: 6, windowMs: 60_000, lockoutMs: 60_000 });
    for (let i = 0; i < 6; i++) expect((await loginFrom('127.0.0.1', url, `spray-${i}`, 'x')).code).toBe('UNAUTHENTICATED');
    expect(await loginFrom('127.0.0.1', url, 'eve', pw('eve'))).toEqual({ status: 429, code: 'TOO_MANY_ATTEMPTS' });
    expect(await loginFrom('127.0.0.2', url, 'eve', pw('eve'))).toEqual({ status: 200, code: undefined });
  });

  it('throttles signature password re-entry per session, and audits the refusal; the name can still log in', async () => {
    const url = await start({ maxFailuresPerName: 5, maxFailuresPerAddress: 0, windowMs: 60_000, lockoutMs: 60_000 });
    for (let i = 0; i < 5; i++) {
      const r = await gql(url, SIGN, { password: `wrong-${i}` }, keys.signer);
      expect(codeOf(r)).toBe('SIGNATURE_INVALID');
    }
    const refused = await gql(url, SIGN, { password: pw('signer') }, keys.signer);
    expect(refused.status).toBe(429);
    expect(codeOf(refused)).toBe('TOO_MANY_ATTEMPTS');
    // a session failing its own signatures locks that session, not the user's logins
    expect((await login(url, 'signer', pw('signer'))).errors).toBeUndefined();
    const { entries } = await trail.query({ first: 500, action: 'signature.failed', actor: 'signer' });
    expect(entries.at(-1)).toMatchObject({ target: 'REPORT-9', details: { reason: 'too-many-attempts' } });
    // the key itself still works for what needs no password
    expect((await gql(url, '{ me { name } }', undefined, keys.signer)).data).toEqual({ me: { name: 'signer' } });
  });
});

describe('login throttle memory', () => {
  it('forgets names and addresses past the cap and once their window and lockout are over', () => {
    let now = 0;
    // The longest lockout is also how long a name is remembered (lockouts grow until a quiet period that long).
    const t = new LoginThrottle({ maxTracked: 100, windowMs: 1000, lockoutMs: 2000, maxLockoutMs: 2000 }, () => now);
    for (let i = 0; i < 1000; i++) t.begin(`user-${i}`, `10.0.${i >> 8}.${i & 255}`).done('failed');
    expect(t.tracked.names).toBeLessThanOrEqual(100);
    expect(t.tracked.addresses).toBeLessThanOrEqual(100);
    now = 5000;
    t.begin('late', '10.9.9.9').done('failed');
    expect(t.tracked).toEqual({ names: 1, addresses: 1, sessions: 0 });
  });

  it('keeps a lockout until it ends, then lets the name try again', () => {
    let now = 0;
    const t = new LoginThrottle({ maxFailuresPerName: 3, windowMs: 1000, lockoutMs: 5000 }, () => now);
    for (let i = 0; i < 3; i++) t.begin('ann', undefined).done('failed');
    now = 4999;
    expect(() => t.begin('ann', undefined)).toThrow(/try again after 1970-01-01T00:00:05.000Z \(in 1 s\)/);
    now = 5000;
    expect(() => t.begin('ann', undefined).done('ok')).not.toThrow();
  });
});

describe('login limits configuration', () => {
  it('TRACEGRAPH_LOGIN_* set the limits (seconds to ms); unset keys are left to the defaults; a bad value is CONFIG', () => {
    const env = {
      TRACEGRAPH_LOGIN_MAX_FAILURES: '3',
      TRACEGRAPH_LOGIN_MAX_FAILURES_PER_ADDRESS: '0',
      TRACEGRAPH_LOGIN_WINDOW_SECONDS: '60',
    };
    const { login } = loadConfig({}, env);
    expect(login).toEqual({ maxFailuresPerName: 3, maxFailuresPerAddress: 0, windowMs: 60_000, lockoutMs: undefined });
    expect(new LoginThrottle(login).limits).toMatchObject({ maxFailuresPerName: 3, windowMs: 60_000, lockoutMs: 60_000 });
    expect(() => loadConfig({}, { TRACEGRAPH_LOGIN_LOCKOUT_SECONDS: '0' })).toThrow(/TRACEGRAPH_LOGIN_LOCKOUT_SECONDS/);
    expect(() => loadConfig({}, { TRACEGRAPH_LOGIN_MAX_FAILURES_PER_ADDRESS: '-1' })).toThrow(/PER_ADDRESS/);
  });
});
