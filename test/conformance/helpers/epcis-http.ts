/**
 * A real API server on a free loopback port with a temp data directory and an embedded store,
 * and the few HTTP calls EPCIS tests make. Every request goes through `call`, so a header every
 * request needs (an API key, say) is added in one place: `EPCIS_TEST_HEADERS`.
 */
import { readFileSync } from 'node:fs';
import { createApiServer, type ApiServer } from '../../../api/server.ts';
import { KuzuStore } from '../../../cypher/kuzu/adapter.ts';
import type { GraphStore } from '../../../cypher/port.ts';
import { DEV_KEY } from '../../api/client.ts';
import { tempDir } from '../../helpers/stores.ts';

/** Headers added to every request (authentication, when the API asks for it). */
export const EPCIS_TEST_HEADERS: Record<string, string> = { authorization: `Bearer ${DEV_KEY}` };

export interface EpcisTestServer {
  /** e.g. http://127.0.0.1:41234 */
  base: string;
  store: GraphStore;
  dataDir: string;
  server: ApiServer;
  close(): Promise<void>;
}

export async function startEpcisServer(opts: { maxCaptureBytes?: number } = {}): Promise<EpcisTestServer> {
  const dataDir = tempDir('tracegraph-epcis-');
  const store = await KuzuStore.open({ dataDir, bufferMb: 64 });
  const server = await createApiServer({ store, port: 0, dataDir, devKey: DEV_KEY, maxCaptureBytes: opts.maxCaptureBytes });
  return {
    base: server.url.replace(/\/graphql$/, ''),
    store,
    dataDir,
    server,
    async close() {
      await server.close();
      await store.close();
    },
  };
}

export function call(base: string, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  for (const [k, v] of Object.entries(EPCIS_TEST_HEADERS)) headers.set(k, v);
  return fetch(base + path, { ...init, headers });
}

/** POSTs a capture document given as bytes; returns the response and its Location. */
export async function postBytes(
  base: string,
  body: Buffer<ArrayBuffer>,
  contentType: string,
): Promise<{ res: Response; location: string }> {
  const res = await call(base, '/epcis/capture', { method: 'POST', headers: { 'content-type': contentType }, body });
  return { res, location: res.headers.get('location') ?? '' };
}

export interface CaptureJobBody {
  captureID: string;
  running: boolean;
  success: boolean;
  captureErrorBehaviour: string;
  errors: { type: string; title: string; status: number; detail?: string }[];
  eventCount?: number;
  newEventCount?: number;
}

/** POSTs a document and returns the 202 response's Location. */
export async function postCapture(base: string, body: string, contentType: string): Promise<{ res: Response; location: string }> {
  const res = await call(base, '/epcis/capture', { method: 'POST', headers: { 'content-type': contentType }, body });
  return { res, location: res.headers.get('location') ?? '' };
}

/** Polls a capture job until it has finished. */
export async function waitForJob(base: string, location: string, timeoutMs = 30_000): Promise<CaptureJobBody> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await call(base, location);
    const job = (await res.json()) as CaptureJobBody;
    if (!job.running) return job;
    if (Date.now() > until) throw new Error(`capture job ${location} still running after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Captures a document (a file path or its text) and waits for the job; fails the test when capture fails. */
export async function capture(
  base: string,
  doc: { file?: string; text?: string },
  contentType?: string,
): Promise<CaptureJobBody> {
  const text = doc.text ?? readFileSync(doc.file!, 'utf8');
  const type = contentType ?? (/^\uFEFF?\s*</.test(text) ? 'application/xml' : 'application/ld+json');
  const { res, location } = await postCapture(base, text, type);
  if (res.status !== 202) throw new Error(`capture answered ${res.status}: ${await res.text()}`);
  const job = await waitForJob(base, location);
  if (!job.success) throw new Error(`capture failed: ${JSON.stringify(job.errors)}`);
  return job;
}

export type EpcisEventOut = Record<string, unknown> & { eventID: string; type: string; eventTime: string };

export interface QueryOutcome {
  status: number;
  /** Every event over all pages (following `Link: rel="next"`), when the answer is 200. */
  events: EpcisEventOut[];
  /** The problem body, when it is not. */
  problem?: { type: string; title: string; status: number; detail: string };
  pages: number;
}

/** GETs a query and follows the next-page links to the end. */
export async function query(base: string, pathAndQuery: string): Promise<QueryOutcome> {
  const events: EpcisEventOut[] = [];
  let next: string | undefined = pathAndQuery;
  let pages = 0;
  while (next) {
    const res = await call(base, next);
    if (res.status !== 200) {
      return { status: res.status, events, pages, problem: (await res.json()) as QueryOutcome['problem'] };
    }
    pages++;
    const doc = (await res.json()) as { epcisBody: { queryResults: { resultsBody: { eventList: EpcisEventOut[] } } } };
    events.push(...doc.epcisBody.queryResults.resultsBody.eventList);
    next = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
  }
  return { status: 200, events, pages };
}

/** `?a=1&b=2` from pairs (list values joined with `|` by the caller). */
export function qs(params: Record<string, string> | [string, string][]): string {
  const s = new URLSearchParams(Array.isArray(params) ? params : Object.entries(params)).toString();
  return s ? `?${s}` : '';
}
