/**
 * `tracegraph import epcis` beside a running server: each file goes to the server's EPCIS capture
 * (POST /epcis/capture, api/epcis/routes.ts) and the CLI waits for the capture job, whose answer
 * carries what the graph took (`graph`), so the summary is the one the CLI prints when it imports
 * into the store itself.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { TracegraphError, type ErrorCode } from '../core/errors.ts';
import type { IngestTotals } from '../ingest/batches.ts';
import type { CaptureJob, EpcisProblem } from '../ingest/epcis/repository.ts';
import { ServerUnreachable, type RemoteServer } from './remote.ts';

/** What one capture did: the graph's totals, or (a server whose pipeline applies events later) the repository's counts only. */
export type CaptureResult =
  { graph: IngestTotals; epcisEvents: number } | { graph: undefined; epcisEvents: number; newEpcisEvents: number };

/** What the capture called its document in messages; the CLI names the file instead. */
const SERVER_DOCUMENT_NAME = 'capture document';
/** Longest wait between two looks at a running capture job. */
const MAX_POLL_MS = 1000;
/** Captures refused for want of a free slot (429) are sent again at most this many times. */
const MAX_BUSY_RETRIES = 30;

const CODES: Record<string, ErrorCode> = {
  ValidationException: 'BAD_EPCIS',
  CaptureLimitExceededException: 'BAD_INPUT',
  SecurityException: 'FORBIDDEN',
};

/** An EPCIS problem from the server as the CLI's error, naming the file where the server said "capture document". */
function refused(file: string, p: Partial<EpcisProblem>, status: number): TracegraphError {
  const exception = (p.type ?? 'epcisException:ImplementationException').replace(/^epcisException:/, '');
  const detail = (p.detail ?? p.title ?? `HTTP ${status}`).replace(new RegExp(`^${SERVER_DOCUMENT_NAME}(?=[ :])`), file);
  const named = detail.startsWith(file) ? detail : `${file}: ${detail}`;
  return new TracegraphError(CODES[exception] ?? 'INTERNAL', `${named} (the server's ${exception}, HTTP ${p.status ?? status})`);
}

/** The EPCIS binding of a file from its first characters: XML starts with `<`. */
async function contentTypeOf(file: string): Promise<string> {
  let head: string;
  try {
    const fh = await open(file);
    try {
      const { buffer, bytesRead } = await fh.read(Buffer.alloc(512), 0, 512, 0);
      head = buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw new TracegraphError('BAD_INPUT', `cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
  return head
    .replace(/^\uFEFF/, '')
    .trimStart()
    .startsWith('<')
    ? 'application/xml'
    : 'application/ld+json';
}

async function problemOf(res: Response): Promise<Partial<EpcisProblem>> {
  try {
    return (await res.json()) as Partial<EpcisProblem>;
  } catch {
    return {};
  }
}

/**
 * A request about `file` to a server that has answered before: a broken connection now is this
 * file's failure (the graph is the server's), not a reason to open the graph here.
 */
async function sendTo(server: RemoteServer, file: string, path: string, init?: Parameters<RemoteServer['request']>[1]) {
  try {
    return await server.request(path, init);
  } catch (e) {
    if (!(e instanceof ServerUnreachable)) throw e;
    throw new TracegraphError('STORE_UNAVAILABLE', `${file}: the connection to the server broke (${e.message})`, { cause: e });
  }
}

/** Sends `file` to the server's capture and waits for its job; `onSent` sees the bytes sent so far. */
export async function captureFile(server: RemoteServer, file: string, onSent: (bytes: number) => void): Promise<CaptureResult> {
  const type = await contentTypeOf(file);
  let res: Response;
  for (let attempt = 0; ; attempt++) {
    let sent = 0;
    async function* body(): AsyncGenerator<Buffer> {
      for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
        sent += chunk.length;
        onSent(sent);
        yield chunk;
      }
    }
    res = await sendTo(server, file, '/epcis/capture', {
      method: 'POST',
      headers: { 'content-type': type },
      body: body() as unknown as BodyInit,
      duplex: 'half',
    });
    const retryAfter = Number(res.headers.get('retry-after'));
    if (res.status !== 429 || attempt >= MAX_BUSY_RETRIES || !Number.isFinite(retryAfter)) break;
    await res.body?.cancel();
    await sleep(retryAfter * 1000);
  }
  if (res.status !== 202) throw refused(file, await problemOf(res), res.status);
  let job = (await res.json()) as CaptureJob;
  for (let wait = 50; job.running; wait = Math.min(wait * 2, MAX_POLL_MS)) {
    await sleep(wait);
    const r = await sendTo(server, file, `/epcis/capture/${encodeURIComponent(job.captureID)}`);
    if (!r.ok) throw refused(file, await problemOf(r), r.status);
    job = (await r.json()) as CaptureJob;
  }
  if (!job.success) throw refused(file, job.errors[0] ?? {}, 500);
  const epcisEvents = job.eventCount ?? 0;
  return job.graph
    ? { graph: job.graph, epcisEvents }
    : { graph: undefined, epcisEvents, newEpcisEvents: job.newEventCount ?? 0 };
}
