/**
 * `tracegraph bench --ingest`: sustained ingest throughput MQTT -> graph on the embedded store.
 * A real Mosquitto, a publisher in its own process (the plant's stations), and in this process the
 * same path `tracegraph ingest` runs: MQTT worker -> pipeline (event log with fsync) -> Kuzu.
 * Throughput counts from the first publish to the last commit; lag is per event, from its publish
 * (its eventTime, stamped by the publisher) to the commit of its batch.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CanonicalEvent } from '../core/events.ts';
import { KuzuStore } from '../cypher/kuzu/adapter.ts';
import type { ApplyResult, EventWriter, GraphStore } from '../cypher/port.ts';
import { startMqttWorkers } from '../ingest/mqtt/workers.ts';
import { Pipeline } from '../ingest/pipeline/pipeline.ts';
import { Broker, haveMosquitto } from './mosquitto.ts';
import { median } from './stats.ts';

export interface IngestBenchOptions {
  /** Events per run. */
  events: number;
  /** Events per MQTT message (1: one scan per message, as a bare station sends; more: a gateway batching). */
  perMessage: number[];
  runs: number;
  /** MQTT connections of the worker (splitting the stream between them when more than one). */
  connections?: number;
  /** The worker as the one member of this `--group` (shared subscription and its safety net). */
  group?: string;
  /** Pipeline batch size (default: the pipeline's). */
  batchSize?: number;
  /**
   * `kuzu`: the embedded graph; `none`: a store that commits nothing, to measure MQTT -> event log
   * alone (what the sources could feed a faster store).
   */
  stores: ('kuzu' | 'none')[];
  /** Also report where the ingest time went (store writes vs the whole run): the `debug` setting. */
  debug?: boolean;
}

export interface IngestRow {
  store: 'kuzu' | 'none';
  perMessage: number;
  /** Median over runs. */
  eventsPerSecond: number;
  lagP50Ms: number;
  lagP99Ms: number;
  publishPerSecond: number;
  runs: number[];
}

// The publisher beside this module: its TypeScript source through tsx, or its compiled copy in dist/.
const fromSource = import.meta.filename.endsWith('.ts');
const PUBLISHER = resolve(import.meta.dirname, `ingest-publisher.${fromSource ? 'ts' : 'js'}`);

const log = (line: string) => process.stderr.write(line + '\n');

function quantile(sorted: Float64Array, q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** The real store, timing each event from its eventTime (stamped at publish) to its commit. */
class LagRecorder implements EventWriter {
  lags: number[] = [];
  calls = 0;
  storeMs = 0;
  committed = 0;
  firstEventTime = Infinity;
  lastCommit = 0;
  onCommit: (() => void) | undefined;
  constructor(private readonly inner: EventWriter & Pick<GraphStore, 'ping' | 'close'>) {}
  get backend() {
    return this.inner.backend;
  }
  async applyEvents(events: readonly CanonicalEvent[]): Promise<ApplyResult> {
    const t0 = Date.now();
    const r = await this.inner.applyEvents(events);
    const now = Date.now();
    this.calls++;
    this.storeMs += now - t0;
    for (const e of events) {
      const t = Date.parse(e.eventTime);
      if (t < this.firstEventTime) this.firstEventTime = t;
      this.lags.push(now - t);
    }
    this.committed += events.length;
    this.lastCommit = now;
    this.onCommit?.();
    return r;
  }
  close() {
    return this.inner.close();
  }
}

/** Takes every batch and keeps nothing: the bench's way to time everything but the graph. */
class DiscardStore implements EventWriter {
  readonly backend = 'kuzu';
  applyEvents(events: readonly CanonicalEvent[]): Promise<ApplyResult> {
    return Promise.resolve({ applied: events.length, duplicates: 0, voided: 0 });
  }
  ping() {
    return Promise.resolve();
  }
  close() {
    return Promise.resolve();
  }
}

function publish(args: object): Promise<{ published: number; seconds: number }> {
  return new Promise((resolvePublished, reject) => {
    const child = spawn(process.execPath, [...(fromSource ? ['--import', 'tsx'] : []), PUBLISHER, JSON.stringify(args)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) =>
      code === 0
        ? resolvePublished(JSON.parse(out) as { published: number; seconds: number })
        : reject(new Error(`publisher exited ${code}`)),
    );
  });
}

async function oneRun(
  work: string,
  kind: 'kuzu' | 'none',
  events: number,
  perMessage: number,
  connections: number,
  group: string | undefined,
  batchSize?: number,
  debug = false,
) {
  const dir = mkdtempSync(join(work, 'run-'));
  const broker = await Broker.start({ dir: join(dir, 'broker') });
  const inner = kind === 'kuzu' ? await KuzuStore.open({ dataDir: join(dir, 'graph') }) : new DiscardStore();
  const store = new LagRecorder(inner);
  const pipeline = new Pipeline({ dataDir: join(dir, 'graph'), store, batchSize, warn: log });
  await pipeline.start();
  const worker = await startMqttWorkers({
    url: broker.url,
    pipeline,
    clientId: 'bench-ingest',
    connections,
    group,
    stateFile: join(dir, 'mqtt-sessions.json'),
    warn: log,
  });
  try {
    const done = new Promise<void>((r) => (store.onCommit = () => store.committed >= events && r()));
    // Enough units for the events asked for: the plant makes about 0.55 events per unit.
    const pub = await publish({ url: broker.url, events, perMessage, units: Math.ceil(events / 0.5) });
    if (pub.published !== events) throw new Error(`the plant has only ${pub.published} events; ask for fewer`);
    await pipeline.flush();
    await done;
    const seconds = (store.lastCommit - store.firstEventTime) / 1000;
    if (debug) log(`ingest: ${store.calls} store writes, ${store.storeMs} ms in the store of ${Math.round(seconds * 1000)} ms`);
    const lags = Float64Array.from(store.lags).sort();
    return {
      eventsPerSecond: events / seconds,
      publishPerSecond: events / pub.seconds,
      lagP50Ms: quantile(lags, 0.5),
      lagP99Ms: quantile(lags, 0.99),
    };
  } finally {
    await worker.close();
    await pipeline.close();
    await inner.close();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runIngestBench(opts: IngestBenchOptions): Promise<IngestRow[]> {
  if (!haveMosquitto) throw new Error('the ingest bench needs mosquitto (apt-get install mosquitto)');
  const work = mkdtempSync(join(tmpdir(), 'tracegraph-bench-ingest-'));
  const rows: IngestRow[] = [];
  try {
    for (const kind of opts.stores)
      for (const perMessage of opts.perMessage) {
        const runs = [];
        for (let i = 0; i < opts.runs; i++) {
          const r = await oneRun(
            work,
            kind,
            opts.events,
            perMessage,
            opts.connections ?? 1,
            opts.group,
            opts.batchSize,
            opts.debug,
          );
          log(
            `ingest (${kind}): ${perMessage}/message run ${i + 1}: ${Math.round(r.eventsPerSecond)} events/s, lag p50 ${Math.round(r.lagP50Ms)} ms, p99 ${Math.round(r.lagP99Ms)} ms (published at ${Math.round(r.publishPerSecond)}/s)`,
          );
          runs.push(r);
        }
        const mid = [...runs].sort((a, b) => a.eventsPerSecond - b.eventsPerSecond)[runs.length >> 1]!;
        rows.push({
          store: kind,
          perMessage,
          eventsPerSecond: median(runs.map((r) => r.eventsPerSecond)),
          lagP50Ms: mid.lagP50Ms,
          lagP99Ms: mid.lagP99Ms,
          publishPerSecond: median(runs.map((r) => r.publishPerSecond)),
          runs: runs.map((r) => Math.round(r.eventsPerSecond)),
        });
      }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const lines = [
    '| store | events per message | ingest events/s (median) | lag p50 (ms) | lag p99 (ms) | published events/s | runs (events/s) |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.store === 'none' ? 'none (MQTT -> event log only)' : r.store} | ${r.perMessage} | ${Math.round(r.eventsPerSecond)} | ${Math.round(r.lagP50Ms)} | ${Math.round(r.lagP99Ms)} | ${Math.round(r.publishPerSecond)} | ${r.runs.join(', ')} |`,
    ),
  ];
  process.stdout.write(
    `\nIngest MQTT -> event log -> graph, ${opts.events.toLocaleString('en')} events per run, ${opts.connections ?? 1} MQTT connection(s)${opts.group ? ` in group ${opts.group} (shared, with a safety net)` : ''}, median of ${opts.runs} runs (lag: the median run's)\n\n${lines.join('\n')}\n`,
  );
  return rows;
}
