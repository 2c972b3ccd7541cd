/**
 * `GET /metrics` over HTTP: the Prometheus text of the ingest metrics (ingest/pipeline/metrics.ts),
 * from the API server and from `tracegraph ingest --metrics-port`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { metrics, type IngestMetrics } from '../ingest/pipeline/metrics.ts';
import { closeServer, listen } from './http-listen.ts';

/** `GET /metrics`: the Prometheus text format. */
export async function serveMetrics(m: IngestMetrics, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('use GET /metrics\n');
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
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics are at /metrics\n');
      return;
    }
    serveMetrics(m, req, res).catch((e: unknown) => {
      console.error('tracegraph metrics:', e);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  const base = await listen(server, opts.port, host);
  return {
    url: `${base}/metrics`,
    close: () => closeServer(server),
  };
}
