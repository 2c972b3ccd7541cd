/**
 * The ingest pipeline every source feeds: validate, log durably, then write to the graph in
 * batches. `submit` resolves once the accepted events are in the event log (the moment a source
 * may acknowledge its message); the graph store is written behind it by one background writer.
 * When the store is down the writer retries with backoff and nothing is dropped: the events wait
 * in memory (bounded: `submit` then waits, which is the backpressure) and, across a restart, in
 * the log after the "applied up to" checkpoint.
 */
import { parseEvent, type CanonicalEvent } from '../../core/events.ts';
import type { GraphStore } from '../../cypher/port.ts';
import { DEFAULT_BATCH } from '../batches.ts';
import { readCheckpoint, writeCheckpoint } from './checkpoint.ts';
import { DeadLetterStore } from './dead-letters.ts';
import { EventLog, readLog, type LogPosition, type Warn } from './event-log.ts';

export interface PipelineOptions {
  dataDir: string;
  store: GraphStore;
  /** Events per store write (default DEFAULT_BATCH). */
  batchSize?: number;
  /** How long the writer waits for a batch to fill before writing what it has (default 200 ms). */
  batchWindowMs?: number;
  /**
   * Called with each batch the writer has committed to the store (live subscriptions publish
   * readings from it). Must not throw; a throw is logged and ignored.
   */
  onCommitted?: (events: readonly CanonicalEvent[]) => void;
  /** Events held in memory for the store; beyond this `submit` waits (default 5 batches). */
  maxQueued?: number;
  /** Retry backoff when the store fails: doubling from min to max (default 100 ms .. 10 s). */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** Raw payload kept per dead letter (default 64 KiB). */
  maxRawBytes?: number;
  /** Event-log segment size (default 64 MiB). */
  segmentBytes?: number;
  warn?: Warn;
}

export interface SourceCounters {
  accepted: number;
  rejected: number;
  /** Written to the store as new events. */
  applied: number;
  /** Already in the store (redelivered, or re-applied after a restart): changed nothing. */
  duplicates: number;
}

/** Counter key for events re-applied from the log on start (the log does not record sources). */
export const FROM_LOG = '(log)';

interface Queued {
  event: CanonicalEvent;
  source: string;
  end: LogPosition;
}

interface Waiter {
  resolve(): void;
  reject(e: Error): void;
}

class Closed extends Error {
  constructor() {
    super('pipeline closed; events not yet in the store are in the event log and are applied on the next start');
  }
}

export class Pipeline {
  /** Per source. A plain object so a metrics endpoint can read it as it is. */
  readonly counters: Record<string, SourceCounters> = {};
  private readonly o: Required<Omit<PipelineOptions, 'store' | 'dataDir'>>;
  private log: EventLog | undefined;
  private dead: DeadLetterStore | undefined;
  private state: 'new' | 'running' | 'closed' = 'new';
  private queue: Queued[] = [];
  /** Events ever queued / ever written to the store, so `flush` knows what it waits for. */
  private enqueued = 0;
  private drained = 0;
  /** Log appends and queue pushes happen in one order, so the queue stays in log order. */
  private chain: Promise<unknown> = Promise.resolve();
  private writer: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private writerIdle = false;
  private flushWaiters: (Waiter & { target: number })[] = [];
  private spaceWaiters: Waiter[] = [];

  constructor(private readonly opts: PipelineOptions) {
    const batchSize = opts.batchSize ?? DEFAULT_BATCH;
    this.o = {
      batchSize,
      batchWindowMs: opts.batchWindowMs ?? 200,
      maxQueued: opts.maxQueued ?? 5 * batchSize,
      retryMinMs: opts.retryMinMs ?? 100,
      retryMaxMs: opts.retryMaxMs ?? 10_000,
      maxRawBytes: opts.maxRawBytes ?? 64 * 1024,
      segmentBytes: opts.segmentBytes ?? 64 * 1024 * 1024,
      warn: opts.warn ?? ((m) => process.stderr.write(`tracegraph: ${m}\n`)),
      onCommitted: opts.onCommitted ?? (() => undefined),
    };
  }

  /**
   * Opens the log (taking its lock) and the dead-letter store, re-applies what the log holds after
   * the checkpoint (waiting, with retries, for the store), then starts the writer.
   */
  async start(): Promise<{ reapplied: number }> {
    if (this.state !== 'new') throw new Error('pipeline already started');
    const { dataDir, store } = this.opts;
    this.log = await EventLog.open(dataDir, { segmentBytes: this.o.segmentBytes, warn: this.o.warn });
    this.dead = await DeadLetterStore.open(dataDir, { maxRawBytes: this.o.maxRawBytes });
    this.state = 'running';
    let reapplied = 0;
    try {
      let batch: Queued[] = [];
      const from = readCheckpoint(dataDir, store.backend, this.o.warn);
      for await (const { event, end } of readLog(dataDir, { from, warn: this.o.warn })) {
        batch.push({ event, end, source: FROM_LOG });
        if (batch.length >= this.o.batchSize) {
          await this.apply(batch);
          reapplied += batch.length;
          batch = [];
        }
      }
      if (batch.length) await this.apply(batch);
      reapplied += batch.length;
    } catch (e) {
      await this.close();
      throw e;
    }
    this.writer = this.run();
    return { reapplied };
  }

  private count(source: string): SourceCounters {
    return (this.counters[source] ??= { accepted: 0, rejected: 0, applied: 0, duplicates: 0 });
  }

  /**
   * Takes one message: a JSON string, or an already parsed event or array of events. Rejects go
   * to the dead letters with the reason; the rest are in the event log when this resolves.
   */
  async submit(source: string, raw: unknown): Promise<{ accepted: number; rejected: number }> {
    if (this.state !== 'running') throw new Error(`pipeline is ${this.state === 'new' ? 'not started' : 'closed'}`);
    const c = this.count(source);
    let value = raw;
    if (typeof raw === 'string') {
      try {
        value = JSON.parse(raw);
      } catch (e) {
        await this.dead!.add(source, `not valid JSON: ${(e as Error).message}`, raw);
        c.rejected++;
        return { accepted: 0, rejected: 1 };
      }
    }
    const items = Array.isArray(value) ? value : [value];
    const events: CanonicalEvent[] = [];
    let rejected = 0;
    for (const [i, item] of items.entries()) {
      const r = parseEvent(item);
      if (r.ok) events.push(r.event);
      else {
        await this.dead!.add(source, Array.isArray(value) ? `[${i}] ${r.reason}` : r.reason, item);
        c.rejected++;
        rejected++;
      }
    }
    if (events.length) {
      while (this.queue.length >= this.o.maxQueued && this.state === 'running')
        await new Promise<void>((resolve, reject) => this.spaceWaiters.push({ resolve, reject }));
      const run = this.chain.then(async () => {
        const ends = await this.log!.append(events);
        events.forEach((event, i) => this.queue.push({ event, source, end: ends[i]! }));
        this.enqueued += events.length;
        c.accepted += events.length;
        if (this.writerIdle || this.queue.length >= this.o.batchSize) this.wake?.();
      });
      this.chain = run.catch(() => undefined);
      await run;
    }
    return { accepted: events.length, rejected };
  }

  /**
   * Dead-letters a message a source rejected as a whole before it became events (an oversized
   * payload, an EPCIS document that does not parse), so it is stored and counted like any reject.
   */
  async reject(source: string, reason: string, raw: unknown): Promise<void> {
    if (this.state !== 'running') throw new Error(`pipeline is ${this.state === 'new' ? 'not started' : 'closed'}`);
    await this.dead!.add(source, reason, raw);
    this.count(source).rejected++;
  }

  /** Resolves when everything submitted so far is in the store (waits as long as the store is down). */
  async flush(): Promise<void> {
    await this.chain;
    if (this.drained >= this.enqueued) return;
    const p = new Promise<void>((resolve, reject) => this.flushWaiters.push({ target: this.enqueued, resolve, reject }));
    this.wake?.();
    return p;
  }

  /** Dead letters stored in this data directory (all runs). */
  get deadLetters(): number {
    return this.dead?.count ?? 0;
  }

  /**
   * Stops the writer after the store write in progress, without waiting for the rest: it is in
   * the log and the next `start` applies it. Call `flush` first to wait for the store.
   */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.wake?.();
    await this.chain;
    await this.writer;
    for (const w of [...this.flushWaiters.splice(0), ...this.spaceWaiters.splice(0)]) w.reject(new Closed());
    await this.log?.close();
    await this.dead?.close();
  }

  /** Sleeps until `ms` pass or something wakes the writer (a full batch, a flush, close). */
  private idle(ms?: number): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      if (ms !== undefined) timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private async run(): Promise<void> {
    while (this.state === 'running') {
      if (!this.queue.length) {
        this.writerIdle = true;
        await this.idle();
        this.writerIdle = false;
        continue;
      }
      // Let a batch fill up unless someone is waiting for the store.
      if (this.queue.length < this.o.batchSize && !this.flushWaiters.length) await this.idle(this.o.batchWindowMs);
      const batch = this.queue.slice(0, this.o.batchSize);
      try {
        await this.apply(batch);
      } catch (e) {
        if (e instanceof Closed) break;
        throw e;
      }
      this.queue.splice(0, batch.length);
      this.drained += batch.length;
      this.committed(batch);
      this.flushWaiters = this.flushWaiters.filter((w) => (w.target <= this.drained ? (w.resolve(), false) : true));
      for (const w of this.spaceWaiters.splice(0)) w.resolve();
    }
  }

  /**
   * Writes one batch (one store call per source, so the counters are exact), retrying each call
   * until it succeeds or the pipeline closes, then moves the checkpoint past it.
   */
  private async apply(batch: readonly Queued[]): Promise<void> {
    const bySource = new Map<string, CanonicalEvent[]>();
    for (const q of batch) {
      const list = bySource.get(q.source);
      if (list) list.push(q.event);
      else bySource.set(q.source, [q.event]);
    }
    for (const [source, events] of bySource) {
      const r = await this.withRetry(() => this.opts.store.applyEvents(events));
      const c = this.count(source);
      c.applied += r.applied;
      c.duplicates += r.duplicates;
    }
    const last = batch.at(-1);
    if (last) await writeCheckpoint(this.opts.dataDir, this.opts.store.backend, last.end);
  }

  private committed(batch: readonly Queued[]): void {
    try {
      this.o.onCommitted(batch.map((q) => q.event));
    } catch (e) {
      this.o.warn(`onCommitted failed (${(e as Error).message}); the events are in the store`);
    }
  }

  private get closed(): boolean {
    return this.state === 'closed';
  }

  private async withRetry<T>(call: () => Promise<T>): Promise<T> {
    let delay = this.o.retryMinMs;
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await call();
        if (attempt > 1) this.o.warn(`graph store is back after ${attempt - 1} failed attempt(s)`);
        return r;
      } catch (e) {
        if (this.closed) throw new Closed();
        if (attempt === 1 || attempt % 10 === 0)
          this.o.warn(`graph store write failed (${(e as Error).message}); retrying, events are kept in the log`);
        await this.idle(delay);
        if (this.closed) throw new Closed();
        delay = Math.min(delay * 2, this.o.retryMaxMs);
      }
    }
  }
}
