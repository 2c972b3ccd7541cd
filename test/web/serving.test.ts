/**
 * The API server serves the built web app (SPA fallback, content types, caching, CSP) and the
 * public GS1 Digital Link pages (disclosure from one file, link set, plain 404), and resolveScan
 * reads every spelling a person or a scanner produces. Real server on a free port, real Kuzu store.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../../api/server.ts';
import { ensureWebBuild, WEB_DIST } from '../../api/web/build.ts';
import { DISCLOSURE_FILE } from '../../api/web/disclosure.ts';
import { KuzuStore } from '../../cypher/kuzu/adapter.ts';
import type { GraphStore } from '../../cypher/port.ts';
import { DEV_KEY, gql } from '../api/client.ts';
import { ev, receive, ship, pack } from '../helpers/events.ts';
import { tempDir } from '../helpers/stores.ts';

const UNIT = 'urn:epc:id:sgtin:4012345.011111.S-1';
const UNIT_PATH = '/01/04012345111118/21/S-1';
const LOT = 'urn:epc:class:lgtin:4098765.055555.P7';
const LOT_PATH = '/01/04098765555558/10/P7';

describe('web app and Digital Link serving', () => {
  let server: ApiServer;
  let store: GraphStore;
  let base: string;
  const dataDir = tempDir();

  beforeAll(async () => {
    await ensureWebBuild({ write: () => true });
    store = await KuzuStore.open({ dataDir: tempDir() });
    await store.applyEvents([
      ev({ kind: 'receive', eventId: 'r1', lot: LOT, material: 'solder paste', qty: 5, uom: 'kg', supplier: 'PasteCo' }),
      receive('r2', 'PCB-LOT-1', 'BoardWorks'),
      ev({
        kind: 'operation',
        eventId: 'o1',
        eventTime: '2026-03-02T08:00:00Z',
        operationId: 'OP-1',
        step: 'assembly',
        station: 'ASM-STATION-9',
        equipmentId: 'SECRET-EQUIPMENT-7',
        operatorId: 'SECRET-OPERATOR-3',
        inputs: [
          { id: LOT, qty: 0.01, uom: 'kg' },
          { id: 'PCB-LOT-1', qty: 1 },
        ],
        outputs: [{ id: UNIT, type: 'unit', qty: 1 }],
      }),
      ev({ kind: 'inspection', eventId: 'i1', id: UNIT, result: 'pass', station: 'EOL-1', inspectorId: 'SECRET-INSPECTOR' }),
      pack('p1', 'CASE-1', [UNIT]),
      ship('s1', 'SHP-1', ['CASE-1'], 'SECRET-CUSTOMER-ACME'),
    ]);
    server = await createApiServer({ store, port: 0, dataDir, devKey: DEV_KEY });
    base = server.url.replace(/\/graphql$/, '');
  }, 240_000);

  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers });

  it('answers / and any deep link that asks for HTML with index.html, not cached, under a same-origin CSP', async () => {
    for (const path of ['/', '/recall?supplierLots=x', '/genealogy']) {
      const res = await get(path, { accept: 'text/html' });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(await res.text()).toContain('<div id="root"></div>');
    }
  });

  it('serves hashed assets with their content type, cached for a year', async () => {
    const js = readdirSync(join(WEB_DIST, 'assets')).find((f) => f.endsWith('.js'))!;
    const res = await get(`/assets/${js}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const css = readdirSync(join(WEB_DIST, 'assets')).find((f) => f.endsWith('.css'))!;
    expect((await get(`/assets/${css}`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('keeps the JSON 404 for API clients, a missing asset and paths outside web/dist', async () => {
    for (const [path, headers] of [
      ['/nope', {}],
      ['/assets/missing-123.js', { accept: 'text/html' }],
      ['/..%2f..%2fpackage.json', {}],
      ['/%2e%2e/%2e%2e/package.json', { accept: 'text/html' }],
    ] as const) {
      const res = await get(path, headers);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toBe('application/json; charset=utf-8');
    }
    const post = await fetch(`${base}/`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(404);
  });

  it('shows a unit’s public page without sign-in: product, date, verdict, materials; no operator, equipment, customer', async () => {
    const res = await get(UNIT_PATH);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('04012345111118');
    expect(html).toContain('S-1');
    expect(html).toContain('Passed');
    expect(html).toContain('solder paste (supplier PasteCo)');
    expect(html).toContain('<svg'); // the QR code of the Digital Link
    expect(html).not.toMatch(/SECRET-|ASM-STATION-9|EOL-1|SHP-1|CASE-1|urn:epc/);
    expect(html).not.toContain('<script');
  });

  it('answers in Chinese for a Chinese browser', async () => {
    const html = await (await get(UNIT_PATH, { 'accept-language': 'zh-CN,zh;q=0.9' })).text();
    expect(html).toContain('质量检验');
    expect(html).toContain('lang="zh-CN"');
  });

  it('shows what the disclosure file switches on, and shows nothing when the file is wrong (the server log names it)', async () => {
    writeFileSync(
      join(dataDir, DISCLOSURE_FILE),
      JSON.stringify({ brand: 'Acme Electronics', products: { '04012345111118': 'Controller X1' }, show: { customers: true } }),
    );
    const html = await (await get(UNIT_PATH)).text();
    expect(html).toContain('Controller X1');
    expect(html).toContain('Acme Electronics');
    expect(html).toContain('SECRET-CUSTOMER-ACME');
    expect(html).not.toContain('SECRET-OPERATOR-3');
    writeFileSync(join(dataDir, DISCLOSURE_FILE), JSON.stringify({ show: { operatorz: true } }));
    const bad = await get(UNIT_PATH);
    expect(bad.status).toBe(500);
    writeFileSync(join(dataDir, DISCLOSURE_FILE), '{}');
  });

  it('answers a lot path and the lot-then-serial qualifier order', async () => {
    const lot = await get(LOT_PATH);
    expect(lot.status).toBe(200);
    expect(await lot.text()).toContain('P7');
    const both = await get('/01/04012345111118/10/ANY-LOT/21/S-1');
    expect(both.status).toBe(200);
    expect(await both.text()).toContain('S-1');
  });

  it('answers the GS1 link set for ?linkType=all and for Accept: application/linkset+json', async () => {
    for (const res of [await get(`${UNIT_PATH}?linkType=all`), await get(UNIT_PATH, { accept: 'application/linkset+json' })]) {
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/linkset+json');
      const body = (await res.json()) as { linkset: Record<string, unknown>[] };
      expect(body.linkset[0]).toMatchObject({
        anchor: `${base}${UNIT_PATH}`,
        'https://gs1.org/voc/defaultLink': [expect.objectContaining({ href: `${base}${UNIT_PATH}` })],
        'https://gs1.org/voc/pip': [expect.objectContaining({ type: 'text/html' })],
      });
    }
  });

  it('gives an unknown serial, a bad check digit and a malformed path the same plain 404', async () => {
    const bodies = new Set<string>();
    for (const path of ['/01/04012345111118/21/NOPE', '/01/04012345111119/21/S-1', '/01/abc', '/01/04012345111118']) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      bodies.add(await res.text());
    }
    expect(bodies.size).toBe(1);
    expect([...bodies][0]).not.toMatch(/urn:epc|S-1|NOPE/);
  });

  it('resolveScan reads a raw GS1 scan, a Digital Link URL, an EPC URN and a plant id', async () => {
    const q = 'query($s: String!) { resolveScan(input: $s) { id read found digitalLink } }';
    const cases: [string, object][] = [
      [`]d20104012345111118\u001d21S-1`, { id: UNIT, read: 'gs1', found: true, digitalLink: UNIT_PATH }],
      [`0104012345111118${'21'}S-1\u001d17301231`, { id: UNIT, read: 'gs1', found: true }],
      [`https://example.com${UNIT_PATH}`, { id: UNIT, read: 'digitalLink', found: true }],
      [UNIT, { id: UNIT, read: 'epc', found: true }],
      ['PCB-LOT-1', { id: 'PCB-LOT-1', read: 'plain', found: true, digitalLink: null }],
      ['NO-SUCH-THING', { found: false }],
    ];
    for (const [input, expected] of cases) {
      const r = await gql<{ resolveScan: object }>(server.url, q, { s: input });
      expect(r.errors, input).toBeUndefined();
      expect(r.data!.resolveScan, input).toMatchObject(expected);
    }
    const bad = await gql(server.url, q, { s: ']d20104012345111119\u001d21S-1' });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_INPUT');
    expect(bad.errors?.[0]?.message).toMatch(/check digit/);
  });

  it('auditChainCheck walks the audit trail and says it verifies', async () => {
    const r = await gql<{ auditChainCheck: { ok: boolean; entries: number; brokenAtSeq: number | null } }>(
      server.url,
      '{ auditChainCheck { ok entries brokenAtSeq } }',
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.auditChainCheck).toMatchObject({ ok: true, brokenAtSeq: null });
  });

  it('myScopes tells the web app what the role may do', async () => {
    const r = await gql<{ myScopes: string[] }>(server.url, '{ myScopes }');
    expect(r.data!.myScopes).toEqual(expect.arrayContaining(['recall', 'hold', 'readTrace']));
  });
});
