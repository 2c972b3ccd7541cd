/**
 * What one client's captures may take from the server: at most `maxCaptureJobs` captures are
 * unfinished at once (beyond, 429 with Retry-After before the body is read), and a document whose
 * reading needs more heap than a capture worker may have fails its own job with
 * CaptureLimitExceededException while the server keeps answering. Over real HTTP.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { call, postBytes, waitForJob } from '../conformance/helpers/epcis-http.ts';
import { largeJsonCapture } from '../../bench/large-capture.ts';
import { startApi, type TestApi } from './api.ts';

const JSON_LD = 'application/ld+json';

describe('capture limits', () => {
  let api: TestApi | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  it(
    'answers 429 with Retry-After while every capture slot is taken, and takes captures again once one is free',
    async () => {
      api = await startApi({ capture: { captureWorkers: 1, maxCaptureJobs: 1 } });
      const first = await postBytes(api.base, largeJsonCapture(5_000, 'Q'), JSON_LD);
      expect(first.res.status).toBe(202);

      const refused = await postBytes(api.base, largeJsonCapture(1, 'R'), JSON_LD);
      expect(refused.res.status).toBe(429);
      expect(Number(refused.res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(refused.res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const problem = (await refused.res.json()) as { type: string; detail: string };
      expect(problem.type).toBe('epcisException:CaptureLimitExceededException');
      expect(problem.detail).toMatch(/1 capture jobs are running or waiting.*retry in \d+ s/);

      expect(await waitForJob(api.base, first.location, 10 * 60_000)).toMatchObject({ success: true, eventCount: 5_000 });
      const again = await postBytes(api.base, largeJsonCapture(1, 'R'), JSON_LD);
      expect(again.res.status).toBe(202);
      expect(await waitForJob(api.base, again.location, 60_000)).toMatchObject({ success: true, eventCount: 1 });
    },
    15 * 60_000,
  );

  it(
    'fails a capture that needs more memory than a worker may have with CaptureLimitExceededException; the server and the next capture carry on',
    async () => {
      api = await startApi({ capture: { captureWorkers: 1, captureMemoryMb: 64 } });
      const big = await postBytes(api.base, largeJsonCapture(20_000, 'M', 1600), JSON_LD);
      expect(big.res.status).toBe(202);
      const failed = await waitForJob(api.base, big.location, 10 * 60_000);
      expect(failed).toMatchObject({ running: false, success: false });
      expect(failed.errors).toEqual([
        expect.objectContaining({
          type: 'epcisException:CaptureLimitExceededException',
          status: 413,
          detail: expect.stringMatching(/more than the 64 MiB a capture may use: split it into smaller documents/),
        }),
      ]);
      expect((await fetch(`${api.base}/healthz`)).status).toBe(200);
      // Nothing of the failed document was stored.
      const events = await call(api.base, '/epcis/events?perPage=1');
      expect(
        ((await events.json()) as { epcisBody: { queryResults: { resultsBody: { eventList: unknown[] } } } }).epcisBody
          .queryResults.resultsBody.eventList,
      ).toEqual([]);

      const small = await postBytes(api.base, largeJsonCapture(10, 'S'), JSON_LD);
      expect(await waitForJob(api.base, small.location, 60_000)).toMatchObject({ success: true, eventCount: 10 });
    },
    15 * 60_000,
  );
});
