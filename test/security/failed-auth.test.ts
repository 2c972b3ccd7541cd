/**
 * Failed authentications from one address: the audit trail records the first at once and the
 * rest of the window as one entry with a count; past the limit the address is answered 429, while
 * a valid key from it still works. Over real HTTP (GraphQL and EPCIS) against a started server.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql } from '../api/client.ts';
import { startApi, type TestApi } from './api.ts';

const WINDOW_MS = 5000;
const LIMIT = 8;

interface Entry {
  action: string;
  details: { ok?: boolean; method?: string; count?: number; address?: string; reason?: string };
}

function failedLogins(dataDir: string): Entry[] {
  const file = join(dataDir, 'audit', 'trail.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Entry)
    .filter((e) => e.action === 'login' && e.details.ok === false);
}

describe('failed authentications', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi({ failedAuthLimits: { windowMs: WINDOW_MS, maxPerWindow: LIMIT } });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('are audited once per address and window with a count, rate-limited past the limit, and a valid key still works', async () => {
    const started = Date.now();
    const statuses: number[] = [];
    for (let i = 0; i < 24; i++) {
      const r =
        i % 2 === 0
          ? (await gql(api.server.url, '{ __typename }', undefined, `tg_wrong${i}`)).status
          : (await fetch(`${api.base}/epcis/events`, { headers: { authorization: `Bearer tg_wrong${i}` } })).status;
      statuses.push(r);
    }
    expect(Date.now() - started).toBeLessThan(WINDOW_MS); // all inside one window, or the counts below mean nothing
    expect(statuses.slice(0, LIMIT)).toEqual(Array(LIMIT).fill(401));
    expect(new Set(statuses.slice(LIMIT))).toEqual(new Set([429]));
    const limited = await gql(api.server.url, '{ __typename }', undefined, 'tg_wrong-again');
    expect(limited.errors?.[0]?.extensions?.code).toBe('TOO_MANY_ATTEMPTS');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // EPCIS answers the same 429 with the same Retry-After.
    const epcis = await fetch(`${api.base}/epcis/events`, { headers: { authorization: 'Bearer tg_wrong-epcis' } });
    expect(epcis.status).toBe(429);
    expect(Number(epcis.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await epcis.json()) as { type: string }).type).toBe('epcisException:SecurityException');
    // So do the interlock and the report downloads, and they count towards the same window.
    for (const [path, init] of [
      ['/interlock', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }],
      ['/reports/none.pdf', {}],
    ] as const) {
      const r = await fetch(`${api.base}${path}`, { ...init, headers: { ...init.headers, authorization: 'Bearer tg_wrong-x' } });
      expect(r.status, path).toBe(429);
      expect(Number(r.headers.get('retry-after')), path).toBeGreaterThan(0);
    }

    expect((await gql(api.server.url, '{ __typename }')).data).toEqual({ __typename: 'Query' });

    // So far: the first failure only.
    expect(failedLogins(api.dataDir)).toEqual([
      expect.objectContaining({ details: expect.objectContaining({ method: 'apiKey', address: '127.0.0.1' }) }),
    ]);
    // After the window: one more entry counting the other 25.
    await new Promise((r) => setTimeout(r, WINDOW_MS + 1200));
    const entries = failedLogins(api.dataDir);
    expect(entries).toHaveLength(2);
    expect(entries[1]!.details).toMatchObject({ count: 27, address: '127.0.0.1' });

    // A new window starts afresh: 401 again, audited again.
    expect((await gql(api.server.url, '{ __typename }', undefined, 'tg_wrong-later')).status).toBe(401);
    expect(failedLogins(api.dataDir)).toHaveLength(3);
  });
});
