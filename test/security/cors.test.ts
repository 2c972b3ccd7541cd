/**
 * CORS on /graphql: no origin is allowed unless configured (the web app is same-origin), and a
 * configured origin is the only one answered with credentials.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.ts';
import { DEV_KEY } from '../api/client.ts';
import { startApi, type TestApi } from './api.ts';

const EVIL = 'https://evil.example';
const MES = 'https://mes.example.com';

async function corsOf(url: string, origin: string) {
  const preflight = await fetch(url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
  });
  const post = await fetch(url, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json', authorization: `Bearer ${DEV_KEY}` },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  return {
    preflight: [preflight.headers.get('access-control-allow-origin'), preflight.headers.get('access-control-allow-credentials')],
    post: [post.headers.get('access-control-allow-origin'), post.headers.get('access-control-allow-credentials')],
  };
}

describe('CORS on /graphql', () => {
  let plain: TestApi;
  let configured: TestApi;
  beforeAll(async () => {
    plain = await startApi();
    configured = await startApi({ corsOrigins: [MES] });
  });
  afterAll(async () => {
    await plain?.close();
    await configured?.close();
  });

  it('allows no cross-origin caller by default', async () => {
    expect(await corsOf(plain.server.url, EVIL)).toEqual({ preflight: [null, null], post: [null, null] });
  });

  it('allows a configured origin with credentials, and still no other', async () => {
    expect(await corsOf(configured.server.url, MES)).toEqual({ preflight: [MES, 'true'], post: [MES, 'true'] });
    expect(await corsOf(configured.server.url, EVIL)).toEqual({ preflight: [null, null], post: [null, null] });
  });
});

describe('corsOrigins configuration', () => {
  it('defaults to none and reads TRACEGRAPH_CORS_ORIGINS as a comma-separated list', () => {
    expect(loadConfig({}, {}).corsOrigins).toEqual([]);
    expect(loadConfig({}, { TRACEGRAPH_CORS_ORIGINS: `${MES}, http://localhost:5173` }).corsOrigins).toEqual([
      MES,
      'http://localhost:5173',
    ]);
  });

  it('refuses an entry that is not an origin, naming it', () => {
    expect(() => loadConfig({}, { TRACEGRAPH_CORS_ORIGINS: 'https://mes.example.com/app' })).toThrow(
      /TRACEGRAPH_CORS_ORIGINS: "https:\/\/mes.example.com\/app" is not an origin/,
    );
    expect(() => loadConfig({}, { TRACEGRAPH_CORS_ORIGINS: '*' })).toThrow(/is not an origin/);
  });
});
