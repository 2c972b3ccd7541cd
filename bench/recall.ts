/**
 * recallScope under concurrent load, over HTTP: `clients` loops each send one GraphQL request at a
 * time (a new one as soon as the last answered) until `requests` have been answered in all.
 * Reports latency as a client sees it (mean, spread, percentiles), and what the scopes held: first
 * with every request's criteria its own (each scope computed), then with 10 criteria asked again
 * and again (answered by the embedded store's cache of recent scopes).
 *
 * Each client opens its keep-alive connection before the clock starts: a server busy with scopes
 * accepts new connections slowly (one per event-loop turn), and 20 connections opened at once made
 * the first round the whole p99, which measures connection set-up, not recallScope.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiServer } from '../api/server.ts';
import type { GraphStore } from '../cypher/port.ts';

export interface RecallBenchOptions {
  clients: number;
  requests: number;
}

export interface RecallBenchResult {
  clients: number;
  requests: number;
  meanMs: number;
  /** Standard deviation of the latencies. */
  sdMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  perSecond: number;
  unitsPerScope: number;
  naiveUnitsPerScope: number;
  firstMs: number;
  /** The same requests over 10 criteria asked again and again (the store's recent-scope cache). */
  repeated: { p50Ms: number; p99Ms: number; perSecond: number };
}

const QUERY = `query($c: RecallCriteria!) {
  recallScope(criteria: $c) { counts { units lots shipments customers inStock shipped } naive { units } precision units(first: 100) { nodes { id } } }
}`;

interface Scope {
  counts: { units: number };
  naive: { units: number };
}

/** The bench's own admin key: a dev key, never written to disk. */
const BENCH_KEY = `bench-${randomBytes(16).toString('hex')}`;

/** One place for the HTTP call and its bench key. */
async function post(url: string, body: unknown): Promise<{ data?: { recallScope: Scope }; errors?: { message: string }[] }> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${BENCH_KEY}` },
      body: JSON.stringify(body),
    });
  } catch (e) {
    // undici says only "fetch failed"; the reason (a reset, a timeout) is in its cause.
    const cause = (e as Error & { cause?: Error }).cause;
    throw new Error(`recallScope request to ${url} failed: ${cause?.message ?? (e as Error).message}`, { cause: e });
  }
  return (await res.json()) as { data?: { recallScope: Scope }; errors?: { message: string }[] };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export async function benchRecall(store: GraphStore, lots: string[], opts: RecallBenchOptions): Promise<RecallBenchResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tracegraph-bench-recall-'));
  // No per-user cost budget: the bench is one user asking thousands of scopes on purpose.
  const server = await createApiServer({ store, port: 0, dataDir, devKey: BENCH_KEY, limits: { maxCostPerMinute: 0 } });
  try {
    const ask = async (c: Record<string, unknown>) => {
      const r = await post(server.url, { query: QUERY, variables: { c } });
      if (!r.data) throw new Error(`recallScope failed in the bench: ${r.errors?.[0]?.message ?? 'no data'}`);
      return r.data.recallScope;
    };
    // The first scope pays for loading the operation cache (embedded store): timed on its own.
    const t0 = performance.now();
    await ask({ supplierLots: [lots[0]!] });
    const firstMs = performance.now() - t0;
    // One cheap request per client, all at once, so that each holds its own open connection.
    await Promise.all(Array.from({ length: opts.clients }, () => post(server.url, { query: '{ __typename }' })));
    const run = async (requests: number, criteria: (i: number) => Record<string, unknown>) => {
      const times: number[] = [];
      let units = 0;
      let naive = 0;
      let next = 0;
      const start = performance.now();
      const client = async () => {
        while (next < requests) {
          const c = criteria(next++);
          const t = performance.now();
          const s = await ask(c);
          times.push(performance.now() - t);
          units += s.counts.units;
          naive += s.naive.units;
        }
      };
      await Promise.all(Array.from({ length: opts.clients }, client));
      const elapsed = (performance.now() - start) / 1000;
      times.sort((a, b) => a - b);
      const mean = times.reduce((a, b) => a + b, 0) / times.length;
      return {
        requests: times.length,
        meanMs: mean,
        sdMs: Math.sqrt(times.reduce((a, t) => a + (t - mean) ** 2, 0) / times.length),
        p50Ms: percentile(times, 50),
        p90Ms: percentile(times, 90),
        p99Ms: percentile(times, 99),
        maxMs: times[times.length - 1]!,
        perSecond: times.length / elapsed,
        unitsPerScope: Math.round(units / times.length),
        naiveUnitsPerScope: Math.round(naive / times.length),
      };
    };
    // Every request its own criteria (a production bound far in the future: the same scope), so
    // the store's cache of recent scopes never answers and each one is computed.
    const distant = Date.UTC(2999, 0, 1);
    const computed = await run(opts.requests, (i) => ({
      supplierLots: [lots[i % lots.length]!],
      to: new Date(distant + i).toISOString(),
    }));
    // Then a few criteria asked again and again (people paging through the same scopes).
    const repeated = await run(opts.requests, (i) => ({ supplierLots: [lots[i % Math.min(lots.length, 10)]!] }));
    return {
      clients: opts.clients,
      ...computed,
      firstMs,
      repeated: { p50Ms: repeated.p50Ms, p99Ms: repeated.p99Ms, perSecond: repeated.perSecond },
    };
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function reportRecall(r: RecallBenchResult, units: number): string {
  return [
    `recallScope over HTTP on a ${units.toLocaleString('en')}-unit plant (embedded store), ${r.clients} concurrent clients, ${r.requests} requests:`,
    `  mean ${r.meanMs.toFixed(1)} ms (sd ${r.sdMs.toFixed(1)}), p50 ${r.p50Ms.toFixed(1)} ms, p90 ${r.p90Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms, max ${r.maxMs.toFixed(1)} ms, ${r.perSecond.toFixed(1)} scopes/s;`,
    `  ${r.unitsPerScope} units per scope vs ${r.naiveUnitsPerScope} in the naive scope; first scope (operation cache load) ${r.firstMs.toFixed(0)} ms;`,
    `  10 criteria asked again and again: p50 ${r.repeated.p50Ms.toFixed(1)} ms, p99 ${r.repeated.p99Ms.toFixed(1)} ms, ${r.repeated.perSecond.toFixed(1)} scopes/s`,
  ].join('\n');
}
