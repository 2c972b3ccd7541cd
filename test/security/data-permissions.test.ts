/**
 * The data directory and every file tracegraph writes in it are owner-only (0700 / 0600): a real
 * API server with a pipeline, EPCIS capture, the audit trail, users, the event log, dead letters
 * and the embedded graph, all in one fresh data directory, with a permissive umask.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditTrail } from '../../domain/audit/trail.ts';
import { UserStore } from '../../domain/auth/users.ts';
import { createApiServer, type ApiServer } from '../../api/server.ts';
import { KuzuStore } from '../../cypher/kuzu/adapter.ts';
import type { GraphStore } from '../../cypher/port.ts';
import { Pipeline } from '../../ingest/pipeline/pipeline.ts';
import { DEV_KEY, gql } from '../api/client.ts';
import { postCapture, waitForJob } from '../conformance/helpers/epcis-http.ts';
import { tempDir } from '../helpers/stores.ts';

/** Every path under `dir` whose mode lets group or others in, with its mode. */
function open(dir: string): string[] {
  const found: string[] = [];
  const walk = (p: string) => {
    const st = statSync(p);
    if ((st.mode & 0o077) !== 0) found.push(`${p.slice(dir.length) || '/'} ${(st.mode & 0o777).toString(8)}`);
    if (st.isDirectory()) for (const n of readdirSync(p)) walk(join(p, n));
  };
  walk(dir);
  return found;
}

describe('data directory permissions', () => {
  let data: string;
  let store: GraphStore;
  let pipeline: Pipeline;
  let server: ApiServer;
  let umask: number;

  beforeAll(async () => {
    // A umask that would make everything world-readable: modes must not depend on it.
    umask = process.umask(0o022);
    data = join(tempDir(), 'data');
    store = await KuzuStore.open({ dataDir: data, bufferMb: 64 });
    pipeline = new Pipeline({ dataDir: data, store, warn: () => undefined, batchWindowMs: 10 });
    await pipeline.start();
    await new UserStore(data, new AuditTrail(data)).add({ name: 'qe', role: 'quality', password: 'qe-password-123', by: 'test' });
    server = await createApiServer({ store, port: 0, dataDir: data, devKey: DEV_KEY, pipeline });
  });
  afterAll(async () => {
    await server?.close();
    await pipeline?.close();
    await store?.close();
    process.umask(umask);
  });

  it('creates the data directory and every file in it owner-only', async () => {
    await pipeline.submit('test', [
      {
        kind: 'receive',
        eventId: 'r1',
        eventTime: '2026-03-01T08:00:00Z',
        lot: 'L1',
        material: 'm',
        qty: 1,
        uom: 'kg',
        supplier: 's',
      },
    ]);
    await pipeline.submit('test', '{"kind": "receive"'); // a dead letter
    const doc = {
      '@context': ['https://ref.gs1.org/standards/epcis/epcis-context.jsonld'],
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      creationDate: '2024-01-01T00:00:00Z',
      epcisBody: {
        eventList: [
          {
            type: 'ObjectEvent',
            eventTime: '2024-01-01T10:00:00Z',
            eventTimeZoneOffset: '+00:00',
            epcList: ['urn:epc:id:sgtin:0614141.107346.1'],
            action: 'OBSERVE',
          },
        ],
      },
    };
    const base = server.url.replace(/\/graphql$/, '');
    const { location } = await postCapture(base, JSON.stringify(doc), 'application/ld+json');
    expect((await waitForJob(base, location)).success).toBe(true);
    await gql(server.url, '{ __typename }', undefined, 'tg_wrong-key'); // an audited failure
    await pipeline.flush();

    const names = readdirSync(data);
    expect(names).toEqual(expect.arrayContaining(['graph.kuzu', 'log', 'epcis', 'audit', 'auth', 'deadletters.jsonl']));
    expect(open(data)).toEqual([]);
  });
});
