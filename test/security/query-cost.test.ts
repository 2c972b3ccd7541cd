/**
 * GraphQL cost: aliases of expensive fields fit the token and selection limits but are as many
 * graph queries; each request and each user over time get a cost limit (QUERY_TOO_COMPLEX naming
 * the cost). Over real HTTP against a started server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditTrail } from '../../domain/audit/trail.ts';
import { UserStore } from '../../domain/auth/users.ts';
import { FIELD_COSTS } from '../../api/limits.ts';
import { gql } from '../api/client.ts';
import { tempDir } from '../helpers/stores.ts';
import { startApi, type TestApi } from './api.ts';

const TRACE = FIELD_COSTS['Query.traceForward']!;
// 13 tokens an alias (a single id for a list is coerced): 660 of them fit the 10,000-token limit.
const traces = (n: number) =>
  `{ ${Array.from({ length: n }, (_, i) => `t${i}: traceForward(from: "L${i}") { units { id } }`).join(' ')} }`;

describe('query cost', () => {
  let api: TestApi;
  const keys: Record<string, string> = {};
  beforeAll(async () => {
    const dataDir = tempDir();
    const users = new UserStore(dataDir, new AuditTrail(dataDir));
    for (const name of ['ana', 'ben']) keys[name] = await users.add({ name, role: 'quality', by: 'test' });
    // A budget of 10 traces a minute per user, at most 4 per request.
    api = await startApi({ dataDir, limits: { maxCost: 4 * TRACE, maxCostPerMinute: 10 * TRACE } });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('refuses 660 traceForward aliases before running any, naming the cost', async () => {
    const started = Date.now();
    const r = await gql(api.server.url, traces(660), undefined, keys.ana);
    expect(r.data ?? null).toBeNull();
    expect(r.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(new RegExp(`costs ${660 * TRACE} .*at most ${4 * TRACE} per request`)),
        extensions: expect.objectContaining({ code: 'QUERY_TOO_COMPLEX' }),
      }),
    ]);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('counts a fragment as often as it is spread', async () => {
    const q = `{ a: traceForward(from: ["X"]) { ...T } b: traceBackward(from: ["X"]) { ...T } c: traceForward(from: ["Y"]) { ...T } d: traceForward(from: ["Z"]) { ...T } e: traceBackward(from: ["Z"]) { ...T } } fragment T on Trace { units { id } }`;
    const r = await gql(api.server.url, q, undefined, keys.ben);
    expect(r.errors?.[0]?.message).toMatch(new RegExp(`costs ${5 * TRACE} `));
  });

  it('holds each user to a budget per minute, answered 429 with Retry-After, without touching other users', async () => {
    for (let i = 0; i < 2; i++) {
      const ok = await gql(api.server.url, traces(4), undefined, keys.ana);
      expect(ok.errors).toBeUndefined();
    }
    // 8 of 10 spent: 4 more do not fit
    const over = await gql(api.server.url, traces(4), undefined, keys.ana);
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(over.errors?.[0]).toMatchObject({
      message: expect.stringMatching(new RegExp(`costs ${4 * TRACE}, and user ana has \\d+ of ${10 * TRACE} per minute left`)),
      extensions: { code: 'QUERY_TOO_COMPLEX' },
    });
    // cheap fields cost nothing; another user has their own budget
    expect((await gql(api.server.url, '{ me { name } }', undefined, keys.ana)).data).toEqual({ me: { name: 'ana' } });
    expect((await gql(api.server.url, traces(4), undefined, keys.ben)).errors).toBeUndefined();
  });
});
