/**
 * EPCIS documents read on worker threads (parse-worker.ts), so that parsing, validating and
 * mapping a capture of tens of MiB never stalls the main thread's event loop (an HTTP API answering
 * health checks and GraphQL, an ingest worker taking MQTT messages). A fixed number of threads
 * each read one document at a time; further documents wait their turn in order. Each thread's
 * heap is capped (`memoryMb`): a document that needs more ends that thread with
 * ParseMemoryExceeded, and the next document gets a fresh thread.
 *
 * The worker module is loaded from next to this one: `.ts` when this module runs from the sources
 * (tsx, the tests), `.js` when it runs compiled from dist/.
 */
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { TracegraphError, type ErrorCode } from '../../core/errors.ts';
import type { CanonicalEvent } from '../../core/events.ts';
import type { EpcisDocumentType, EpcisVocabulary } from './document.ts';

export interface ParseTask {
  id: number;
  /** The document's bytes (moved to the worker, not copied). */
  body: ArrayBuffer;
  file: string;
  format: 'json' | 'xml' | undefined;
  /** recordTime for events that have none (repository lines). */
  recordTime: string;
  /** Events per batch message. */
  batchSize: number;
}

export type ParseReply =
  | { id: number; kind: 'batch'; ids: string[]; lines: string[]; events: string }
  | {
      id: number;
      kind: 'done';
      documentType: EpcisDocumentType;
      masterData: EpcisVocabulary[];
      namespaces: Record<string, string>;
      eventCount: number;
    }
  | { id: number; kind: 'error'; error: { code: ErrorCode | undefined; message: string; stack?: string } };

/** A document read on a worker: every event's id and repository line, the canonical events in batches. */
export interface ParsedDocument {
  documentType: EpcisDocumentType;
  masterData: EpcisVocabulary[];
  namespaces: Record<string, string>;
  /** EPCIS events in the document (eventIDs set: the hash id where the document gave none). */
  ids: string[];
  /** `lines[i]`: the repository line of event `ids[i]`. */
  lines: string[];
  /** The canonical events, as JSON arrays of at most `batchSize` EPCIS events' worth each. */
  eventBatches: string[];
}

/** The canonical events of a parsed document, one batch at a time; each batch's text is let go once parsed. */
export function* canonicalBatches(doc: ParsedDocument): Generator<CanonicalEvent[]> {
  for (let i = 0; i < doc.eventBatches.length; i++) {
    const events = JSON.parse(doc.eventBatches[i]!) as CanonicalEvent[];
    doc.eventBatches[i] = '';
    yield events;
  }
}

/** A document needed more heap than a parse worker may have. */
/** Heap a document takes to read, per byte of it (its text, then the parsed events): measured 3-5. */
const PARSE_HEAP_PER_BYTE = 4;

export class ParseMemoryExceeded extends Error {
  constructor(readonly memoryMb: number) {
    super(`reading the document needed more than the ${memoryMb} MiB a capture may use: split it into smaller documents`);
    this.name = 'ParseMemoryExceeded';
  }
}

export interface ParsePoolOptions {
  /** Threads (default defaultParseWorkers()). */
  workers?: number;
  /** Heap (old generation) of each thread, MiB (default 1536). */
  memoryMb?: number;
  /** EPCIS events per message from a worker (default 500: each message is little work for the main thread). */
  batchSize?: number;
}

/** One thread on a machine with up to 3 cores (the main thread needs one), else half the cores, at most 4. */
export function defaultParseWorkers(cores = availableParallelism()): number {
  return Math.max(1, Math.min(4, Math.floor(cores / 2)));
}

export const DEFAULT_PARSE_MEMORY_MB = 1536;

interface Job {
  task: Omit<ParseTask, 'id'>;
  resolve(doc: ParsedDocument): void;
  reject(e: unknown): void;
}

interface Slot {
  worker: Worker;
  /** The job it reads, and what has arrived of it. */
  current?: { id: number; job: Job; doc: Omit<ParsedDocument, 'documentType' | 'masterData' | 'namespaces'> };
  /** Set when the thread ran out of heap (its 'error' comes before its 'exit'). */
  outOfMemory?: boolean;
}

const HERE = import.meta.url;

/**
 * A new thread running parse-worker. From the sources, the thread registers tsx's CommonJS hook
 * (resolved from here, whatever the cwd) and requires the worker module through it: on Node 20
 * the ESM hooks `--import tsx` installs do not reach a worker's entry module.
 */
function newWorker(options: WorkerOptions): Worker {
  if (!HERE.endsWith('.ts')) return new Worker(new URL('./parse-worker.js', HERE), options);
  const require = createRequire(HERE);
  const tsx = require.resolve('tsx/cjs/api');
  const entry = fileURLToPath(new URL('./parse-worker.ts', HERE));
  const boot = `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(entry)});`;
  return new Worker(boot, { ...options, eval: true });
}

export class EpcisParsePool {
  readonly workers: number;
  readonly memoryMb: number;
  private readonly batchSize: number;
  private readonly slots: Slot[] = [];
  private readonly waiting: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(opts: ParsePoolOptions = {}) {
    this.workers = opts.workers ?? defaultParseWorkers();
    this.memoryMb = opts.memoryMb ?? DEFAULT_PARSE_MEMORY_MB;
    this.batchSize = opts.batchSize ?? 500;
  }

  /** Documents being read or waiting for a thread. */
  get pending(): number {
    return this.waiting.length + this.slots.filter((s) => s.current).length;
  }

  /**
   * Reads a document on a worker thread. `body` is moved there: the Buffer is empty afterwards.
   * Rejects with TracegraphError('BAD_EPCIS') for a document that is not valid EPCIS, and with
   * ParseMemoryExceeded when reading it needs more heap than `memoryMb`.
   */
  read(body: Buffer, opts: { file: string; format?: 'json' | 'xml'; recordTime?: string }): Promise<ParsedDocument> {
    if (this.closed) return Promise.reject(new Error('the EPCIS parse pool is closed'));
    // Refused before reading: V8 ends the whole process, not just the thread, when some large
    // allocations (the string of a big JSON document) cross a worker's heap limit.
    if (body.byteLength * PARSE_HEAP_PER_BYTE > this.memoryMb * 1024 * 1024)
      return Promise.reject(new ParseMemoryExceeded(this.memoryMb));
    // Move the bytes rather than copy them; a Buffer that shares its memory (a pooled slice) is copied.
    const own = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength && body.buffer instanceof ArrayBuffer;
    const bytes = own ? (body.buffer as ArrayBuffer) : new Uint8Array(body).buffer;
    return new Promise((resolve, reject) => {
      this.waiting.push({
        task: {
          body: bytes,
          file: opts.file,
          format: opts.format,
          recordTime: opts.recordTime ?? new Date().toISOString(),
          batchSize: this.batchSize,
        },
        resolve,
        reject,
      });
      this.dispatch();
    });
  }

  /** Ends the threads; documents still being read or waiting are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.waiting.splice(0)) job.reject(new Error('the EPCIS parse pool closed'));
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }

  private dispatch(): void {
    while (this.waiting.length) {
      let slot = this.slots.find((s) => !s.current);
      if (!slot) {
        if (this.slots.length >= this.workers) return;
        slot = this.start();
      }
      const job = this.waiting.shift()!;
      const id = this.nextId++;
      slot.current = { id, job, doc: { ids: [], lines: [], eventBatches: [] } };
      slot.worker.ref();
      slot.worker.postMessage({ ...job.task, id } satisfies ParseTask, [job.task.body]);
    }
  }

  private start(): Slot {
    const worker = newWorker({ resourceLimits: { maxOldGenerationSizeMb: this.memoryMb } });
    const slot: Slot = { worker };
    this.slots.push(slot);
    worker.unref(); // an idle pool does not keep the process alive
    worker.on('message', (reply: ParseReply) => this.reply(slot, reply));
    worker.on('error', (e: Error & { code?: string }) => {
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') slot.outOfMemory = true;
      else slot.current?.job.reject(e);
    });
    worker.on('exit', () => {
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      if (slot.current) {
        const { job } = slot.current;
        slot.current = undefined;
        job.reject(slot.outOfMemory ? new ParseMemoryExceeded(this.memoryMb) : new Error('the EPCIS parse worker stopped'));
      }
      if (!this.closed) this.dispatch();
    });
    return slot;
  }

  private reply(slot: Slot, reply: ParseReply): void {
    const current = slot.current;
    if (!current || current.id !== reply.id) return;
    if (reply.kind === 'batch') {
      for (const id of reply.ids) current.doc.ids.push(id);
      for (const line of reply.lines) current.doc.lines.push(line);
      current.doc.eventBatches.push(reply.events);
      return;
    }
    slot.current = undefined;
    slot.worker.unref();
    if (reply.kind === 'done') {
      const { documentType, masterData, namespaces } = reply;
      current.job.resolve({ ...current.doc, documentType, masterData, namespaces });
    } else {
      const { code, message, stack } = reply.error;
      const error = code ? new TracegraphError(code, message) : Object.assign(new Error(message), { stack });
      current.job.reject(error);
    }
    this.dispatch();
  }
}
