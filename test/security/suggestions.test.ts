/**
 * Validation errors say "Did you mean ...?" only to authenticated callers: to anyone else the
 * suggestions would list the schema's field and argument names, which they may not introspect.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql } from '../api/client.ts';
import { startApi, type TestApi } from './api.ts';

const TYPO_FIELD = 'mutation { login(name: "nobody", password: "x") { tokn } }';
const TYPO_ARG = 'mutation { login(name: "nobody", pasword: "x") { token } }';

describe('validation suggestions', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  it.each([TYPO_FIELD, TYPO_ARG])('are left out for an unauthenticated caller: %s', async (query) => {
    const r = await gql(api.server.url, query, undefined, null);
    expect(r.errors?.length).toBeGreaterThan(0);
    for (const e of r.errors ?? []) {
      expect(e.message).not.toMatch(/Did you mean/);
      expect(e.message).not.toMatch(/"token"/);
    }
    expect(r.errors?.map((e) => e.message).join('\n')).toMatch(/Cannot query field "tokn"|Unknown argument "pasword"/);
  });

  it('are given to an authenticated caller, and a cached validation result does not mix the two', async () => {
    const r = await gql(api.server.url, TYPO_FIELD);
    expect(r.errors?.[0]?.message).toMatch(/Did you mean "token"\?/);
    const anonymous = await gql(api.server.url, TYPO_FIELD, undefined, null);
    expect(anonymous.errors?.[0]?.message).toBe('Cannot query field "tokn" on type "LoginResult".');
  });
});
