/** generateReport over real HTTP, and the download of what it wrote behind the same key. */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../../api/server.ts';
import type { GraphStore } from '../../cypher/port.ts';
import { typicalSupplierLots } from '../../ingest/seed/plant.ts';
import { verifyReport } from '../../reports/verify.ts';
import { DEV_KEY, gql } from '../api/client.ts';
import { tempDir } from '../helpers/stores.ts';
import { pdfPages, seededStore } from './helpers.ts';

const UNITS = 200;
const GENERATE = `mutation($r: ReportRequest!, $format: ReportFormat, $lang: ReportLang) {
  generateReport(request: $r, format: $format, lang: $lang) { id kind format sha256 pages bytes url dataUrl auditSeq }
}`;

describe('generateReport API', () => {
  let store: GraphStore;
  let server: ApiServer;
  let base: string;
  const lot = typicalSupplierLots({ units: UNITS }, 1)[0]!;

  beforeAll(async () => {
    const seeded = await seededStore(UNITS);
    store = seeded.store;
    server = await createApiServer({ store, port: 0, dataDir: seeded.dataDir, devKey: DEV_KEY });
    base = server.url.replace(/\/graphql$/, '');
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  const download = (path: string, key: string | null = DEV_KEY) =>
    fetch(base + path, { headers: key ? { authorization: `Bearer ${key}` } : {} });

  it('writes a recall report whose download carries the hash of its data file on every page', async () => {
    const r = await gql<{ generateReport: Record<string, string | number> }>(server.url, GENERATE, {
      r: { kind: 'recall', from: [lot] },
    });
    expect(r.errors).toBeUndefined();
    const g = r.data!.generateReport;
    expect(g).toMatchObject({ kind: 'recall', format: 'pdf', url: expect.stringMatching(/^\/reports\/recall-[0-9a-f-]+\.pdf$/) });
    const pdf = await download(g.url as string);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(bytes.length).toBe(g.bytes);
    const data = Buffer.from(await (await download(g.dataUrl as string)).arrayBuffer());
    expect(createHash('sha256').update(data).digest('hex')).toBe(g.sha256);
    // Downloaded side by side, the two verify as they would on the regulator's machine.
    const dir = tempDir('tracegraph-report-download-');
    writeFileSync(join(dir, 'r.pdf'), bytes);
    writeFileSync(join(dir, 'r.json'), data);
    expect(await verifyReport(join(dir, 'r.pdf'))).toMatchObject({ ok: true });
    const scope = await store.recallScope({ supplierLots: [lot] });
    expect(pdfPages(join(dir, 'r.pdf')).join('\n')).toMatch(new RegExp(`Units in scope\\s+${scope.counts.units}\\n`));
  });

  it('answers 401 to a download without a key and 404 to a name it did not make', async () => {
    const r = await gql<{ generateReport: { url: string } }>(server.url, GENERATE, {
      r: { kind: 'audit', auditFrom: '2000-01-01', auditTo: '2100-01-01' },
      format: 'csv',
    });
    expect(r.errors).toBeUndefined();
    expect((await download(r.data!.generateReport.url, null)).status).toBe(401);
    expect((await download('/reports/../audit/trail.jsonl')).status).toBe(404);
    expect((await download('/reports/recall-00000000-0000-0000-0000-000000000000.pdf')).status).toBe(404);
    const csv = await download(r.data!.generateReport.url);
    expect(csv.status).toBe(200);
    expect((await csv.text()).replace(/^\ufeff/, '').split('\r\n')[0]).toBe('seq,time,actor,action,target,details,prevHash,hash');
  });

  it('refuses a request without its target, with BAD_INPUT', async () => {
    const r = await gql(server.url, GENERATE, { r: { kind: 'unit' } });
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_INPUT');
    expect(r.errors?.[0]?.message).toContain('needs `id`');
  });
});
