/**
 * EPCIS 2.0 REST under /epcis: capture (POST /epcis/capture -> 202 and a capture job to poll) and
 * the SimpleEventQuery (GET /epcis/events, /epcis/eventTypes/{type}/events,
 * /epcis/queries/SimpleEventQuery/events) answered as an EPCISQueryDocument, with paging through
 * a `Link: <...>; rel="next"` header. Errors are EPCIS problem responses
 * (`application/problem+json`, `type: epcisException:...`).
 *
 * A capture document is read (parsed, validated, mapped, serialised) on a worker thread
 * (ingest/epcis/parse-worker-pool.ts), so the event loop keeps answering other requests while a
 * document of tens of MiB is read; the repository lines come back serialised and are stored and
 * indexed in small pieces, the graph takes the events in batches of 5,000. At most `maxCaptureJobs` captures are accepted and unfinished
 * at once; beyond, a capture is answered 429 with Retry-After before its body is read.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isTracegraphError } from '../../core/errors.ts';
import type { GraphStore } from '../../cypher/port.ts';
import { applyInBatches, type IngestTotals } from '../../ingest/batches.ts';
import { canonicalBatches, EpcisParsePool, ParseMemoryExceeded } from '../../ingest/epcis/parse-worker-pool.ts';
import { EpcisRepository, type CaptureJob, type EpcisProblem } from '../../ingest/epcis/repository.ts';
import type { Pipeline } from '../../ingest/pipeline/pipeline.ts';
import { BodyTooLarge, readBody, sendJson } from '../http.ts';
import { EpcisThrottled } from './guard.ts';
import { EpcisQueryError, parseQuery, runQuery, type EpcisExceptionName } from './query.ts';

export interface EpcisRoutesOptions {
  store: GraphStore;
  /** The repository lives in `<dataDir>/epcis/`. */
  dataDir: string;
  /** When given, captured events reach the graph through it (durable log first), else straight to the store. */
  pipeline?: Pipeline;
  /**
   * Who may do what: called before every request with what it needs (`capture` for POST, `read`
   * otherwise); an EpcisQueryError it throws (SecurityException, 401/403) is the answer.
   */
  guard?: (req: IncomingMessage, need: 'capture' | 'read') => Promise<void>;
  /** Largest capture document accepted, bytes (default 64 MiB); 413 beyond. */
  maxCaptureBytes?: number;
  /** Worker threads reading capture documents (default defaultParseWorkers(): 1 on up to 3 cores). */
  captureWorkers?: number;
  /** Heap one capture's worker may use, MiB (default DEFAULT_PARSE_MEMORY_MB); a document needing more fails its job with CaptureLimitExceededException. */
  captureMemoryMb?: number;
  /** Captures accepted and not finished at once (default 4 per worker); beyond, 429 with Retry-After. */
  maxCaptureJobs?: number;
}

export interface EpcisRoutes {
  /** Answers a request whose path starts with /epcis/. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Waits for capture jobs still running. */
  close(): Promise<void>;
}

const MiB = 1024 * 1024;
export const DEFAULT_MAX_CAPTURE_BYTES = 64 * MiB;
const EPCIS_HEADERS = { 'GS1-EPCIS-Version': '2.0.0', 'GS1-CBV-Version': '2.0.0' };
/** What a capture that finds every slot taken is told to wait, seconds. */
const CAPTURE_RETRY_AFTER_S = 10;
/** Canonical events per pipeline submit of a capture: small, so other requests get the event loop between pieces. */
const CAPTURE_SUBMIT_BATCH = 500;
/**
 * Events per graph write of a capture answered without a pipeline: the index update after each
 * commit holds the event loop in one piece (traces must never see half a batch), so a smaller batch
 * keeps `/healthz` answering sooner.
 */
const CAPTURE_GRAPH_BATCH = 5_000;
/** The repository is read back in pieces this size (each parsed in one go on the event loop). */
const REPOSITORY_READ_CHUNK = 256 * 1024;
const CONTEXT = 'https://ref.gs1.org/standards/epcis/epcis-context.jsonld';

function problem(
  res: ServerResponse,
  exception: EpcisExceptionName,
  status: number,
  detail: string,
  headers: Record<string, string> = {},
): void {
  const body: EpcisProblem = {
    type: `epcisException:${exception}`,
    title: TITLES[exception],
    status,
    detail,
  };
  sendJson(res, status, body, { 'content-type': 'application/problem+json; charset=utf-8', ...EPCIS_HEADERS, ...headers });
}

const TITLES: Record<EpcisExceptionName, string> = {
  QueryParameterException: 'Invalid query parameter',
  QueryTooLargeException: 'Query result too large',
  NoSuchNameException: 'No such query',
  NoSuchResourceException: 'No such resource',
  ValidationException: 'Invalid EPCIS document',
  CaptureLimitExceededException: 'Capture document too large',
  ImplementationException: 'Capture failed',
  SecurityException: 'Not allowed',
};

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendJson(res, status, body, { ...EPCIS_HEADERS, ...headers });
}

/** The document binding from the Content-Type; undefined when it is not one EPCIS has. */
function formatOf(contentType: string | undefined): 'json' | 'xml' | undefined {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json' || type === 'application/ld+json') return 'json';
  if (type === 'application/xml' || type === 'text/xml') return 'xml';
  return undefined;
}

function* allOf<T>(batches: Iterable<T[]>): Generator<T> {
  for (const batch of batches) yield* batch;
}

export function createEpcisRoutes(opts: EpcisRoutesOptions): EpcisRoutes {
  const repo = new EpcisRepository(opts.dataDir, { readChunkBytes: REPOSITORY_READ_CHUNK });
  // Index the data directory's events now, so the first query does not wait for a large event log.
  const warm = repo.refresh().catch((e: unknown) => console.error('tracegraph epcis: indexing the events', e));
  const limit = opts.maxCaptureBytes ?? DEFAULT_MAX_CAPTURE_BYTES;
  const running = new Set<Promise<void>>();
  const pool = new EpcisParsePool({ workers: opts.captureWorkers, memoryMb: opts.captureMemoryMb });
  const maxJobs = opts.maxCaptureJobs ?? 4 * pool.workers;
  /** Captures from the moment their body is read until their job has finished. */
  let active = 0;

  async function capture(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const format = formatOf(req.headers['content-type']);
    if (format === undefined) {
      // Read nothing: the connection closes so that an unread body does not linger.
      res.setHeader('connection', 'close');
      return problem(
        res,
        'ValidationException',
        415,
        `content-type ${JSON.stringify(req.headers['content-type'] ?? '')} is not an EPCIS binding: use application/json, application/ld+json or application/xml`,
      );
    }
    if (active >= maxJobs) {
      res.setHeader('connection', 'close'); // the body is not read
      return problem(
        res,
        'CaptureLimitExceededException',
        429,
        `${active} capture jobs are running or waiting, the most this server takes at once: retry in ${CAPTURE_RETRY_AFTER_S} s`,
        { 'retry-after': String(CAPTURE_RETRY_AFTER_S) },
      );
    }
    active++;
    let body: Buffer;
    try {
      body = await readBody(req, limit);
    } catch (e) {
      active--;
      if (!(e instanceof BodyTooLarge)) throw e;
      res.setHeader('connection', 'close');
      return problem(
        res,
        'CaptureLimitExceededException',
        413,
        `the document is over ${limit} bytes: split it into smaller documents`,
      );
    }
    const job: CaptureJob = {
      captureID: randomUUID(),
      createdAt: new Date().toISOString(),
      running: true,
      success: true,
      captureErrorBehaviour: 'rollback',
      errors: [],
    };
    try {
      await repo.saveJob(job);
    } catch (e) {
      active--;
      throw e;
    }
    const work = runCapture(job, body, format)
      // Only the job record itself failing to save gets here (a full disk): the job stays "running".
      .catch((e: unknown) => console.error('tracegraph epcis: capture job', job.captureID, e))
      .finally(() => {
        active--;
        running.delete(work);
      });
    running.add(work);
    json(res, 202, job, { location: `/epcis/capture/${job.captureID}` });
  }

  async function runCapture(job: CaptureJob, body: Buffer, format: 'json' | 'xml'): Promise<void> {
    let done: CaptureJob;
    try {
      const doc = await pool.read(body, { file: 'capture document', format, recordTime: job.createdAt });
      const { newEvents } = await repo.addEventLines(doc.ids, doc.lines, doc.masterData);
      const eventCount = doc.ids.length;
      doc.lines = doc.ids = []; // stored: tens of MiB the graph write does not need
      // Every event goes to the graph, not only the new ones: the graph skips those it holds, and
      // an earlier capture whose graph write failed is completed this way.
      let graph: IngestTotals | undefined;
      if (opts.pipeline) {
        for (const batch of canonicalBatches(doc))
          for (let i = 0; i < batch.length; i += CAPTURE_SUBMIT_BATCH)
            await opts.pipeline.submit('epcis-capture', batch.slice(i, i + CAPTURE_SUBMIT_BATCH));
      } else {
        graph = await applyInBatches(opts.store, allOf(canonicalBatches(doc)), { batchSize: CAPTURE_GRAPH_BATCH });
      }
      done = { ...job, running: false, success: true, eventCount, newEventCount: newEvents, ...(graph && { graph }) };
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const invalid = isTracegraphError(e) && e.code === 'BAD_EPCIS';
      const error: EpcisProblem = invalid
        ? { type: 'epcisException:ValidationException', title: TITLES.ValidationException, status: 400, detail: message }
        : e instanceof ParseMemoryExceeded
          ? {
              type: 'epcisException:CaptureLimitExceededException',
              title: TITLES.CaptureLimitExceededException,
              status: 413,
              detail: message,
            }
          : {
              type: 'epcisException:ImplementationException',
              title: TITLES.ImplementationException,
              status: 500,
              detail: message,
            };
      if (!invalid && !(e instanceof ParseMemoryExceeded)) console.error('tracegraph epcis capture:', e);
      done = { ...job, running: false, success: false, errors: [error] };
    }
    await repo.saveJob({ ...done, finishedAt: new Date().toISOString() });
  }

  async function query(req: IncomingMessage, res: ServerResponse, url: URL, eventType?: string): Promise<void> {
    await repo.refresh();
    const parsed = parseQuery(url.searchParams, repo, eventType);
    const answer = runQuery(repo, parsed);
    const namespaces: Record<string, string> = {};
    for (const v of answer.events) Object.assign(namespaces, v.namespaces);
    const headers: Record<string, string> = { 'content-type': 'application/ld+json; charset=utf-8' };
    if (answer.nextPageToken !== undefined) {
      const next = new URL(url);
      next.searchParams.set('nextPageToken', answer.nextPageToken);
      headers.link = `<${next.pathname}${next.search}>; rel="next"`;
    }
    json(
      res,
      200,
      {
        '@context': Object.keys(namespaces).length ? [CONTEXT, namespaces] : [CONTEXT],
        type: 'EPCISQueryDocument',
        schemaVersion: '2.0',
        creationDate: new Date().toISOString(),
        epcisBody: {
          queryResults: {
            queryName: 'SimpleEventQuery',
            resultsBody: { eventList: answer.events.map((v) => v.event) },
          },
        },
      },
      headers,
    );
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent); // ['epcis', ...]
    const method = req.method ?? 'GET';
    const get = method === 'GET' || method === 'HEAD';
    const [, first, second, third] = parts;

    if (first === 'capture' && parts.length === 2) {
      if (method === 'POST') return capture(req, res);
      if (get) {
        await repo.refresh();
        return json(res, 200, repo.allJobs());
      }
    } else if (first === 'capture' && parts.length === 3 && get) {
      await repo.refresh();
      const job = repo.job(second!);
      if (!job) return problem(res, 'NoSuchResourceException', 404, `no capture job ${second}`);
      return json(res, 200, job);
    } else if (first === 'events' && parts.length === 2 && get) {
      return query(req, res, url);
    } else if (first === 'eventTypes' && third === 'events' && parts.length === 4 && get) {
      if (url.searchParams.has('eventType'))
        throw new EpcisQueryError('QueryParameterException', 400, 'eventType is given by the path; leave the parameter out');
      return query(req, res, url, second);
    } else if (first === 'queries' && third === 'events' && parts.length === 4 && get) {
      // Only the standard query has no stored definition to look up.
      if (second !== 'SimpleEventQuery')
        return problem(res, 'NoSuchNameException', 404, `no query named ${second}; the one query here is SimpleEventQuery`);
      return query(req, res, url);
    } else {
      return problem(res, 'NoSuchResourceException', 404, `no EPCIS resource ${method} ${url.pathname}`);
    }
    res.setHeader('allow', first === 'capture' && parts.length === 2 ? 'GET, POST' : 'GET');
    return problem(res, 'NoSuchResourceException', 405, `${method} is not allowed on ${url.pathname}`);
  }

  return {
    async handle(req, res) {
      try {
        await opts.guard?.(req, req.method === 'POST' ? 'capture' : 'read');
        await route(req, res);
      } catch (e) {
        if (!(e instanceof EpcisQueryError)) throw e;
        const wait = e instanceof EpcisThrottled ? { 'retry-after': String(e.retryAfterSeconds) } : undefined;
        problem(res, e.exception, e.status, e.message, wait);
      }
    },
    async close() {
      await Promise.allSettled([...running, warm]);
      await pool.close();
    },
  };
}
