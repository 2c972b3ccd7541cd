/** GraphiQL must work on a plant network without internet: everything it loads comes from this server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../../api/server.ts';
import { KuzuStore } from '../../cypher/kuzu/adapter.ts';
import type { GraphStore } from '../../cypher/port.ts';
import { tempDir } from '../helpers/stores.ts';
import { DEV_KEY } from './client.ts';

describe('GraphiQL on GET /graphql', () => {
  let store: GraphStore;
  let server: ApiServer;
  let html: string;
  const page = () => new URL(server.url);

  beforeAll(async () => {
    const dataDir = tempDir();
    store = await KuzuStore.open({ dataDir, bufferMb: 64 });
    server = await createApiServer({ store, port: 0, dataDir, devKey: DEV_KEY });
    const res = await fetch(server.url, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    html = await res.text();
  });

  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  const referenced = () => [...html.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');

  it('names no URL outside the server', () => {
    expect(html).toContain('YogaGraphiQL.renderYogaGraphiQL');
    // Any absolute URL in the page, in an attribute or in the inline scripts.
    const absolute = [...html.matchAll(/(?:https?:)?\/\/[a-z0-9.-]+/gi)].map((m) => m[0]);
    expect(absolute).toEqual([]);
    expect(referenced().length).toBeGreaterThanOrEqual(3);
  });

  it('serves every script, style sheet, icon and editor worker the page loads', async () => {
    const workers = [...html.matchAll(/'([a-z]+\.worker\.js)'/g)].map((m) => `./graphiql/${m[1]}`);
    expect(workers).toHaveLength(3);
    for (const ref of [...referenced(), ...workers]) {
      const url = new URL(ref, page());
      expect(url.origin, ref).toBe(page().origin);
      const res = await fetch(url);
      expect(res.status, ref).toBe(200);
      const body = await res.arrayBuffer();
      expect(body.byteLength, ref).toBeGreaterThan(1000);
      if (ref.endsWith('.js')) expect(res.headers.get('content-type'), ref).toMatch(/^text\/javascript/);
      if (ref.endsWith('.css')) expect(res.headers.get('content-type'), ref).toMatch(/^text\/css/);
    }
  });

  it('answers 404 for a name that is not part of the bundle', async () => {
    const res = await fetch(new URL('/graphiql/package.json', page()));
    expect(res.status).toBe(404);
  });
});
