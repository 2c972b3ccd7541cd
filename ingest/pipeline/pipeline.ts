/**
 * The ingest pipeline every source feeds: validate, log durably, then write to the graph in
 * batches. `submit` resolves once the accepted events are in the event log (the moment a source
 * may acknowledge its message); the graph store is written behind it by one background writer.
 * When the store is down the writer retries with backoff and nothing is dropped: the events wait
 * in memory (bounded: `submit` then waits, which is the backpressure) and, across a restart, in
 * the log after the "applied up to" checkpoint.
 */
import { isTracegraphError } from '../../core/errors.ts';
import { parseEvent, recordedAt, type CanonicalEvent } from '../../core/events.ts';
import type { ApplyResult, EventWriter } from '../../cypher/port.ts';
import { DEFAULT_BATCH } from '../batches.ts';
import { readCheckpoint, writeCheckpoint } from './checkpoint.ts';
import { DeadLetterStore } from './dead-letters.ts';
import { EventLog, readLog, type LogPosition, type Warn } from './event-log.ts';

/** What the pipeline calls with each committed batch (`PipelineOptions.onCommitted`). */
export type CommittedHook = (events: readonly CanonicalEvent[]) => void;

/**
 * Several onCommitted hooks as one (the live readings and the monitor, say): each runs even when
 * one before it throws; the first error is rethrown once all have run, for the pipeline to log.
 */
export function allCommitted(...hooks: CommittedHook[]): CommittedHook {
  return (events) => {
    let first: unknown;
    for (const hook of hooks) {
      try {
        hook(events);
      } catch (e) {
        first ??= e;
      }
    }
    if (first !== undefined) throw first;
  };
}

export interface PipelineOptions {
  dataDir: string;
  store: EventWriter;
  /** Events per store write (default DEFAULT_BATCH). */
  batchSize?: number;
  /** How long the writer waits for a batch to fill before writing what it has (default 200 ms). */
  batchWindowMs?: number;
  /**
   * Called with each batch the writer has committed to the store (live subscriptions publish
   * readings from it). Must not throw; a throw is logged and ignored.
   */
  onCommitted?: CommittedHook;
  /**
   * Called with each submit's accepted events as soon as they are durable in the event log, before
   * the graph has them (the monitor judges readings here, so an alarm does not wait for a batch).
   * Not called for events re-applied from the log on start. Must not throw; a throw is logged.
   */
  onDurable?: CommittedHook;
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
  /** Told about accepts, rejects and commits (the Prometheus metrics in metrics.ts). */
  observer?: PipelineObserver;
}

/**
 * What a metrics collector hears from the pipeline. `source` is the submit source as given
 * (e.g. `mqtt:<topic>`, or FROM_LOG for events re-applied from the log on start).
 */
export interface PipelineObserver {
  accepted(source: string, events: number): void;
  rejected(source: string, messages: number): void;
  /**
   * After a store commit of one source family's events (`source` is the family, e.g. `mqtt`, see
   * `sourceFamily`): `arrivals` holds, per event, when the pipeline
   * received it (ms since the epoch; empty for events re-applied from the log, whose arrival is
   * not recorded), `committedAt` when the store confirmed the commit.
   */
  committed(source: string, result: ApplyResult, arrivals: readonly number[], committedAt: number): void;
  /** The store reported damage and was rebuilt from the event log (see Pipeline, rebuild). */
  storeRebuilt?(): void;
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

/** `mqtt:tracegraph/v1/...` -> `mqtt`: the unit of one store transaction per batch. */
export function sourceFamily(source: string): string {
  const i = source.indexOf(':');
  return i === -1 ? source : source.slice(0, i);
}

/** Splits `total` in proportion to `weights` in whole numbers that add up to it (largest remainder). */
function shareOut(total: number, weights: readonly number[]): number[] {
  if (weights.length === 1) return [total];
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (sum ? (total * w) / sum : 0));
  const out = exact.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of order) {
    if (left <= 0) break;
    out[i]!++;
    left--;
  }
  return out;
}

interface Queued {
  event: CanonicalEvent;
  source: string;
  end: LogPosition;
  /** When `submit` received it (ms since the epoch); undefined when re-applied from the log. */
  arrived?: number;
}

interface Waiter {
  resolve(): void;
  reject(e: Error): void;
}

/** Rebuilds one process attempts; damage that comes back after that needs a person. */
const MAX_REBUILDS = 3;

class Closed extends Error {
  constructor() {
    super('pipeline closed; events not yet in the store are in the event log and are applied on the next start');
  }
}

export class Pipeline {
  /** Per source. A plain object so a metrics endpoint can read it as it is. */
  readonly counters: Record<string, SourceCounters> = {};
  private readonly o: Required<Omit<PipelineOptions, 'store' | 'dataDir' | 'observer'>>;
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
  private rebuilds = 0;

  /** The data directory the pipeline logs into (EPCIS originals are registered beside the log). */
  get dataDir(): string {
    return this.opts.dataDir;
  }

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
      onDurable: opts.onDurable ?? (() => undefined),
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
    const arrived = Date.now();
    let value = raw;
    if (typeof raw === 'string') {
      try {
        value = JSON.parse(raw);
      } catch (e) {
        await this.dead!.add(source, `not valid JSON: ${(e as Error).message}`, raw);
        c.rejected++;
        this.opts.observer?.rejected(source, 1);
        return { accepted: 0, rejected: 1 };
      }
    }
    const items = Array.isArray(value) ? value : [value];
    const events: CanonicalEvent[] = [];
    const recorded = new Date(arrived).toISOString();
    let rejected = 0;
    for (const [i, item] of items.entries()) {
      const r = parseEvent(item);
      if (r.ok) events.push(recordedAt(r.event, recorded));
      else {
        await this.dead!.add(source, Array.isArray(value) ? `[${i}] ${r.reason}` : r.reason, item);
        c.rejected++;
        this.opts.observer?.rejected(source, 1);
        rejected++;
      }
    }
    if (events.length) {
      while (this.queue.length >= this.o.maxQueued && this.state === 'running')
        await new Promise<void>((resolve, reject) => this.spaceWaiters.push({ resolve, reject }));
      // Appended now, not after the previous submit's flush, so that concurrent submits share one
      // fsync (the log's group commit); the chain still queues them in log order.
      const appended = this.log!.append(events);
      const run = this.chain.then(async () => {
        const ends = await appended;
        try {
          this.o.onDurable(events);
        } catch (e) {
          this.o.warn(`onDurable failed (${(e as Error).message}); the events are in the log`);
        }
        events.forEach((event, i) => this.queue.push({ event, source, end: ends[i]!, arrived }));
        this.enqueued += events.length;
        c.accepted += events.length;
        this.opts.observer?.accepted(source, events.length);
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
    this.opts.observer?.rejected(source, 1);
  }

  /** Events accepted (in the log) and not yet in the store: what the writer is behind by. */
  get backlog(): number {
    return this.enqueued - this.drained;
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
   * Writes one batch, one store call (one transaction) per source family (`mqtt`, `opcua`, ...: the
   * part of the source before ':'), retrying each call until it succeeds or the pipeline closes,
   * then moves the checkpoint past it. Not one call per full source: with a source per MQTT topic,
   * a plant's hundreds of station topics would cost hundreds of commits per batch. The per-source
   * `applied` / `duplicates` counters are exact when a family's events in a batch came from one
   * source, else the family's result is shared out in proportion to each source's events.
   */
  private async apply(batch: readonly Queued[]): Promise<void> {
    const byFamily = new Map<string, { events: CanonicalEvent[]; arrivals: number[]; sources: Map<string, number> }>();
    for (const q of batch) {
      const family = sourceFamily(q.source);
      let group = byFamily.get(family);
      if (!group) byFamily.set(family, (group = { events: [], arrivals: [], sources: new Map() }));
      group.events.push(q.event);
      group.sources.set(q.source, (group.sources.get(q.source) ?? 0) + 1);
      if (q.arrived !== undefined) group.arrivals.push(q.arrived);
    }
    for (const [family, { events, arrivals, sources }] of byFamily) {
      const r = await this.withRetry(() => this.opts.store.applyEvents(events));
      const names = [...sources.keys()];
      const weights = [...sources.values()];
      const applied = shareOut(r.applied, weights);
      const duplicates = shareOut(r.duplicates, weights);
      names.forEach((name, i) => {
        const c = this.count(name);
        c.applied += applied[i]!;
        c.duplicates += duplicates[i]!;
      });
      this.opts.observer?.committed(family, r, arrivals, Date.now());
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

  /**
   * A damaged store (a crash mid-write can leave the embedded graph unable to take a batch) is
   * rebuilt rather than retried for ever: the store carries over what it still reads, then the
   * log is re-applied from the checkpoint (or from its start when nothing could be carried), and
   * the batch in hand is tried again. Said on stderr and counted (tracegraph_store_rebuilds_total).
   */
  private async rebuild(cause: Error): Promise<void> {
    const { store, dataDir } = this.opts;
    this.rebuilds++;
    this.opts.observer?.storeRebuilt?.();
    this.o.warn(
      `${cause.message}. Rebuilding the graph from the event log (rebuild ${this.rebuilds} of at most ${MAX_REBUILDS})`,
    );
    const { carried, kept } = await store.rebuild!();
    const from = carried ? readCheckpoint(dataDir, store.backend, this.o.warn) : undefined;
    let batch: CanonicalEvent[] = [];
    let replayed = 0;
    const write = async () => {
      const r = await store.applyEvents(batch);
      this.opts.observer?.committed(FROM_LOG, r, [], Date.now());
      replayed += batch.length;
      batch = [];
    };
    for await (const { event } of readLog(dataDir, { from, warn: this.o.warn })) {
      batch.push(event);
      if (batch.length >= this.o.batchSize) await write();
    }
    if (batch.length) await write();
    this.o.warn(
      `graph rebuilt: ${carried ? 'its committed contents (holds, specs, alarms, recalls included) carried over and ' : 'nothing could be carried over (holds, specs, alarms and saved recalls of the old graph are lost); '}${replayed} logged event(s) re-applied${carried ? ' after the checkpoint' : ''}; the damaged files are kept as ${kept}*`,
    );
  }

  private async withRetry<T>(call: () => Promise<T>): Promise<T> {
    let delay = this.o.retryMinMs;
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await call();
        if (attempt > 1) this.o.warn(`graph store is back after ${attempt - 1} failed attempt(s)`);
        return r;
      } catch (first) {
        let e = first;
        if (this.closed) throw new Closed();
        if (isTracegraphError(e) && e.code === 'STORE_DAMAGED' && this.opts.store.rebuild && this.rebuilds < MAX_REBUILDS) {
          try {
            await this.rebuild(e);
            continue;
          } catch (again) {
            e = again; // retried below like any failed write; the next damage report rebuilds again
          }
        }
        if (attempt === 1 || attempt % 10 === 0)
          this.o.warn(
            `graph store write failed (${(e as Error).message}); retrying, events are kept in the log${this.rebuilds >= MAX_REBUILDS ? `; rebuilt ${this.rebuilds} times already: stop tracegraph, move <data>/graph.kuzu* aside and run \`tracegraph replay\`` : ''}`,
          );
        await this.idle(delay);
        if (this.closed) throw new Closed();
        delay = Math.min(delay * 2, this.o.retryMaxMs);
      }
    }
  }
}
