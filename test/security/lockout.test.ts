/**
 * Password lockouts that cannot be turned against a user: the per-name limit stays, but lockouts
 * start short and grow, and a signed-in session signs whatever others do to the user's name.
 * Over real HTTP against a started server, from two loopback addresses.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditTrail } from '../../domain/audit/trail.ts';
import { UserStore } from '../../domain/auth/users.ts';
import { gql, type GqlResponse } from '../api/client.ts';
import { tempDir } from '../helpers/stores.ts';
import { startApi, type TestApi } from './api.ts';

const LOGIN =
  'mutation($name: String!, $password: String!) { login(name: $name, password: $password) { token principal { name } } }';
const SIGN =
  'mutation($password: String!) { signRecord(target: "BATCH-7", meaning: "approved", password: $password) { signer } }';
const pw = (name: string) => `pw-${name}-correct-horse`;
const codeOf = (r: GqlResponse) => r.errors?.[0]?.extensions?.code;

/** A login from another loopback address: the attacker is not the user's machine. */
function loginFrom(
  localAddress: string,
  url: string,
  name: string,
  password: string,
): Promise<{ status: number; retryAfter: number }> {
  return new Promise((ok, fail) => {
    const req = request(
      url,
      { method: 'POST', localAddress, headers: { 'content-type': 'application/json', accept: 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => ok({ status: res.statusCode ?? 0, retryAfter: Number(res.headers['retry-after'] ?? 0) }));
      },
    );
    req.on('error', fail);
    req.end(JSON.stringify({ query: LOGIN, variables: { name, password } }));
  });
}

describe('password lockouts', () => {
  let api: TestApi;
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    const dataDir = tempDir();
    const users = new UserStore(dataDir, new AuditTrail(dataDir));
    for (const name of ['alice', 'bert', 'carl'])
      keys[name] = await users.add({ name, role: 'quality', password: pw(name), by: 'test' });
    api = await startApi({
      dataDir,
      loginLimits: { maxFailuresPerName: 3, maxFailuresPerAddress: 0, windowMs: 60_000, lockoutMs: 1000, maxLockoutMs: 60_000 },
    });
  });
  afterAll(async () => {
    await api?.close();
  });

  it("others' failed logins for a name lock its logins but not a signed-in session's signature", async () => {
    for (let i = 0; i < 3; i++) expect((await loginFrom('127.0.0.2', api.server.url, 'alice', 'guess')).status).toBe(200);
    expect((await loginFrom('127.0.0.2', api.server.url, 'alice', pw('alice'))).status).toBe(429);
    const signed = await gql(api.server.url, SIGN, { password: pw('alice') }, keys.alice);
    expect(signed.errors).toBeUndefined();
    expect(signed.data).toEqual({ signRecord: { signer: 'alice' } });
  });

  it('a session failing its own signatures locks only that session', async () => {
    const token = (
      (await gql(api.server.url, LOGIN, { name: 'bert', password: pw('bert') }, null)).data?.login as { token: string }
    ).token;
    for (let i = 0; i < 3; i++)
      expect(codeOf(await gql(api.server.url, SIGN, { password: 'nope' }, token))).toBe('SIGNATURE_INVALID');
    expect(codeOf(await gql(api.server.url, SIGN, { password: pw('bert') }, token))).toBe('TOO_MANY_ATTEMPTS');
    // the user's other session (the API key) still signs
    expect((await gql(api.server.url, SIGN, { password: pw('bert') }, keys.bert)).data).toEqual({
      signRecord: { signer: 'bert' },
    });
  });

  it('lockouts grow: the first is short, the next twice as long', async () => {
    const fail3 = async () => {
      for (let i = 0; i < 3; i++) expect((await loginFrom('127.0.0.2', api.server.url, 'carl', 'guess')).status).toBe(200);
    };
    await fail3();
    const first = await loginFrom('127.0.0.2', api.server.url, 'carl', 'guess');
    expect(first).toEqual({ status: 429, retryAfter: 1 });
    await new Promise((r) => setTimeout(r, 1100));
    await fail3();
    const second = await loginFrom('127.0.0.2', api.server.url, 'carl', 'guess');
    expect(second.status).toBe(429);
    expect(second.retryAfter).toBe(2);
    await new Promise((r) => setTimeout(r, 2100));
    // and the right password works once it is over
    expect((await gql(api.server.url, LOGIN, { name: 'carl', password: pw('carl') }, null)).errors).toBeUndefined();
  });
});
