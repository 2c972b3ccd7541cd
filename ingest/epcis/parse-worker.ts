/**
 * The body of an EPCIS parse worker thread (parse-worker-pool.ts starts it): reads one capture
 * document at a time (any binding, document.ts), and sends back, in batches as it goes, each
 * event's id, its repository line (repository.ts eventLine) and its canonical events as JSON, then
 * what the document says besides its events. The parsing, validation, mapping, hashing and
 * serialising of a large document all happen here, never on the main thread's event loop.
 */
import { parentPort } from 'node:worker_threads';
import { isTracegraphError } from '../../core/errors.ts';
import type { CanonicalEvent } from '../../core/events.ts';
import { streamEpcisDocument } from './document.ts';
import { eventLine } from './repository.ts';
import type { ParseReply, ParseTask } from './parse-worker-pool.ts';

const port = parentPort;
if (!port) throw new Error('parse-worker.ts runs as a worker thread (parse-worker-pool.ts)');

async function read(task: ParseTask): Promise<void> {
  const post = (reply: ParseReply) => port!.postMessage(reply);
  const body = Buffer.from(task.body);
  const { info, events } = streamEpcisDocument(body, { file: task.file, format: task.format });
  let ids: string[] = [];
  let lines: string[] = [];
  let canonical: CanonicalEvent[] = [];
  const send = () => {
    post({ id: task.id, kind: 'batch', ids, lines, events: JSON.stringify(canonical) });
    ids = [];
    lines = [];
    canonical = [];
  };
  for await (const e of events) {
    const eventID = e.epcisEvent.eventID as string;
    ids.push(eventID);
    lines.push(eventLine(e.epcisEvent, info.namespaces, task.recordTime));
    canonical.push(...e.events);
    if (ids.length >= task.batchSize) send();
  }
  if (ids.length) send();
  post({
    id: task.id,
    kind: 'done',
    documentType: info.documentType,
    masterData: info.masterData,
    namespaces: info.namespaces,
    eventCount: info.eventCount,
  });
}

port.on('message', (task: ParseTask) => {
  read(task).catch((e: unknown) => {
    const error = isTracegraphError(e)
      ? { code: e.code, message: e.message }
      : { code: undefined, message: e instanceof Error ? e.message : String(e), stack: e instanceof Error ? e.stack : undefined };
    port.postMessage({ id: task.id, kind: 'error', error } satisfies ParseReply);
  });
});
