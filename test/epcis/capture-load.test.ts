/**
 * A large capture does not stall the API: a ~50 MB EPCIS document is read on a worker thread and
 * stored and written to the graph in small pieces, while /healthz is polled every 20 ms, a GraphQL
 * query that reads the graph is asked every half second and the server's /metrics is read, until
 * the capture job has finished (its events in the repository and in the graph). Before, a 50 MB
 * JSON capture held /healthz for 43 s and took the process to 2 GB. Against a real `tracegraph
 * serve` in its own process, watched from this one (bench/capture.ts, which the bench's `capture`
 * section runs too). The events carry a 1,600-character extension field, so that 50 MB is 25,000
 * events and the test does not wait minutes for the graph.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAPTURE_DOCUMENTS, captureWhileWatched, firstSerial, startServe, type ServeProcess } from '../../bench/capture.ts';
import { DEV_KEY, gql } from '../api/client.ts';
import { tempDir } from '../helpers/stores.ts';

/**
 * The issue asks every /healthz answer within 200 ms; on an idle machine the longest is ~80 ms
 * (`npm run bench -- --sections capture`, docs/operations.md). Timings are the bench's job: here
 * the server shares 2 cores with other test files and Neo4j, so the bound asserted leaves room for
 * that, and still fails for a capture read on the event loop (43 s before the worker threads).
 */
const HEALTHZ_BOUND_MS = 3000;
/** The server may grow by this much while it takes a 50 MB capture (it grew by ~1.9 GB before). */
const RSS_GROWTH_BOUND_MB = 900;

describe('a large EPCIS capture against tracegraph serve', () => {
  let server: ServeProcess | undefined;
  beforeAll(async () => {
    server = await startServe(tempDir('tracegraph-capture-load-'), DEV_KEY);
  });
  afterAll(async () => {
    await server?.stop();
  });

  for (const doc of CAPTURE_DOCUMENTS) {
    const prefix = doc.name === 'XML' ? 'X' : 'K';
    it(
      `of ${doc.name} (${doc.events.toLocaleString('en')} events) is read off the event loop: /healthz and GraphQL answer throughout`,
      async () => {
        const { base } = server!;
        const f = await captureWhileWatched(base, DEV_KEY, doc.make(prefix), doc.contentType, firstSerial(prefix));
        console.log(
          `${f.mib.toFixed(1)} MiB ${doc.name} capture, ${f.events} events, ${f.seconds.toFixed(0)} s: ` +
            `/healthz ${f.healthz.n} answers, max ${Math.round(f.healthz.max)} ms, p99 ${Math.round(f.healthz.p99)} ms; ` +
            `GraphQL ${f.graphql.n} answers, max ${Math.round(f.graphql.max)} ms; server event-loop delay max ${Math.round(f.loopDelayMaxMs)} ms; ` +
            `server RSS +${Math.round(f.rssGrowthMb)} MiB`,
        );
        expect(f.job).toMatchObject({ running: false, success: true, eventCount: doc.events, newEventCount: doc.events });
        expect(f.failures).toEqual([]);
        expect(f.healthz.n).toBeGreaterThan(100);
        expect(f.graphql.n).toBeGreaterThan(2);
        expect(f.healthz.max).toBeLessThan(HEALTHZ_BOUND_MS);
        expect(f.loopDelayMaxMs).toBeGreaterThan(0); // the server's /metrics was read
        expect(f.rssGrowthMb).toBeLessThan(RSS_GROWTH_BOUND_MB);
        // The graph has the events: the first serial was commissioned by the first event.
        const unit = await gql<{ unit: { id: string } | null }>(
          `${base}/graphql`,
          `{ unit(id: "${firstSerial(prefix)}") { id } }`,
        );
        expect(unit.data?.unit?.id).toBe(firstSerial(prefix));
      },
      20 * 60_000,
    );
  }
});
