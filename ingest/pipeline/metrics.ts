/**
 * The ingest pipeline's Prometheus metrics: one Registry per process (`metrics`), fed through the
 * pipeline's observer hook. Labels carry the source family (`mqtt`, `opcua`, `epcis`, ...), never
 * the full topic: a plant has hundreds of station topics and each label value is a time series.
 * Served over HTTP by api/metrics.ts.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ApplyResult } from '../../cypher/port.ts';
import { FROM_LOG, sourceFamily, type PipelineObserver } from './pipeline.ts';

/** `mqtt:tracegraph/v1/...` -> `mqtt`; events re-applied from the event log on start -> `log`. */
export function sourceLabel(source: string): string {
  return source === FROM_LOG ? 'log' : sourceFamily(source);
}

/** Something whose backlog can be read at scrape time (the Pipeline). */
export interface BacklogSource {
  readonly backlog: number;
}

export class IngestMetrics implements PipelineObserver {
  readonly registry = new Registry();
  private readonly acceptedTotal: Counter<'source'>;
  private readonly ingested: Counter<'source'>;
  private readonly duplicates: Counter<'source'>;
  private readonly rejectedTotal: Counter<'source'>;
  private readonly lag: Gauge<'source'>;
  private readonly lagHistogram: Histogram<'source'>;
  private readonly pipelines = new Set<BacklogSource>();
  private readonly rebuilds: Counter;

  constructor(opts: { processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.acceptedTotal = new Counter({
      name: 'tracegraph_events_accepted_total',
      help: 'Events validated and durably in the event log (not yet necessarily in the graph), per source.',
      labelNames: ['source'],
      registers,
    });
    this.ingested = new Counter({
      name: 'tracegraph_events_ingested_total',
      help: 'Events written to the graph store as new events (committed), per source.',
      labelNames: ['source'],
      registers,
    });
    this.duplicates = new Counter({
      name: 'tracegraph_events_duplicate_total',
      help: 'Events committed that the graph already held (same eventId: redelivery, replay), per source.',
      labelNames: ['source'],
      registers,
    });
    this.rejectedTotal = new Counter({
      name: 'tracegraph_events_rejected_total',
      help: 'Messages and events dead-lettered (malformed, invalid, oversized), per source.',
      labelNames: ['source'],
      registers,
    });
    this.lag = new Gauge({
      name: 'tracegraph_ingest_lag_seconds',
      help: 'Latest batch: seconds from the oldest event reaching the pipeline (its message arriving from the source) to its commit in the graph, per source.',
      labelNames: ['source'],
      registers,
    });
    this.lagHistogram = new Histogram({
      name: 'tracegraph_ingest_lag_histogram_seconds',
      help: 'Per event: seconds from reaching the pipeline to its commit in the graph, per source.',
      labelNames: ['source'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
      registers,
    });
    this.rebuilds = new Counter({
      name: 'tracegraph_store_rebuilds_total',
      help: 'Times the graph store was found damaged (e.g. after a crash mid-write) and rebuilt from the event log.',
      registers,
    });
    const pipelines = this.pipelines;
    new Gauge({
      name: 'tracegraph_ingest_backlog_events',
      help: 'Events in the event log not yet written to the graph (grows while the store is slow or down).',
      registers,
      collect() {
        let n = 0;
        for (const p of pipelines) n += p.backlog;
        this.set(n);
      },
    });
    if (opts.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'tracegraph_' });
  }

  /** Reports this pipeline's backlog while it runs; call the returned function when it stops. */
  watch(pipeline: BacklogSource): () => void {
    this.pipelines.add(pipeline);
    return () => this.pipelines.delete(pipeline);
  }

  accepted(source: string, events: number): void {
    this.acceptedTotal.inc({ source: sourceLabel(source) }, events);
  }

  rejected(source: string, messages: number): void {
    this.rejectedTotal.inc({ source: sourceLabel(source) }, messages);
  }

  committed(source: string, result: ApplyResult, arrivals: readonly number[], committedAt: number): void {
    const label = { source: sourceLabel(source) };
    if (result.applied) this.ingested.inc(label, result.applied);
    if (result.duplicates) this.duplicates.inc(label, result.duplicates);
    if (!arrivals.length) return;
    let oldest = Infinity;
    const h = this.lagHistogram.labels(label);
    for (const a of arrivals) {
      if (a < oldest) oldest = a;
      h.observe((committedAt - a) / 1000);
    }
    this.lag.set(label, (committedAt - oldest) / 1000);
  }

  storeRebuilt(): void {
    this.rebuilds.inc();
  }

  /** The Prometheus text exposition of everything registered. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}

/** The process's metrics: what `GET /metrics` serves unless a caller passes its own. */
export const metrics = new IngestMetrics({ processMetrics: true });
