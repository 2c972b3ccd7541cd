/**
 * The web app and the public GS1 Digital Link pages on the API's own port: files of web/dist at
 * `/` (hashed assets cached for a year, index.html never), any other GET that asks for HTML gets
 * index.html so that deep links survive a reload, and `/01/...` Digital Link paths get the public
 * product page (api/web/digital-link.ts). Everything else stays a JSON 404, as before.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import type { GraphStore } from '../../cypher/port.ts';
import { WEB_DIST } from './build.ts';
import { isDigitalLinkPath, serveDigitalLink } from './digital-link.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** What the browser may load: our own origin only (no CDN, no outside fonts). */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' ws: wss:; font-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

export interface WebRoutes {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

function notFound(req: IncomingMessage, res: ServerResponse, path: string): void {
  res
    .writeHead(404, { 'content-type': 'application/json; charset=utf-8' })
    .end(JSON.stringify({ error: `no route ${req.method} ${path}: the GraphQL API is at /graphql` }));
}

async function sendFile(req: IncomingMessage, res: ServerResponse, file: string, immutable: boolean): Promise<boolean> {
  const s = await stat(file).catch(() => undefined);
  if (!s?.isFile()) return false;
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': s.size,
    // Vite puts a content hash in every asset's name: a changed file is a new URL.
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
    ...(extname(file) === '.html' ? { 'content-security-policy': CSP, 'referrer-policy': 'same-origin' } : {}),
  });
  if (req.method === 'HEAD') return (void res.end(), true);
  await new Promise<void>((resolve, reject) => {
    createReadStream(file).on('error', reject).pipe(res).on('finish', resolve).on('close', resolve);
  });
  return true;
}

/** `dist` is web/dist unless a test or an installation puts the build elsewhere. */
export function createWebRoutes(opts: { store: GraphStore; dataDir: string; dist?: string }): WebRoutes {
  const dist = opts.dist ?? WEB_DIST;
  return {
    async handle(req, res) {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const path = url.pathname;
      if (req.method !== 'GET' && req.method !== 'HEAD') return notFound(req, res, path);
      if (isDigitalLinkPath(path)) return serveDigitalLink(req, res, url, opts);
      let decoded: string;
      try {
        decoded = decodeURIComponent(path);
      } catch {
        return notFound(req, res, path);
      }
      const file = normalize(join(dist, decoded));
      if (file.startsWith(dist + sep) && !decoded.endsWith('/')) {
        if (await sendFile(req, res, file, decoded.startsWith('/assets/'))) return;
      }
      // A deep link (/recall/..., /genealogy?id=...) is the app's to answer; other clients keep the JSON 404.
      const wantsHtml = (req.headers.accept ?? '').includes('text/html');
      if (wantsHtml && !decoded.startsWith('/assets/') && extname(decoded) === '') {
        if (await sendFile(req, res, join(dist, 'index.html'), false)) return;
        res
          .writeHead(503, { 'content-type': 'text/plain; charset=utf-8' })
          .end('The web app is not built: run `npm run build:web` (or start with `tracegraph serve`, which builds it).\n');
        return;
      }
      notFound(req, res, path);
    },
  };
}
