/**
 * `GET /metrics` over HTTP: the Prometheus text of the ingest metrics (ingest/pipeline/metrics.ts),
 * from the API server and from `tracegraph ingest --metrics-port`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { metrics, type IngestMetrics } from '../ingest/pipeline/metrics.ts';
import { closeServer, listen } from './http-listen.ts';
import { router, sendText } from './http.ts';

/** `GET /metrics`: the Prometheus text format. */
export async function serveMetrics(m: IngestMetrics, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendText(res, 405, 'use GET /metrics\n', { allow: 'GET, HEAD' });
    return;
  }
  const body = await m.text();
  res.writeHead(200, { 'content-type': m.registry.contentType });
  res.end(req.method === 'HEAD' ? undefined : body);
}

export interface MetricsServer {
  /** e.g. http://127.0.0.1:9464/metrics */
  url: string;
  close(): Promise<void>;
}

/** A server with only `GET /metrics`, for processes without the API (`tracegraph ingest --metrics-port`). */
export async function startMetricsServer(opts: { port: number; host?: string; metrics?: IngestMetrics }): Promise<MetricsServer> {
  const m = opts.metrics ?? metrics;
  const host = opts.host ?? '127.0.0.1';
  const server = createServer(
    router('tracegraph metrics', [{ path: '/metrics', handle: (req, res) => serveMetrics(m, req, res) }], async (_req, res) =>
      sendText(res, 404, 'metrics are at /metrics\n'),
    ),
  );
  const base = await listen(server, opts.port, host);
  return {
    url: `${base}/metrics`,
    close: () => closeServer(server),
  };
}
